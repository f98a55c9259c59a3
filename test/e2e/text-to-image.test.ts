/**
 * Scenario 1: Manual Trigger → ViewComfy (txt2img pasted, prompt from an expression) in a real
 * n8n. The image comes back as PNG binary data with its name and type, 512×512 as the workflow says.
 */
import { nodeOutput, readBinary, type Item } from '../../scripts/n8n/run-data';
import { SCENARIO_TIMEOUT_MS, SETUP_TIMEOUT_MS } from './helpers/n8n-setup';
import { closeScenario, expectSecretNowhere, expectStoredInRequestedMode, inferRequests, openScenario, pngSize, replayInfer, runToCompletion, sha256, type Scenario } from './helpers/scenario';
import { fixtureWorkflowText, mappedParameters, viewComfyNode } from './helpers/viewcomfy';
import { chainWorkflow, codeNode, manualTrigger } from './helpers/workflow-builder';

const PROMPT = 'a lighthouse on a cliff at dusk, oil painting';

describe('e2e: text to image', () => {
	let scenario: Scenario;
	let items: Item[];

	beforeAll(async () => {
		scenario = await openScenario({ workflow: 'txt2img' });
		const data = await runToCompletion(
			scenario,
			chainWorkflow('e2e: text to image', [
				manualTrigger(),
				codeNode('Prompt', `return [{ json: { prompt: ${JSON.stringify(PROMPT)} } }];`),
				viewComfyNode({
					workflowJson: fixtureWorkflowText('txt2img'),
					parameters: mappedParameters({ '6-inputs-text': '={{ $json.prompt }}' }),
				}),
			]),
		);
		items = nodeOutput(data, 'ViewComfy');
	}, SETUP_TIMEOUT_MS);

	afterAll(() => closeScenario(scenario), SCENARIO_TIMEOUT_MS);

	it('outputs one item with a 512×512 PNG as binary `data`, named and typed', () => {
		expect(items).toHaveLength(1);
		const binary = items[0].binary?.data;
		expect(binary?.mimeType).toBe('image/png');
		expect(binary?.fileName).toMatch(/^ComfyUI_\d{5}_\.png$/);
		const bytes = readBinary(scenario.instance.userFolder, binary!);
		expect(pngSize(bytes)).toEqual({ width: 512, height: 512 });
		expect(items[0].json).toMatchObject({
			status: 'success',
			completed: true,
			file: { fileName: binary!.fileName, mimeType: 'image/png', fileSize: bytes.length },
		});
		expect(items[0].pairedItem).toEqual({ item: 0 });
	});

	it('sent the prompt from the expression, and got back exactly the bytes ViewComfy answered', async () => {
		const calls = inferRequests(scenario.emulator);
		expect(calls).toHaveLength(1);
		expect(calls[0].headers.client_id).toBe('e2e-client-7c1f');
		expect(calls[0].form?.params).toEqual({ '6-inputs-text': PROMPT });
		expect(calls[0].form?.logs).toBe('false');

		const [answered] = await replayInfer(scenario.emulator, calls[0]);
		expectStoredInRequestedMode(items[0].binary?.data);
		const stored = readBinary(scenario.instance.userFolder, items[0].binary!.data);
		expect(sha256(stored)).toBe(sha256(answered.data));
	});

	it('leaves the client secret nowhere in n8n’s records, files or logs', () => expectSecretNowhere(scenario), SCENARIO_TIMEOUT_MS);
});
