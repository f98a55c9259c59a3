/**
 * The hosted API in a real n8n, as examples/hosted-submit-now.workflow.json and
 * hosted-collect-later.workflow.json: one workflow submits a run without waiting (its output is
 * the prompt_id), a second workflow fetches the result with Get Results. The emulator stands in
 * for api.viewcomfy.com and its storage; its record shows the credentials never reached a download link.
 */
import { nodeOutput, readBinary, type Item } from '../../scripts/n8n/run-data';
import type { RecordedRequest } from '../emulator/server';
import { SCENARIO_TIMEOUT_MS, SETUP_TIMEOUT_MS } from './helpers/n8n-setup';
import { closeScenario, expectSecretNowhere, expectStoredInRequestedMode, openScenario, pngSize, runToCompletion, sha256, type Scenario } from './helpers/scenario';
import { loadExample } from './helpers/examples';
import { E2E_CLIENT_ID, E2E_SECRET } from './helpers/viewcomfy';

const PROMPT = 'a paper boat on a stormy sea, ink drawing';
/** Where the collect example expects the user's stored prompt_id. */
const PROMPT_ID_PLACEHOLDER = 'PASTE-A-PROMPT-ID';
const DEPLOYMENT_URL = 'https://team--viewcomfy-deployment.modal.run/';
/** The shortest emulated run; a slow machine gets a longer one (see beforeAll). */
const MIN_RUN_MS = 25_000;
const HOSTED_CREDENTIAL = { id: 'ViewComfyHostedC', name: 'ViewComfy hosted API (local emulator)' };

describe('e2e: hosted API, submit now, fetch the result in another workflow', () => {
	let scenario: Scenario;
	let submitted: Item[];
	let fetched: Item[];
	let sentByN8n: RecordedRequest[];

	beforeAll(async () => {
		scenario = await openScenario({ workflow: 'txt2img' });
		const cliStarted = Date.now();
		await scenario.instance.importCredentials([
			{
				...HOSTED_CREDENTIAL,
				type: 'viewComfyApi',
				data: {
					apiType: 'hosted',
					hostedApiUrl: scenario.emulator.origin,
					endpointUrl: DEPLOYMENT_URL,
					clientId: E2E_CLIENT_ID,
					clientSecret: E2E_SECRET,
				},
			},
		]);
		// The run must outlast the end of the submitting execution, the import of the second workflow
		// and its start: about three n8n CLI start-ups (about 10 s in all on an idle machine, 70 s
		// measured on a loaded one), so Get Results finds the run still going and waits inside n8n.
		const cliRunMs = Date.now() - cliStarted;
		scenario.emulator.setBehaviour({ hostedRunMs: Math.max(MIN_RUN_MS, 4 * cliRunMs) });
		const credentials = { viewComfyApi: HOSTED_CREDENTIAL };

		// The examples as imported; only the credential and, later, the stored prompt_id differ.
		const submit = await runToCompletion(scenario, loadExample('hosted-submit-now', { credentials }));
		submitted = nodeOutput(submit, 'ViewComfy');

		const promptId = String(submitted[0]?.json.prompt_id);
		const results = await runToCompletion(
			scenario,
			loadExample('hosted-collect-later', { credentials, replace: [[PROMPT_ID_PLACEHOLDER, promptId]] }),
		);
		fetched = nodeOutput(results, 'ViewComfy');
		// What n8n sent, before the tests' own requests join the record.
		sentByN8n = [...scenario.emulator.requests];
	}, SETUP_TIMEOUT_MS);

	afterAll(() => closeScenario(scenario), SCENARIO_TIMEOUT_MS);

	it('the first workflow outputs the prompt_id at once, with no file', () => {
		expect(submitted).toHaveLength(1);
		expect(submitted[0].json).toMatchObject({
			prompt_id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
			status: 'submitted',
			completed: false,
			params: { '6-inputs-text': PROMPT },
		});
		expect(submitted[0].binary).toBeUndefined();
		const [submit] = sentByN8n.filter((r) => r.kind === 'hosted-submit');
		expect(submit.hosted).toEqual({ promptId: submitted[0].json.prompt_id, viewComfyApiUrl: DEPLOYMENT_URL });
		expect(submit.form?.params).toEqual({ '6-inputs-text': PROMPT });
	});

	it('the second workflow gets the finished run with its 512×512 PNG as binary data', async () => {
		expect(fetched).toHaveLength(1);
		const binary = fetched[0].binary?.data;
		expect(binary?.mimeType).toBe('image/png');
		expect(binary?.fileName).toMatch(/^ComfyUI_\d{5}_\.png$/);
		expectStoredInRequestedMode(binary);
		const bytes = readBinary(scenario.instance.userFolder, binary!);
		expect(pngSize(bytes)).toEqual({ width: 512, height: 512 });
		expect(fetched[0].json).toMatchObject({
			prompt_id: submitted[0].json.prompt_id,
			status: 'success',
			completed: true,
			file: { fileName: binary!.fileName, mimeType: 'image/png', fileSize: bytes.length },
		});

		// The same bytes the emulator serves for that run.
		const status = await fetch(`${scenario.emulator.origin}/api/workflow/infer/?prompt_ids=${submitted[0].json.prompt_id}`, {
			headers: { client_id: E2E_CLIENT_ID, client_secret: E2E_SECRET },
		});
		const [record] = (await status.json()) as Array<{ outputs: Array<{ filepath: string }> }>;
		const served = Buffer.from(await (await fetch(record.outputs[0].filepath)).arrayBuffer());
		expect(sha256(bytes)).toBe(sha256(served));
	});

	it('polled with the credentials until the run finished, downloaded without them', () => {
		const polls = sentByN8n.filter((r) => r.kind === 'hosted-status');
		// The first poll saw the run going; more followed until it was done.
		expect(polls.length).toBeGreaterThanOrEqual(2);
		for (const poll of polls) expect(poll.headers.client_id).toBe(E2E_CLIENT_ID);
		const downloads = sentByN8n.filter((r) => r.kind === 'download');
		expect(downloads.length).toBeGreaterThanOrEqual(1);
		for (const download of downloads) {
			expect(download.headers).not.toHaveProperty('client_id');
			expect(download.headers).not.toHaveProperty('client_secret');
			expect(download.status).toBe(200);
		}
	});

	it('leaves the client secret nowhere in n8n’s records, files or logs', () => expectSecretNowhere(scenario), SCENARIO_TIMEOUT_MS);
});
