/**
 * Run Workflow on the hosted API, through n8n's engine against the emulator over real HTTP:
 * submit + wait gives the same items as a direct run; fire-and-forget gives the prompt_id at once.
 */
import { createHash } from 'node:crypto';
import { PNG } from 'pngjs';

import {
	DEPLOYMENT_URL,
	HOSTED_CLIENT_ID,
	HOSTED_SECRET,
	downloadNow,
	errorText,
	requestsOf,
	runNode,
	runWorkflowParameters,
	useHostedEmulator,
	visibleText,
	workflowText,
} from './hostedNode';

const emulator = useHostedEmulator();
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe.each(['default', 'filesystem', 'database'] as const)('submit and wait (binary mode %s)', (binaryMode) => {
	it('submits, polls until success and outputs the PNG as binary data, like a direct run', async () => {
		const emu = emulator();
		const run = await runNode(emu, {
			parameters: runWorkflowParameters(),
			input: [{ json: { prompt: 'a red fox in the snow' } }],
			binaryMode,
		});
		expect(errorText(run)).toBe('');
		expect(run.items).toHaveLength(1);
		const [item] = run.items;
		const promptId = String(item.json.prompt_id);
		expect(promptId).toMatch(UUID_V4);
		expect(item.json).toMatchObject({
			status: 'success',
			completed: true,
			execution_time_seconds: 0.4,
			params: { '6-inputs-text': 'a red fox in the snow' },
			file: { mimeType: 'image/png', fileName: expect.stringMatching(/^ComfyUI_\d{5}_\.png$/) },
		});
		expect(item.pairedItem).toEqual({ item: 0 });
		const bytes = await run.binaryBuffer(item);
		expect(PNG.sync.read(bytes).width).toBe(512);
		expect(item.json.file).toMatchObject({ fileSize: bytes.length });
		expect(sha256(bytes)).toBe(sha256(await downloadNow(emu, promptId)));
		await run.dispose();
	});
});

describe('what goes over the wire', () => {
	it('submits the multipart form with our UUID and the deployment, polls with the credentials, downloads without', async () => {
		const emu = emulator();
		const run = await runNode(emu, { parameters: runWorkflowParameters(), input: [{ json: { prompt: 'wire check' } }] });
		expect(errorText(run)).toBe('');
		const promptId = String(run.items[0].json.prompt_id);

		const [submit] = requestsOf(emu, 'hosted-submit');
		expect(submit).toMatchObject({ method: 'POST', path: '/api/workflow/infer', status: 201 });
		expect(submit.headers.client_id).toBe(HOSTED_CLIENT_ID);
		expect(submit.headers.client_secret).toBe('***');
		expect(submit.hosted).toEqual({ promptId, viewComfyApiUrl: DEPLOYMENT_URL });
		expect(submit.form?.fieldNames).toEqual(['prompt_id', 'view_comfy_api_url', 'params']);
		expect(submit.form?.params).toEqual({ '6-inputs-text': 'wire check' });

		const polls = requestsOf(emu, 'hosted-status');
		expect(polls.length).toBeGreaterThanOrEqual(2);
		for (const poll of polls) {
			expect(poll.path).toBe(`/api/workflow/infer/?prompt_ids=${promptId}`);
			expect(poll.headers.client_id).toBe(HOSTED_CLIENT_ID);
		}

		const downloads = requestsOf(emu, 'download');
		expect(downloads).toHaveLength(1);
		expect(downloads[0].status).toBe(200);
		expect(Object.keys(downloads[0].headers)).not.toEqual(expect.arrayContaining(['client_id']));
		expect(Object.keys(downloads[0].headers)).not.toEqual(expect.arrayContaining(['client_secret']));
		expect(visibleText(run)).not.toContain(HOSTED_SECRET);
	});

	it('sends file inputs as parts and the workflow override, and brings the echoed upload back byte for byte', async () => {
		const emu = emulator();
		const upload = Buffer.from('pretend this is a photo');
		const run = await runNode(emu, {
			parameters: runWorkflowParameters({
				workflowJson: workflowText('img2img'),
				sendWorkflowOverride: true,
				parameters: { mappingMode: 'defineBelow', value: { '3-inputs-seed': 5 }, matchingColumns: [], schema: [] },
				fileInputs: { file: [{ key: '10-inputs-image', binaryProperty: 'photo' }] },
				outputMode: 'allOnOneItem',
			}),
			input: [{ json: {}, binary: { photo: { data: upload, fileName: 'photo.png', mimeType: 'image/png' } } }],
		});
		expect(errorText(run)).toBe('');
		const [submit] = requestsOf(emu, 'hosted-submit');
		expect(submit.form?.fieldNames).toEqual(['prompt_id', 'view_comfy_api_url', 'params', 'workflow_api']);
		expect(submit.files).toEqual([expect.objectContaining({ field: '10-inputs-image', filename: 'photo.png', sha256: sha256(upload) })]);
		expect(run.items).toHaveLength(1);
		const files = run.items[0].json.files as Array<{ fileName: string }>;
		expect(files.map((f) => f.fileName)).toEqual([expect.stringMatching(/\.png$/), 'photo.png']);
		expect(await run.binaryBuffer(run.items[0], 'data_1')).toEqual(upload);
	});
});

describe('fire-and-forget', () => {
	it('outputs prompt_id and status at once; the run goes on and nothing is polled or downloaded', async () => {
		const emu = emulator();
		emu.setBehaviour({ hostedRunMs: 60_000 });
		const run = await runNode(emu, {
			parameters: runWorkflowParameters({ waitForCompletion: false }),
			input: [{ json: { prompt: 'first' } }, { json: { prompt: 'second' } }],
		});
		expect(errorText(run)).toBe('');
		expect(run.items.map((i) => i.json)).toEqual([
			expect.objectContaining({ prompt_id: expect.stringMatching(UUID_V4), status: 'submitted', completed: false, message: 'Workflow submitted', params: { '6-inputs-text': 'first' } }),
			expect.objectContaining({ status: 'submitted', params: { '6-inputs-text': 'second' } }),
		]);
		expect(run.items[0].binary).toBeUndefined();
		expect(run.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(emu.requests.map((r) => r.kind)).toEqual(['hosted-submit', 'hosted-submit']);
		expect(requestsOf(emu, 'hosted-submit').map((r) => r.hosted?.promptId)).toEqual(run.items.map((i) => i.json.prompt_id));
	});

	it('is refused with a direct-deployment credential, naming the option and the fix', async () => {
		const emu = emulator();
		const run = await runNode(emu, {
			parameters: runWorkflowParameters({ waitForCompletion: false }),
			credential: { apiType: 'direct', endpointUrl: emu.url },
		});
		expect(errorText(run)).toContain('Wait for Completion can only be turned off with the ViewComfy hosted API');
		expect(errorText(run)).toContain('ViewComfy Hosted API');
		expect(emu.requests).toEqual([]);
	});
});

describe('the API choice', () => {
	it('a credential saved before the choice existed (no apiType) runs on the direct deployment as before', async () => {
		const emu = emulator();
		const run = await runNode(emu, {
			parameters: runWorkflowParameters(),
			input: [{ json: { prompt: 'old credential' } }],
			credential: { apiType: undefined, hostedApiUrl: undefined, endpointUrl: emu.url },
		});
		expect(errorText(run)).toBe('');
		expect(emu.requests.map((r) => r.kind)).toEqual(['infer']);
		expect(emu.requests[0].form?.logs).toBe('false');
		expect(PNG.sync.read(await run.binaryBuffer(run.items[0])).width).toBe(512);
	});

	// This project runs on Node 20, which has no global WebSocket: Stream Logs then follows the run
	// by polling (the live path, with an injected WebSocket, is in streamLogs.test.ts).
	it('Stream Logs with the hosted API on a runtime without WebSocket: the result by polling, one warning, no sid', async () => {
		expect(typeof (globalThis as { WebSocket?: unknown }).WebSocket).toBe('undefined');
		const emu = emulator();
		const run = await runNode(emu, { parameters: runWorkflowParameters({ resultMode: 'stream' }), input: [{ json: { prompt: 'x' } }] });
		expect(errorText(run)).toBe('');
		expect(run.items[0].json.status).toBe('success');
		expect(run.items[0].json.logs).toEqual([]);
		const warnings = run.logs.filter((line) => line.level === 'warn' && /no live logs/.test(String(line.message)));
		expect(warnings).toHaveLength(1);
		expect(String(warnings[0].message)).toContain('this runtime has no WebSocket');
		const submitFields = requestsOf(emu, 'hosted-submit')[0].form?.fieldNames;
		expect(submitFields).not.toContain('logs');
		expect(submitFields).not.toContain('sid');
	});

	it('names the Hosted API URL when it is not a URL', async () => {
		const emu = emulator();
		const run = await runNode(emu, { parameters: runWorkflowParameters(), credential: { hostedApiUrl: 'api viewcomfy com' } });
		expect(errorText(run)).toMatch(/Hosted API URL "api viewcomfy com" is not a valid URL[\s\S]*https:\/\/api\.viewcomfy\.com/);
		expect(emu.requests).toEqual([]);
	});
});
