/**
 * Scenario 5: Result Mode "Stream Logs": the node asks for the event stream and the output JSON
 * carries ComfyUI's console lines as the emulator sent them, progress bars included.
 */
import { nodeOutput, readBinary, type Item } from '../../scripts/n8n/run-data';
import { consoleLines } from '../emulator/server/console-log';
import { SCENARIO_TIMEOUT_MS, SETUP_TIMEOUT_MS } from './helpers/n8n-setup';
import { closeScenario, expectSecretNowhere, expectStoredInRequestedMode, inferRequests, openScenario, pngSize, runToCompletion, type Scenario } from './helpers/scenario';
import { fixtureWorkflowText, mappedParameters, viewComfyNode } from './helpers/viewcomfy';
import { chainWorkflow, codeNode, manualTrigger } from './helpers/workflow-builder';

describe('e2e: streaming logs', () => {
	let scenario: Scenario;
	let items: Item[];

	beforeAll(async () => {
		scenario = await openScenario({ workflow: 'txt2img', behaviour: { latencyMs: 800 } });
		const data = await runToCompletion(
			scenario,
			chainWorkflow('e2e: streaming logs', [
				manualTrigger(),
				codeNode('Prompt', "return [{ json: { prompt: 'a fox in the snow, long exposure' } }];"),
				viewComfyNode({
					workflowJson: fixtureWorkflowText('txt2img'),
					parameters: mappedParameters({ '6-inputs-text': '={{ $json.prompt }}' }),
					resultMode: 'stream',
				}),
			]),
		);
		items = nodeOutput(data, 'ViewComfy');
	}, SETUP_TIMEOUT_MS);

	afterAll(() => closeScenario(scenario), SCENARIO_TIMEOUT_MS);

	it('asked ViewComfy for logs', () => {
		const calls = inferRequests(scenario.emulator);
		expect(calls).toHaveLength(1);
		expect(calls[0].form?.logs).toBe('true');
	});

	it('puts the streamed log lines in the output JSON, in order, next to the image', () => {
		expect(items).toHaveLength(1);
		const logs = items[0].json.logs as string[];
		expect(Array.isArray(logs)).toBe(true);
		// The emulator prints ComfyUI's console for the 20-step sampler, timed by the run's duration.
		expect(logs).toEqual(consoleLines(20, items[0].json.execution_time_seconds as number));
		expect(logs).toContain('got prompt');
		expect(logs.some((line) => /100%\|█{10}\| 20\/20/.test(line))).toBe(true);
		expectStoredInRequestedMode(items[0].binary?.data);
		expect(pngSize(readBinary(scenario.instance.userFolder, items[0].binary!.data))).toEqual({ width: 512, height: 512 });
	});

	it('leaves the client secret nowhere in n8n’s records, files or logs', () => expectSecretNowhere(scenario), SCENARIO_TIMEOUT_MS);
});
