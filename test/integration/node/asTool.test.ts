/**
 * The node as an AI Agent's tool (the type n8n registers as `viewComfyTool`), run by n8n-core's
 * engine as n8n 2.x runs an agent's tool call: its output JSON is what the model reads, so it stays
 * small, and a failure is an item the model can read instead of an error that ends the agent's run.
 */
import { NodeHelpers } from 'n8n-workflow';

import { ViewComfyApi } from '../../../credentials/ViewComfyApi.credentials';
import { ViewComfy } from '../../../nodes/ViewComfy/ViewComfy.node';
import { runWorkflowNode, VIEWCOMFY_NODE_TYPE, type RunNodeOptions, type RunResult } from '../../harness';
import { CLIENT_ID, CLIENT_SECRET, expectNoSecret, inferRequests, mappedFields, pasteParameters, useEmulator } from './support';

const env = useEmulator('txt2img');
const TOOL_TYPE = `${VIEWCOMFY_NODE_TYPE}Tool`;
const viewComfy = new ViewComfy();
const viewComfyApi = new ViewComfyApi();

/** Runs the node under `typeName`, the way an agent's tool call feeds it: one item with the model's arguments. */
async function run(
	typeName: string,
	options: Omit<RunNodeOptions, 'credentials'> & { clientSecret?: string },
): Promise<RunResult> {
	const { clientSecret = CLIENT_SECRET, ...rest } = options;
	return await runWorkflowNode({
		input: [{ json: { prompt: 'a red fox in snow', toolCallId: 'call_1' } }],
		...rest,
		node: { typeName, type: viewComfy, name: 'Generate Image' },
		credentials: {
			viewComfyApi: { type: viewComfyApi, data: { endpointUrl: env.emulator.url, clientId: CLIENT_ID, clientSecret } },
		},
	});
}

const foxRun = (extra: Record<string, unknown> = {}) =>
	pasteParameters('txt2img', {
		parameters: mappedFields({ '6-inputs-text': '={{ $json.prompt }}' }),
		resultMode: 'stream',
		options: { includePrompt: true },
		...extra,
	});

describe('what the tool hands the model', () => {
	it('as a tool: run status, prompt_id, params and the file’s name, type and size; no workflow, no log lines', async () => {
		const result = await run(TOOL_TYPE, { parameters: foxRun() });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		const [item] = result.items;
		expect(Object.keys(item.json).sort()).toEqual(['completed', 'execution_time_seconds', 'file', 'params', 'prompt_id', 'randomizedSeeds', 'status']);
		expect(item.json).toMatchObject({
			status: 'success',
			completed: true,
			params: { '6-inputs-text': 'a red fox in snow' },
			file: { fileName: expect.stringMatching(/\.png$/), mimeType: 'image/png', fileSize: expect.any(Number) },
		});
		// The bytes stay n8n binary data, for the execution record and the nodes after the agent.
		const bytes = await result.binaryBuffer(item);
		expect(bytes.length).toBe((item.json.file as { fileSize: number }).fileSize);
		expect(JSON.stringify(item.json).length).toBeLessThan(1024);
	});

	it('as a plain node, the same options still output the executed workflow and the log lines', async () => {
		const result = await run(VIEWCOMFY_NODE_TYPE, { parameters: foxRun() });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toHaveProperty('prompt');
		expect(result.items[0].json.logs).toEqual(expect.arrayContaining([expect.any(String)]));
	});
});

describe('a tool call that fails', () => {
	it('a wrong Client Secret: one item with the 401 and the credential hint, the run not failed, the secret nowhere', async () => {
		const wrongSecret = 'vcs-TOOL-WRONG-5a0c2e91';
		const result = await run(TOOL_TYPE, { parameters: foxRun(), clientSecret: wrongSecret });
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.items).toEqual([
			{
				json: { error: expect.stringContaining('401'), description: expect.stringMatching(/Client ID and Client Secret/) },
				pairedItem: { item: 0 },
			},
		]);
		expect(inferRequests(env.emulator).map((request) => request.status)).toEqual([401]);
		expectNoSecret(result, env.emulator, wrongSecret);
	});

	it('an unknown parameter key: named, with the closest key suggested, before any request', async () => {
		const result = await run(TOOL_TYPE, {
			parameters: foxRun({ parameters: mappedFields({ '6-inputs-txt': '={{ $json.prompt }}' }) }),
		});
		expect(result.status).toBe('success');
		const [item] = result.items;
		expect(item.json.error).toContain('6-inputs-txt');
		expect(`${item.json.error} ${item.json.description}`).toContain('6-inputs-text');
		expect(inferRequests(env.emulator)).toEqual([]);
	});

	it('as a plain node the same failure still fails the run', async () => {
		const result = await run(VIEWCOMFY_NODE_TYPE, { parameters: foxRun(), clientSecret: 'vcs-PLAIN-WRONG-77' });
		expect(result.status).toBe('error');
		expect(result.error?.message).toContain('401');
	});
});

describe('what the editor shows on the tool', () => {
	const notice = viewComfy.description.properties.find((property) => property.name === 'toolNotice')!;
	const shown = (name: string, operation: string) =>
		NodeHelpers.displayParameter({ operation }, notice, { typeVersion: 1 }, { ...viewComfy.description, name });

	it("tells how to hand the prompt to the model with $fromAI, on the tool's Run Workflow only", () => {
		expect(notice.displayName).toContain("$fromAI('prompt'");
		expect(shown('viewComfyTool', 'runWorkflow')).toBe(true);
		expect(shown('viewComfy', 'runWorkflow')).toBe(false);
		expect(shown('viewComfyTool', 'listParameters')).toBe(false);
	});
});
