/**
 * Scenario 6: failures in a real n8n. A wrong client secret fails the execution with the
 * credential hint (and neither secret leaks); with "On Error: Continue" one bad item becomes an
 * error item in its place and the other items still get their images.
 */
import { nodeOutput, readBinary, type Item } from '../../scripts/n8n/run-data';
import { SCENARIO_TIMEOUT_MS, SETUP_TIMEOUT_MS } from './helpers/n8n-setup';
import { closeScenario, expectSecretNowhere, inferRequests, openScenario, pngSize, runToCompletion, type Scenario } from './helpers/scenario';
import { fixtureWorkflowText, mappedParameters, viewComfyCredential, viewComfyNode } from './helpers/viewcomfy';
import { chainWorkflow, codeNode, manualTrigger } from './helpers/workflow-builder';

const WRONG_SECRET = 'e2e-WRONG-SECRET-0b5e71c3aa';
const WRONG_CREDENTIAL = { id: 'ViewComfyWrongCr', name: 'ViewComfy (wrong secret)' };

describe('e2e: errors', () => {
	let scenario: Scenario;

	beforeAll(async () => {
		scenario = await openScenario({ workflow: 'txt2img' });
		// Same deployment, wrong secret: created after the emulator so it can point at it.
		await scenario.instance.importCredentials([viewComfyCredential(scenario.emulator.url, WRONG_SECRET, WRONG_CREDENTIAL)]);
	}, SETUP_TIMEOUT_MS);

	afterAll(() => closeScenario(scenario), SCENARIO_TIMEOUT_MS);

	describe('a wrong client secret', () => {
		let output: string;
		let ok: boolean;

		beforeAll(async () => {
			scenario.emulator.clearRequests();
			const id = await scenario.instance.importWorkflow(
				chainWorkflow('e2e: wrong secret', [
					manualTrigger(),
					codeNode('Prompt', "return [{ json: { prompt: 'never drawn' } }];"),
					viewComfyNode(
						{ workflowJson: fixtureWorkflowText('txt2img'), parameters: mappedParameters({ '6-inputs-text': '={{ $json.prompt }}' }) },
						{ credentials: { viewComfyApi: WRONG_CREDENTIAL } },
					),
				]),
			);
			({ ok, output } = await scenario.instance.execute(id));
		}, SCENARIO_TIMEOUT_MS);

		it('fails the execution with the 401 and the credential hint', () => {
			expect(ok).toBe(false);
			expect(output).toContain('401');
			expect(output).toContain('Check the Client ID and Client Secret in the ViewComfy credential');
			// Authentication failures are final: one call, no retries.
			expect(inferRequests(scenario.emulator).map((r) => r.status)).toEqual([401]);
		});

		it('does not print the secret that was sent', () => {
			expect(output).not.toContain(WRONG_SECRET);
		});
	});

	describe('Continue On Fail with one bad item of three', () => {
		let items: Item[];

		beforeAll(async () => {
			scenario.emulator.clearRequests();
			const data = await runToCompletion(
				scenario,
				chainWorkflow('e2e: continue on fail', [
					manualTrigger(),
					codeNode(
						'Three Prompts',
						`return [
							{ json: { prompt: 'first, fine', extra: '{}' } },
							{ json: { prompt: 'second, broken', extra: '{"3-inputs-seed": 12, oops' } },
							{ json: { prompt: 'third, fine', extra: '{}' } },
						];`,
					),
					viewComfyNode(
						{
							workflowJson: fixtureWorkflowText('txt2img'),
							parameters: mappedParameters({ '6-inputs-text': '={{ $json.prompt }}' }),
							additionalParameters: '={{ $json.extra }}',
						},
						{ onError: 'continueRegularOutput' },
					),
				]),
			);
			items = nodeOutput(data, 'ViewComfy');
		}, SCENARIO_TIMEOUT_MS);

		it('outputs result, error item, result: in input order, each paired with its input', () => {
			expect(items).toHaveLength(3);
			expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			expect(items[0].json.params).toEqual({ '6-inputs-text': 'first, fine' });
			expect(items[2].json.params).toEqual({ '6-inputs-text': 'third, fine' });
			for (const i of [0, 2]) {
				expect(pngSize(readBinary(scenario.instance.userFolder, items[i].binary!.data))).toEqual({ width: 512, height: 512 });
			}
		});

		it('the error item names the field and has no binary', () => {
			expect(items[1].binary).toBeUndefined();
			expect(String(items[1].json.error)).toContain('Additional Parameters');
		});

		it('only the two good items reached ViewComfy', () => {
			const sent = inferRequests(scenario.emulator).map((r) => (r.form?.params as Record<string, unknown>)['6-inputs-text']);
			expect(sent).toEqual(['first, fine', 'third, fine']);
		});
	});

	it('leaves neither secret anywhere in n8n’s records, files or logs', async () => {
		await expectSecretNowhere(scenario);
		expect(await scenario.instance.findSecret(WRONG_SECRET)).toEqual([]);
	}, SCENARIO_TIMEOUT_MS);
});
