/**
 * The README says the ViewComfy credential also works in n8n's own HTTP Request node
 * ("Predefined credential type"). This runs that in a real n8n: the HTTP Request node posts the
 * multipart form itself, and n8n adds the credential's headers through its `authenticate`.
 */
import { nodeOutput, type Item } from '../../scripts/n8n/run-data';
import { SCENARIO_TIMEOUT_MS, SETUP_TIMEOUT_MS } from './helpers/n8n-setup';
import { closeScenario, expectSecretNowhere, inferRequests, openScenario, runToCompletion, type Scenario } from './helpers/scenario';
import { CREDENTIAL_REF, E2E_CLIENT_ID } from './helpers/viewcomfy';
import { chainWorkflow, manualTrigger } from './helpers/workflow-builder';

const PARAMS = { '6-inputs-text': 'a kite over dunes, watercolour' };

describe('e2e: the credential in n8n’s HTTP Request node', () => {
	let scenario: Scenario;
	let items: Item[];

	beforeAll(async () => {
		scenario = await openScenario({ workflow: 'txt2img' });
		const data = await runToCompletion(
			scenario,
			chainWorkflow('e2e: HTTP Request with the ViewComfy credential', [
				manualTrigger(),
				{
					name: 'HTTP Request',
					type: 'n8n-nodes-base.httpRequest',
					typeVersion: 4.2,
					parameters: {
						method: 'POST',
						url: scenario.emulator.url,
						authentication: 'predefinedCredentialType',
						nodeCredentialType: 'viewComfyApi',
						sendBody: true,
						contentType: 'multipart-form-data',
						bodyParameters: {
							parameters: [
								{ parameterType: 'formData', name: 'params', value: JSON.stringify(PARAMS) },
								{ parameterType: 'formData', name: 'logs', value: 'false' },
							],
						},
						options: {},
					},
					credentials: { viewComfyApi: CREDENTIAL_REF },
				},
			]),
		);
		items = nodeOutput(data, 'HTTP Request');
	}, SETUP_TIMEOUT_MS);

	afterAll(() => closeScenario(scenario), SCENARIO_TIMEOUT_MS);

	it('sends the Client ID and Secret as headers, and the deployment runs the posted params', () => {
		const calls = inferRequests(scenario.emulator);
		expect(calls).toHaveLength(1);
		expect(calls[0].headers.client_id).toBe(E2E_CLIENT_ID);
		expect(calls[0].form?.params).toEqual(PARAMS);
	});

	it('gets the result JSON back, with the PNG as base64', () => {
		expect(items).toHaveLength(1);
		const { status, outputs } = items[0].json as { status?: string; outputs?: Array<{ filename: string; data: string }> };
		expect(status).toBe('success');
		expect(outputs?.[0].filename).toMatch(/^ComfyUI_\d{5}_\.png$/);
		expect(Buffer.from(outputs![0].data, 'base64').subarray(1, 4).toString('latin1')).toBe('PNG');
	});

	it('leaves the client secret nowhere in n8n’s records, files or logs', () => expectSecretNowhere(scenario), SCENARIO_TIMEOUT_MS);
});
