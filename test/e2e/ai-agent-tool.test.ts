/**
 * Scenario: the node as an AI Agent's tool in a real n8n. examples/ai-agent-tool.workflow.json
 * (Manual Trigger → AI Agent with n8n's OpenAI Chat Model and the ViewComfy tool, its prompt field
 * set by $fromAI) runs as a user imports it; the chat model's Base URL points at a local
 * OpenAI-compatible server (test/fakes/openaiChat.ts) that asks for the tool once and then quotes
 * what the tool returned. Checked: the tool the model was offered, the prompt the emulator got,
 * the small JSON the model read, the image n8n recorded, and that a wrong credential or an unknown
 * parameter key reach the model as readable text instead of ending the agent's run.
 */
import { readFileSync } from 'node:fs';
import type { CredentialSpec, WorkflowSpec } from '../../scripts/n8n/instance';
import { nodeOutput, readBinary, type ExecutionData, type Item } from '../../scripts/n8n/run-data';
import { messageText, startFakeChatServer, toolMessages, type ChatCall, type FakeChatServer } from '../fakes/openaiChat';
import type { RecordedRequest } from '../emulator/server';
import { examplePath } from './helpers/examples';
import { e2eLog, SCENARIO_TIMEOUT_MS, SETUP_TIMEOUT_MS } from './helpers/n8n-setup';
import { closeScenario, expectSecretNowhere, inferRequests, openScenario, pngSize, replayInfer, runToCompletion, sha256, type Scenario } from './helpers/scenario';
import { CREDENTIAL_REF, E2E_CLIENT_ID, E2E_SECRET, linkedPngOutput, viewComfyCredential } from './helpers/viewcomfy';
import { n8nId } from './helpers/workflow-builder';

const EXAMPLE = examplePath('ai-agent-tool');
const TOOL_NODE = 'Generate Image';
/** n8n's tool name for a node: its name with anything but letters, digits, _ and - replaced by _. */
const TOOL_NAME = 'Generate_Image';
const AGENT_NODE = 'AI Agent';
const FOX = 'a red fox in snow';
const OPENAI_CREDENTIAL: CredentialSpec['id'] = 'OpenAiLocalCred1';
const WRONG_SECRET = 'e2e-AGENT-WRONG-7f3a9c0e11';
const WRONG_CREDENTIAL = { id: 'ViewComfyWrongAg', name: 'ViewComfy (wrong secret)' };
const HOSTED_CREDENTIAL = { id: 'ViewComfyHostedA', name: 'ViewComfy hosted API (agent)' };
/** With the hosted API the tool message carries the file's link too: still under 1 KB for one image. */
const MAX_HOSTED_TOOL_MESSAGE_BYTES = 1024;
/** A tool answer the model can afford: a few KB at most. */
const MAX_TOOL_MESSAGE_BYTES = 4096;

type NodeJson = { name: string; type: string; parameters: Record<string, unknown>; credentials?: Record<string, { id: string; name: string }> };

/** The example as a user imports it, with the test's credentials picked on its nodes. */
function exampleWorkflow(name: string, change: (toolNode: NodeJson) => void = () => {}): WorkflowSpec {
	const workflow = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as WorkflowSpec;
	const nodes = workflow.nodes as NodeJson[];
	for (const node of nodes) {
		if (node.credentials?.viewComfyApi) node.credentials.viewComfyApi = CREDENTIAL_REF;
		if (node.credentials?.openAiApi) node.credentials.openAiApi = { id: OPENAI_CREDENTIAL, name: 'OpenAI (local chat server)' };
	}
	change(nodes.find((node) => node.name === TOOL_NODE)!);
	return { ...workflow, id: n8nId(), name };
}

/** The model: call the offered tool with the fox prompt, then quote the tool's answer. */
function script(call: ChatCall) {
	const answered = toolMessages(call).at(-1);
	if (answered) return { content: `The image tool answered: ${messageText(answered)}` };
	const tool = call.tools[0]?.function.name;
	if (!tool) return { content: 'No tool was offered.' };
	return { toolCalls: [{ name: tool, arguments: { prompt: FOX } }] };
}

interface AgentRun {
	data: ExecutionData;
	/** The chat calls of this run only. */
	calls: ChatCall[];
	/** What the agent output: its final answer. */
	output: string;
	/** The tool message the model read, as sent. */
	toolMessage: string;
}

describe('e2e: the node as an AI Agent tool', () => {
	let scenario: Scenario;
	let chat: FakeChatServer;

	async function runAgent(workflow: WorkflowSpec): Promise<AgentRun> {
		const before = chat.calls.length;
		scenario.emulator.clearRequests();
		const data = await runToCompletion(scenario, workflow);
		const calls = chat.calls.slice(before);
		const agentItems = nodeOutput(data, AGENT_NODE);
		const lastToolMessage = calls.length ? toolMessages(calls[calls.length - 1]).at(-1) : undefined;
		const toolMessage = lastToolMessage ? messageText(lastToolMessage) : '';
		e2eLog(`"${workflow.name}": the model read ${Buffer.byteLength(toolMessage)} bytes from the tool: ${toolMessage}`);
		return { data, calls, output: String(agentItems[0]?.json.output ?? ''), toolMessage };
	}

	beforeAll(async () => {
		chat = await startFakeChatServer(script);
		scenario = await openScenario({
			workflow: 'txt2img',
			credentials: [
				{ id: OPENAI_CREDENTIAL, name: 'OpenAI (local chat server)', type: 'openAiApi', data: { apiKey: 'sk-local-fake', url: chat.baseUrl } },
			],
		});
		await scenario.instance.importCredentials([
			viewComfyCredential(scenario.emulator.url, WRONG_SECRET, WRONG_CREDENTIAL),
			{
				...HOSTED_CREDENTIAL,
				type: 'viewComfyApi',
				data: { apiType: 'hosted', hostedApiUrl: scenario.emulator.origin, endpointUrl: 'https://team--viewcomfy-deployment.modal.run/', clientId: E2E_CLIENT_ID, clientSecret: E2E_SECRET },
			},
		]);
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		await closeScenario(scenario);
		await chat?.close();
	}, SCENARIO_TIMEOUT_MS);

	describe('the example workflow, as imported', () => {
		let run: AgentRun;

		beforeAll(async () => {
			run = await runAgent(exampleWorkflow('e2e: agent makes an image'));
		}, SCENARIO_TIMEOUT_MS);

		it('asked the model twice: once with the tool offered, once with the tool’s answer', () => {
			expect(chat.unhandled).toEqual([]);
			expect(run.calls).toHaveLength(2);
			expect(toolMessages(run.calls[0])).toEqual([]);
			expect(toolMessages(run.calls[1])).toHaveLength(1);
		});

		it('offered the tool under the node’s name, with its description and one string parameter, "prompt"', () => {
			const example = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as { nodes: NodeJson[] };
			const toolDescription = example.nodes.find((node) => node.name === TOOL_NODE)!.parameters.toolDescription;
			const offered = run.calls[0].tools;
			expect(offered.map((tool) => tool.function.name)).toEqual([TOOL_NAME]);
			expect(offered[0].function.description).toBe(toolDescription);
			const parameters = offered[0].function.parameters as { properties: Record<string, { type: string; description?: string }>; required?: string[] };
			expect(Object.keys(parameters.properties)).toEqual(['prompt']);
			expect(parameters.properties.prompt).toMatchObject({
				type: 'string',
				description: 'What the image should show: subject, style and lighting, in English',
			});
			expect(parameters.required).toEqual(['prompt']);
		});

		it('ran the deployment once with exactly the prompt the model chose', () => {
			const calls = inferRequests(scenario.emulator);
			expect(calls).toHaveLength(1);
			expect(calls[0].status).toBe(201);
			expect(calls[0].form?.params).toEqual({ '6-inputs-text': FOX });
		});

		it('handed the model a small JSON: status, prompt_id, the file’s name, type and size; no bytes, no workflow, no secret', () => {
			expect(Buffer.byteLength(run.toolMessage)).toBeLessThan(MAX_TOOL_MESSAGE_BYTES);
			const answer = JSON.parse(run.toolMessage) as Array<Record<string, unknown>>;
			expect(answer).toHaveLength(1);
			expect(answer[0]).toMatchObject({
				status: 'success',
				completed: true,
				prompt_id: expect.any(String),
				file: { fileName: expect.stringMatching(/\.png$/), mimeType: 'image/png', fileSize: expect.any(Number) },
			});
			expect(answer[0]).not.toHaveProperty('prompt');
			expect(answer[0]).not.toHaveProperty('logs');
			// No base64: the longest string in the answer is far shorter than any PNG's.
			const strings = JSON.stringify(answer).match(/"[^"]*"/g) ?? [];
			expect(Math.max(...strings.map((text) => text.length))).toBeLessThan(200);
			expect(run.toolMessage).not.toContain(E2E_SECRET);
		});

		it('finished the agent’s run with the model’s answer quoting the tool', () => {
			expect(run.output).toBe(`The image tool answered: ${run.toolMessage}`);
		});

		it('recorded the image in the execution: the tool’s output holds exactly the PNG ViewComfy answered', async () => {
			const toolRuns = run.data.resultData.runData[TOOL_NODE] as Array<{ data?: Record<string, Item[][]> }>;
			expect(toolRuns).toHaveLength(1);
			const [item] = toolRuns[0].data?.ai_tool?.[0] ?? [];
			const binary = item?.binary?.data;
			expect(binary).toMatchObject({ mimeType: 'image/png' });
			const stored = readBinary(scenario.instance.userFolder, binary!);
			expect(pngSize(stored)).toEqual({ width: 512, height: 512 });
			const [answered] = await replayInfer(scenario.emulator, inferRequests(scenario.emulator)[0]);
			expect(sha256(stored)).toBe(sha256(answered.data));
			const answer = JSON.parse(run.toolMessage) as Array<{ file: { fileName: string; fileSize: number } }>;
			expect(answer[0].file).toMatchObject({ fileName: binary!.fileName, fileSize: stored.length });
		});
	});

	describe('a tool call that fails reaches the model as text, and the agent still answers', () => {
		it('a wrong client secret: the 401 and the credential hint, never the secret', async () => {
			const run = await runAgent(
				exampleWorkflow('e2e: agent, wrong secret', (tool) => {
					tool.credentials = { viewComfyApi: WRONG_CREDENTIAL };
				}),
			);
			expect(inferRequests(scenario.emulator).map((request) => request.status)).toEqual([401]);
			expect(run.calls).toHaveLength(2);
			const [answer] = JSON.parse(run.toolMessage) as Array<{ error: string; description?: string }>;
			expect(answer.error).toContain('401');
			expect(`${answer.error} ${answer.description}`).toContain('Check the Client ID and Client Secret in the ViewComfy credential');
			expect(run.toolMessage).not.toContain(WRONG_SECRET);
			expect(run.output).toBe(`The image tool answered: ${run.toolMessage}`);
		}, SCENARIO_TIMEOUT_MS);

		it('an unknown parameter key: named, with the closest existing key suggested, and nothing sent', async () => {
			const run = await runAgent(
				exampleWorkflow('e2e: agent, unknown key', (tool) => {
					const mapper = tool.parameters.parameters as { value: Record<string, string> };
					mapper.value = { '6-inputs-txt': mapper.value['6-inputs-text'] };
					// Also the description n8n makes when the user leaves it to n8n ("Set Automatically").
					tool.parameters.descriptionType = 'auto';
				}),
			);
			expect(run.calls[0].tools.map((tool) => tool.function.description)).toEqual([
				'Generate images, video or audio by running a ComfyUI workflow on ViewComfy',
			]);
			expect(inferRequests(scenario.emulator)).toEqual([]);
			expect(run.calls).toHaveLength(2);
			const [answer] = JSON.parse(run.toolMessage) as Array<{ error: string; description?: string }>;
			expect(answer.error).toContain('6-inputs-txt');
			expect(`${answer.error} ${answer.description}`).toContain('6-inputs-text');
			expect(run.output).toBe(`The image tool answered: ${run.toolMessage}`);
		}, SCENARIO_TIMEOUT_MS);
	});

	describe('the example on the hosted API: the model gets the file’s link', () => {
		let run: AgentRun;
		let sent: RecordedRequest[];

		beforeAll(async () => {
			run = await runAgent(
				exampleWorkflow('e2e: agent makes an image, hosted', (tool) => {
					tool.credentials = { viewComfyApi: HOSTED_CREDENTIAL };
					tool.parameters.options = { pollIntervalSeconds: 0.2, maxPollIntervalSeconds: 0.5 };
				}),
			);
			sent = [...scenario.emulator.requests];
		}, SCENARIO_TIMEOUT_MS);

		it('a tool message with the link, its name, type, size and expiry: under 1 KB, no bytes, no secret', () => {
			expect(Buffer.byteLength(run.toolMessage)).toBeLessThan(MAX_HOSTED_TOOL_MESSAGE_BYTES);
			const answer = JSON.parse(run.toolMessage) as Array<Record<string, unknown>>;
			expect(answer).toHaveLength(1);
			expect(answer[0]).toMatchObject(linkedPngOutput(scenario.emulator.origin));
			// No base64: the longest string is the link, far shorter than any PNG's base64.
			const strings = run.toolMessage.match(/"[^"]*"/g) ?? [];
			expect(Math.max(...strings.map((text) => text.length))).toBeLessThan(400);
			expect(run.toolMessage).not.toContain(E2E_SECRET);
			expect(run.output).toBe(`The image tool answered: ${run.toolMessage}`);
			expect(sent.filter((request) => request.kind === 'hosted-submit').map((request) => request.form?.params)).toEqual([{ '6-inputs-text': FOX }]);
		});

		it('the link in the message serves the image the tool recorded', async () => {
			const [answer] = JSON.parse(run.toolMessage) as Array<{ url: string; fileSize: number }>;
			const bytes = Buffer.from(await (await fetch(answer.url)).arrayBuffer());
			expect(bytes.length).toBe(answer.fileSize);
			expect(pngSize(bytes)).toEqual({ width: 512, height: 512 });
			const toolRuns = run.data.resultData.runData[TOOL_NODE] as Array<{ data?: Record<string, Item[][]> }>;
			const binary = toolRuns[0].data?.ai_tool?.[0]?.[0]?.binary?.data;
			expect(sha256(readBinary(scenario.instance.userFolder, binary!))).toBe(sha256(bytes));
		});
	});

	it('leaves neither client secret anywhere in n8n’s records, files or logs', async () => {
		await expectSecretNowhere(scenario);
		await expectSecretNowhere(scenario, WRONG_SECRET);
	}, SCENARIO_TIMEOUT_MS);
});
