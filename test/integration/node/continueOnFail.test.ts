/**
 * Continue On Fail, the same in every operation (actions/continueOnFail.ts): each failed input
 * item becomes one error item in its place, in input order, paired with it, carrying the message
 * and the description the same failure shows when it stops the run.
 */
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { startEmulator, type EmulatorHandle } from '../../emulator/server';
import type { InputItem, RunResult } from '../../harness';
import {
	HOSTED_CLIENT_ID,
	HOSTED_SECRET,
	getResultsParameters,
	runNode as runHostedNode,
	runWorkflowParameters,
} from '../hosted/hostedNode';
import { fixtureText, mappedFields, pasteParameters, runAgainst, useEmulator } from './support';

const direct = useEmulator('txt2img');
let hosted: EmulatorHandle;

beforeAll(async () => {
	hosted = await startEmulator({ clientId: HOSTED_CLIENT_ID, clientSecret: HOSTED_SECRET, behaviour: { hostedRunMs: 0 } });
});
afterAll(async () => await hosted?.close());
beforeEach(() => {
	hosted.resetBehaviour();
	hosted.clearRequests();
});

type Outcome = 'ok' | 'error';

/** Which input item each output item came from, and whether it is an error item. */
function outline(items: INodeExecutionData[]): Array<[number, Outcome]> {
	return items.map((item) => [(item.pairedItem as { item: number }).item, item.json.error === undefined ? 'ok' : 'error']);
}

/** The error a run without Continue On Fail stopped with, as the user reads it. */
function thrown(run: RunResult): { message: string; description: string | null | undefined } {
	const error = run.error as (Error & { description?: string | null }) | undefined;
	expect(error).toBeDefined();
	return { message: error!.message, description: error!.description };
}

/**
 * Runs the operation twice over the same items, with and without Continue On Fail: the first
 * failing item's error item must say exactly what the stopped run said, description included.
 */
async function bothWays(run: (continueOnFail: boolean) => Promise<RunResult>): Promise<{ continued: RunResult; stopped: RunResult }> {
	const continued = await run(true);
	const stopped = await run(false);
	expect(continued.error).toBeUndefined();
	const firstError = continued.items.find((item) => item.json.error !== undefined)!;
	const { message, description } = thrown(stopped);
	expect(typeof description).toBe('string');
	expect(firstError.json).toMatchObject({ error: message, description });
	return { continued, stopped };
}

describe('List Workflow Parameters', () => {
	const workflowFile = (name: 'txt2img' | 'img2img' | 'editor_format_not_api'): InputItem => ({
		json: {},
		binary: { file: { data: fixtureText(name), fileName: `${name}.json`, mimeType: 'application/json' } },
	});
	const parameters: INodeParameters = { operation: 'listParameters', workflowSource: 'binary', workflowBinaryProperty: 'file' };

	it('an editor-format file among good ones: its error item keeps the description, in its place', async () => {
		const input = [workflowFile('txt2img'), workflowFile('editor_format_not_api'), { json: {} }, workflowFile('img2img')];
		const { continued } = await bothWays(async (continueOnFail) => await runAgainst(direct.emulator, { parameters, input, continueOnFail }));
		const rows = outline(continued.items);
		// Items 0 and 3 list their parameters; 1 and 2 give one error item each, between them.
		expect(rows.filter(([, outcome]) => outcome === 'error')).toEqual([
			[1, 'error'],
			[2, 'error'],
		]);
		expect(rows.map(([item]) => item)).toEqual([...rows.map(([item]) => item)].sort((a, b) => a - b));
		expect(new Set(rows.map(([item]) => item))).toEqual(new Set([0, 1, 2, 3]));
		const [editorFormat, missing] = continued.items.filter((item) => item.json.error !== undefined).map((item) => item.json);
		expect(editorFormat.description).toMatch(/Export \(API\)/);
		expect(missing.error).toMatch(/file/);
		expect(typeof missing.description).toBe('string');
	});
});

describe('Run Workflow (direct deployment)', () => {
	it('an item with broken Additional Parameters becomes an error item between the two images', async () => {
		const parameters = pasteParameters('txt2img', {
			parameters: mappedFields({ '6-inputs-text': '={{ $json.prompt }}' }),
			additionalParameters: '={{ $json.extra }}',
			options: { concurrency: 2 },
		});
		const input = [
			{ json: { prompt: 'one', extra: '{}' } },
			{ json: { prompt: 'two', extra: '{"3-inputs-seed": ' } },
			{ json: { prompt: 'three', extra: '{}' } },
		];
		const { continued } = await bothWays(
			async (continueOnFail) => await runAgainst(direct.emulator, { parameters, input, continueOnFail }),
		);
		expect(outline(continued.items)).toEqual([
			[0, 'ok'],
			[1, 'error'],
			[2, 'ok'],
		]);
		expect(continued.items[1].json.error).toMatch(/Additional Parameters \(JSON\)/);
		expect(continued.items[0].binary?.data).toBeDefined();
		expect(continued.items[2].binary?.data).toBeDefined();
	});
});

describe('hosted API operations', () => {
	async function submittedRunIds(count: number): Promise<string[]> {
		const run = await runHostedNode(hosted, {
			parameters: runWorkflowParameters({ waitForCompletion: false }),
			input: Array.from({ length: count }, (_, i) => ({ json: { prompt: `run ${i}` } })),
		});
		expect(run.error).toBeUndefined();
		return run.items.map((item) => String(item.json.prompt_id));
	}

	it('Get Results: a prompt ID ViewComfy does not know fails only its own item, in its place', async () => {
		const [first, second] = await submittedRunIds(2);
		const input = [{ json: { prompt_id: first } }, { json: { prompt_id: 'not-a-prompt-id' } }, { json: { prompt_id: second } }];
		const { continued } = await bothWays(
			async (continueOnFail) => await runHostedNode(hosted, { parameters: getResultsParameters(), input, continueOnFail }),
		);
		expect(outline(continued.items)).toEqual([
			[0, 'ok'],
			[1, 'error'],
			[2, 'ok'],
		]);
		expect(continued.items[1].json.error).toMatch(/knows no run with prompt ID not-a-prompt-id/);
		expect([continued.items[0].json.prompt_id, continued.items[2].json.prompt_id]).toEqual([first, second]);
	});

	it('Cancel Run: an unknown run fails only its own item, with the HTTP code, in its place', async () => {
		hosted.setBehaviour({ hostedRunMs: 60_000 });
		const [first, second] = await submittedRunIds(2);
		const unknown = '00000000-0000-4000-8000-000000000000';
		const input = [{ json: { prompt_id: first } }, { json: { prompt_id: unknown } }, { json: { prompt_id: second } }];
		const parameters: INodeParameters = { operation: 'cancelRun' };
		const { continued } = await bothWays(async (continueOnFail) => await runHostedNode(hosted, { parameters, input, continueOnFail }));
		expect(outline(continued.items)).toEqual([
			[0, 'ok'],
			[1, 'error'],
			[2, 'ok'],
		]);
		expect(continued.items[1].json).toMatchObject({ httpCode: 404 });
		expect(continued.items[0].json).toMatchObject({ prompt_id: first, cancelRequested: true });
		expect(continued.items[2].json).toMatchObject({ prompt_id: second, cancelRequested: true });
	});
});
