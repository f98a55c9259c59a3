/**
 * What a user reads when a run fails: the field, what was wrong, how to fix it, never the secret;
 * and how failures map onto items with and without Continue On Fail.
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { RunResult } from '../../harness';
import {
	expectNoSecret,
	fixtureText,
	inferRequests,
	mappedFields,
	pasteParameters,
	runAgainst,
	useEmulator,
} from './support';

const env = useEmulator('txt2img');

/** The error the node threw, with what the n8n editor shows of it. */
function thrownError(result: RunResult): { error: NodeApiError | NodeOperationError; text: string } {
	const error = result.error as NodeApiError | NodeOperationError | undefined;
	if (!error) throw new Error(`The run did not fail: ${JSON.stringify(result.items.map((item) => item.json))}`);
	expect(result.status).toBe('error');
	return { error, text: `${error.message}\n${error.description ?? ''}` };
}

describe('a single failing item', () => {
	it('reports a wrong Client Secret as HTTP 401 with a credential hint, without the secret', async () => {
		const wrongSecret = 'vcs-WRONG-0d9b31f7e2';
		const result = await runAgainst(env.emulator, {
			parameters: pasteParameters('txt2img'),
			clientSecret: wrongSecret,
		});
		const { error, text } = thrownError(result);
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).httpCode).toBe('401');
		expect(error.message).toContain('401');
		expect(error.description).toMatch(/Client ID and Client Secret/);
		expect(text).not.toContain(wrongSecret);
		expect(inferRequests(env.emulator)[0].status).toBe(401);
		expectNoSecret(result, env.emulator, wrongSecret);
	});

	it('tells that an editor-format workflow must be exported with Export (API), before any request', async () => {
		const result = await runAgainst(env.emulator, { parameters: pasteParameters('editor_format_not_api') });
		const { error, text } = thrownError(result);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(text).toContain('Export (API)');
		expect(inferRequests(env.emulator)).toHaveLength(0);
	});

	it('points at the line and column of invalid workflow JSON', async () => {
		// The comma after the seed is missing: line 3.
		const broken = '{\n  "3": {"class_type": "KSampler",\n    "inputs": {"seed": 5 "steps": 20}}\n}';
		const result = await runAgainst(env.emulator, {
			parameters: { operation: 'runWorkflow', workflowSource: 'paste', workflowJson: broken },
		});
		const { text } = thrownError(result);
		expect(text).toContain('Workflow JSON');
		expect(text).toMatch(/line 3, column \d+/);
		expect(inferRequests(env.emulator)).toHaveLength(0);
	});

	it('names an unknown parameter key and suggests the right one', async () => {
		const result = await runAgainst(env.emulator, {
			parameters: pasteParameters('txt2img', { additionalParameters: '{"6-inputs-txt": "a cat"}' }),
		});
		const { text } = thrownError(result);
		expect(text).toContain('"6-inputs-txt"');
		expect(text).toContain('Additional Parameters (JSON)');
		expect(text).toMatch(/Did you mean "6-inputs-text"/);
		expect(inferRequests(env.emulator)).toHaveLength(0);
	});

	it('names a missing binary property and the ones the item has', async () => {
		const result = await runAgainst(env.emulator, {
			parameters: pasteParameters('txt2img', {
				workflowJson: fixtureText('img2img'),
				fileInputs: { file: [{ key: '10-inputs-image', binaryProperty: 'photo' }] },
			}),
			input: [{ json: {}, binary: { data: { data: 'not the photo', fileName: 'x.txt' } } }],
		});
		const { text } = thrownError(result);
		expect(text).toContain('"photo"');
		expect(text).toContain('10-inputs-image');
		expect(text).toMatch(/binary properties: data/);
	});

	it('reports a run that ViewComfy did not complete, with its status', async () => {
		env.emulator.setBehaviour({ resultStatus: 'completed-false' });
		const result = await runAgainst(env.emulator, { parameters: pasteParameters('txt2img') });
		const { error, text } = thrownError(result);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/status: running, completed: false/);
		expect(text).toMatch(/prompt_id/);
		expectNoSecret(result, env.emulator);
	});
});

describe('several items', () => {
	// Item 0 meets a server error (the emulator's first answer), item 2 has a seed that is not a
	// number; items 1 and 3 succeed.
	const input = [{ seed: 11 }, { seed: 12 }, { seed: 'twelve and a half' }, { seed: 14 }].map((json) => ({ json }));
	const parameters = (concurrency: number) =>
		pasteParameters('txt2img', {
			parameters: mappedFields({ '3-inputs-seed': '={{ $json.seed }}' }),
			options: { concurrency },
		});

	it.each([1, 3])('with Continue On Fail, gives one result per item in input order (concurrency %i)', async (concurrency) => {
		env.emulator.setBehaviour({ error500: 1 });
		const result = await runAgainst(env.emulator, { parameters: parameters(concurrency), input, continueOnFail: true });
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		const { items } = result;
		expect(items.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));

		// Which item meets the emulator's single 500 depends on arrival order when items run in parallel.
		const failedOnServer = items.findIndex((item) => item.json.httpCode === 500);
		expect(failedOnServer).toBeGreaterThanOrEqual(0);
		expect(failedOnServer).not.toBe(2);
		expect(items[failedOnServer].json.error).toMatch(/500/);
		expect(items[2].json.error).toMatch(/"3-inputs-seed" must be a number/);
		expect(items[2].binary).toBeUndefined();
		for (const index of [0, 1, 3].filter((index) => index !== failedOnServer)) {
			expect(items[index].json.error).toBeUndefined();
			expect(items[index].binary?.data.mimeType).toBe('image/png');
			expect((items[index].json.params as Record<string, unknown>)['3-inputs-seed']).toBe(input[index].json.seed);
		}
		expectNoSecret(result, env.emulator);
	});

	it('without Continue On Fail, stops at the first failure and names its item', async () => {
		const result = await runAgainst(env.emulator, { parameters: parameters(1), input });
		const { error } = thrownError(result);
		expect(error.message).toContain('[item 2]');
		expect(error.context.itemIndex).toBe(2);
		// Items 0 and 1 ran, item 3 was never started.
		expect(inferRequests(env.emulator)).toHaveLength(2);
		expect(result.items).toEqual([]);
	});
});
