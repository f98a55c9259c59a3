/**
 * Scenario 7: examples/webhook-returns-image.workflow.json, active on a running `n8n start`:
 * POST a prompt → ViewComfy → Respond to Webhook with the binary. `curl` gets the PNG itself.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SCENARIO_TIMEOUT_MS, SETUP_TIMEOUT_MS } from './helpers/n8n-setup';
import {
	closeScenario,
	createActiveWorkflow,
	expectSecretNowhere,
	inferRequests,
	openScenario,
	pngSize,
	replayInfer,
	sha256,
	type Scenario,
} from './helpers/scenario';
import { exampleNode, loadExample } from './helpers/examples';
import { CREDENTIAL_REF } from './helpers/viewcomfy';

const run = promisify(execFile);
const PROMPT = 'a paper boat on a puddle, macro photo';

describe('e2e: webhook answers with the generated image', () => {
	let scenario: Scenario;
	let status: string;
	let contentType: string;
	let body: Buffer;

	beforeAll(async () => {
		scenario = await openScenario({ workflow: 'txt2img' });
		await scenario.instance.startServer();
		// The example as imported; only the credential is the one this n8n has.
		const workflow = loadExample('webhook-returns-image', { credentials: { viewComfyApi: CREDENTIAL_REF } });
		const path = String(exampleNode(workflow, 'Webhook').parameters.path);
		await createActiveWorkflow(scenario, workflow);
		const file = join(scenario.instance.root, 'curl-answer.bin');
		// The real curl, as a user would call the webhook.
		const { stdout } = await run('curl', [
			'--silent',
			'--show-error',
			'--max-time',
			'120',
			'--output',
			file,
			'--write-out',
			'%{http_code} %{content_type}',
			'--header',
			'content-type: application/json',
			'--data',
			JSON.stringify({ prompt: PROMPT }),
			`${scenario.instance.server!.baseUrl}/webhook/${path}`,
		]);
		[status, contentType] = stdout.trim().split(' ');
		body = readFileSync(file);
	}, SETUP_TIMEOUT_MS);

	afterAll(() => closeScenario(scenario), SCENARIO_TIMEOUT_MS);

	it('answers 200 with a 512×512 PNG', () => {
		expect(status).toBe('200');
		expect(contentType).toMatch(/^image\/png/);
		expect(pngSize(body)).toEqual({ width: 512, height: 512 });
	});

	it('drew the posted prompt, and the answer is the image ViewComfy returned', async () => {
		const calls = inferRequests(scenario.emulator);
		expect(calls).toHaveLength(1);
		expect(calls[0].form?.params).toEqual({ '6-inputs-text': PROMPT });
		const [answered] = await replayInfer(scenario.emulator, calls[0]);
		expect(sha256(body)).toBe(sha256(answered.data));
	});

	it('leaves the client secret nowhere in n8n’s records, files or logs', () => expectSecretNowhere(scenario), SCENARIO_TIMEOUT_MS);
});
