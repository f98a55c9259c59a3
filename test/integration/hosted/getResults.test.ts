/**
 * Get Results: fire-and-forget runs collected later, many ids per status request, with and
 * without waiting, and the outcomes a run can have (running, success, error, unknown).
 */
import { randomUUID } from 'node:crypto';
import { PNG } from 'pngjs';
import type { INodeExecutionData } from 'n8n-workflow';

import type { EmulatorHandle } from '../../emulator/server';
import {
	HOSTED_SECRET,
	errorText,
	getResultsParameters,
	requestsOf,
	runNode,
	runWorkflowParameters,
	useHostedEmulator,
	visibleText,
} from './hostedNode';

const emulator = useHostedEmulator();

/** Starts `prompts.length` runs without waiting; returns the items Run Workflow output. */
async function fireAndForget(emu: EmulatorHandle, prompts: string[]): Promise<INodeExecutionData[]> {
	const run = await runNode(emu, {
		parameters: runWorkflowParameters({ waitForCompletion: false }),
		input: prompts.map((prompt) => ({ json: { prompt } })),
	});
	expect(errorText(run)).toBe('');
	return run.items;
}

const asInput = (items: INodeExecutionData[]) => items.map((item) => ({ json: item.json }));

describe('fire-and-forget, then Get Results', () => {
	it('waits for the runs and outputs their PNGs, each paired with the item that named it', async () => {
		const emu = emulator();
		const submitted = await fireAndForget(emu, ['one', 'two', 'three']);
		emu.clearRequests();

		const run = await runNode(emu, { parameters: getResultsParameters(), input: asInput(submitted) });
		expect(errorText(run)).toBe('');
		expect(run.items.map((i) => i.json.prompt_id)).toEqual(submitted.map((i) => i.json.prompt_id));
		expect(run.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		for (const item of run.items) {
			expect(item.json).toMatchObject({ status: 'success', completed: true, file: { mimeType: 'image/png' }, createdAt: expect.any(String) });
			expect(PNG.sync.read(await run.binaryBuffer(item)).width).toBe(512);
		}
		// Different prompts, different images.
		const hashes = await Promise.all(run.items.map(async (item) => (await run.binaryBuffer(item)).toString('base64')));
		expect(new Set(hashes).size).toBe(3);
	});

	it('asks about every id of every item in one status request per poll', async () => {
		const emu = emulator();
		const submitted = await fireAndForget(emu, ['a', 'b', 'c']);
		emu.clearRequests();
		const run = await runNode(emu, { parameters: getResultsParameters(), input: asInput(submitted) });
		expect(errorText(run)).toBe('');
		const polls = requestsOf(emu, 'hosted-status');
		const ids = submitted.map((i) => i.json.prompt_id);
		expect(polls[0].hosted?.promptIds).toEqual(ids);
		// While runs are pending every poll names them together; never one request per id.
		expect(polls.length).toBeLessThan(ids.length * 2 + 10);
		expect(requestsOf(emu, 'download')).toHaveLength(3);
	});

	it('takes several ids in one field (commas or a list) and outputs them in that order', async () => {
		const emu = emulator();
		const [a, b] = (await fireAndForget(emu, ['a', 'b'])).map((i) => String(i.json.prompt_id));
		emu.clearRequests();
		const run = await runNode(emu, {
			parameters: getResultsParameters({ promptIds: '={{ $json.ids }}' }),
			input: [{ json: { ids: `${b}, ${a}` } }, { json: { ids: [a] } }],
		});
		expect(errorText(run)).toBe('');
		expect(run.items.map((i) => [i.json.prompt_id, i.pairedItem])).toEqual([
			[b, { item: 0 }],
			[a, { item: 0 }],
			[a, { item: 1 }],
		]);
		// The same run for two items: both get its bytes.
		expect(await run.binaryBuffer(run.items[2])).toEqual(await run.binaryBuffer(run.items[1]));
		expect(requestsOf(emu, 'hosted-status')[0].hosted?.promptIds).toEqual([b, a]);
	});
});

describe('without waiting', () => {
	it('outputs the current status of each run at once: running ones without files, finished ones with', async () => {
		const emu = emulator();
		emu.setBehaviour({ hostedRunMs: 0 });
		const [done] = await fireAndForget(emu, ['done']);
		emu.setBehaviour({ hostedRunMs: 60_000 });
		const [running] = await fireAndForget(emu, ['running']);
		emu.clearRequests();

		const run = await runNode(emu, {
			parameters: getResultsParameters({ waitForCompletion: false }),
			input: asInput([running, done]),
		});
		expect(errorText(run)).toBe('');
		expect(run.items).toHaveLength(2);
		expect(run.items[0].json).toMatchObject({ prompt_id: running.json.prompt_id, status: 'running', completed: false });
		expect(run.items[0].binary).toBeUndefined();
		expect(run.items[1].json).toMatchObject({ prompt_id: done.json.prompt_id, status: 'success', completed: true });
		expect(PNG.sync.read(await run.binaryBuffer(run.items[1])).width).toBe(512);
		expect(requestsOf(emu, 'hosted-status')).toHaveLength(1);
		expect(requestsOf(emu, 'hosted-status')[0].hosted?.promptIds).toHaveLength(2);
	});
});

describe('runs that did not succeed', () => {
	it('a failed run is an item with its status and ViewComfy’s error text, not a node failure', async () => {
		const emu = emulator();
		emu.setBehaviour({ resultStatus: 'status-error', hostedRunMs: 0 });
		const submitted = await fireAndForget(emu, ['doomed']);
		const run = await runNode(emu, { parameters: getResultsParameters(), input: asInput(submitted) });
		expect(errorText(run)).toBe('');
		expect(run.items[0].json).toMatchObject({
			status: 'error',
			completed: true,
			error_message: 'ExecutionError: Error while running the workflow: VAEDecode: simulated failure (ViewComfy emulator)',
		});
		expect(run.items[0].binary).toBeUndefined();
	});

	it('an unknown id fails its item with a clear error; Continue On Fail keeps the other results', async () => {
		const emu = emulator();
		const [known] = await fireAndForget(emu, ['known']);
		const unknown = randomUUID();
		const input = [{ json: { prompt_id: unknown } }, { json: known.json }];

		const failed = await runNode(emu, { parameters: getResultsParameters(), input });
		expect(errorText(failed)).toContain(`ViewComfy knows no run with prompt ID ${unknown}`);
		expect(errorText(failed)).toContain('[item 0]');

		const kept = await runNode(emu, { parameters: getResultsParameters(), input, continueOnFail: true });
		expect(kept.items).toHaveLength(2);
		expect(kept.items[0].json).toMatchObject({ error: expect.stringContaining('knows no run'), prompt_id: unknown });
		expect(kept.items[1].json).toMatchObject({ prompt_id: known.json.prompt_id, status: 'success' });
	});

	it('an id that is not a prompt ID is refused before any request, naming the field', async () => {
		const emu = emulator();
		const run = await runNode(emu, { parameters: getResultsParameters({ promptIds: 'prompt_id: abc' }) });
		expect(errorText(run)).toMatch(/"prompt_id:" in Prompt IDs is not a prompt ID/);
		expect(emu.requests).toEqual([]);
	});

	it('is refused with a direct-deployment credential, naming the API setting', async () => {
		const emu = emulator();
		const run = await runNode(emu, {
			parameters: getResultsParameters({ promptIds: randomUUID() }),
			credential: { apiType: 'direct', endpointUrl: emu.url },
		});
		expect(errorText(run)).toContain('Get Results needs the ViewComfy hosted API');
		expect(errorText(run)).toContain('set API to "ViewComfy Hosted API"');
		expect(emu.requests).toEqual([]);
	});

	it('wrong credentials: a 401 with the credential hint, and the secret nowhere', async () => {
		const emu = emulator();
		const run = await runNode(emu, {
			parameters: getResultsParameters({ promptIds: randomUUID() }),
			credential: { clientSecret: 'WRONG-hosted-secret-31337' },
		});
		expect(errorText(run)).toMatch(/hosted API answered HTTP 401[\s\S]*Check the Client ID and Client Secret/);
		expect(requestsOf(emu, 'hosted-status')).toHaveLength(1);
		expect(visibleText(run)).not.toContain('WRONG-hosted-secret-31337');
		expect(visibleText(run)).not.toContain(HOSTED_SECRET);
	});
});
