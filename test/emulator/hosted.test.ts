/**
 * The emulated hosted API over real HTTP: submit, status polling, cancel, and the pre-signed
 * download links (refused with credentials, expired, tampered). Real PNG bytes are decoded.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatorHandle } from './server';
import { CREDENTIALS, decodePng, json, useSharedEmulator } from './helpers';

let emu: EmulatorHandle;
useSharedEmulator((e) => (emu = e));

const DEPLOYMENT = 'https://team--viewcomfy-deployment.modal.run';
const small = { '5-inputs-width': 8, '5-inputs-height': 8, '3-inputs-seed': 7 };

interface SubmitSpec {
	promptId?: string | null;
	deployment?: string | null;
	params?: unknown;
	workflowApi?: string;
	files?: Array<{ field: string; filename: string; type: string; data: Buffer }>;
	auth?: boolean;
}

function submit(spec: SubmitSpec = {}): Promise<Response> {
	const form = new FormData();
	if (spec.promptId !== null) form.set('prompt_id', spec.promptId ?? randomUUID());
	if (spec.deployment !== null) form.set('view_comfy_api_url', spec.deployment ?? DEPLOYMENT);
	form.set('params', JSON.stringify(spec.params ?? small));
	if (spec.workflowApi !== undefined) form.set('workflow_api', spec.workflowApi);
	for (const f of spec.files ?? []) form.set(f.field, new Blob([new Uint8Array(f.data)], { type: f.type }), f.filename);
	return fetch(`${emu.origin}/api/workflow/infer`, { method: 'POST', body: form, headers: spec.auth === false ? {} : CREDENTIALS });
}

async function submitted(spec: SubmitSpec = {}): Promise<string> {
	const promptId = spec.promptId ?? randomUUID();
	const res = await submit({ ...spec, promptId });
	expect(res.status).toBe(201);
	return promptId;
}

function status(ids: string[], headers: Record<string, string> = CREDENTIALS): Promise<Response> {
	const query = ids.map((id) => `prompt_ids=${encodeURIComponent(id)}`).join('&');
	return fetch(`${emu.origin}/api/workflow/infer/?${query}`, { headers });
}

async function records(ids: string[]) {
	const res = await status(ids);
	expect(res.status).toBe(200);
	return await json(res);
}

/** Polls until the run is no longer `running`; returns every status seen, in order. */
async function pollToEnd(id: string) {
	const seen: string[] = [];
	for (;;) {
		const [record] = await records([id]);
		seen.push(record.status);
		if (record.status !== 'running') return { seen, last: record };
		await sleep(50);
	}
}

function cancel(body: unknown, headers: Record<string, string> = CREDENTIALS): Promise<Response> {
	return fetch(`${emu.origin}/api/workflow/infer/cancel`, {
		method: 'POST',
		headers: { ...headers, 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
}

describe('submit', () => {
	it('answers 201 with data.prompt_id and records the id, the deployment and the fields (no logs)', async () => {
		const promptId = randomUUID();
		const res = await submit({ promptId });
		expect(res.status).toBe(201);
		const body = await json(res);
		expect(body.data).toMatchObject({ prompt_id: promptId, message: expect.any(String) });
		expect(body.data.workflow['3'].inputs.seed).toBe(7);
		const [record] = emu.requests;
		expect(record).toMatchObject({ kind: 'hosted-submit', method: 'POST', status: 201 });
		expect(record.hosted).toEqual({ promptId, viewComfyApiUrl: DEPLOYMENT });
		expect(record.form?.fieldNames).toEqual(['prompt_id', 'view_comfy_api_url', 'params']);
		expect(record.form?.params).toEqual(small);
	});

	it.each([
		['no prompt_id', { promptId: null }, ['body', 'prompt_id'], 'missing'],
		['a prompt_id that is not a UUID', { promptId: 'run-1' }, ['body', 'prompt_id'], 'uuid_parsing'],
		['no view_comfy_api_url', { deployment: null }, ['body', 'view_comfy_api_url'], 'missing'],
		['a view_comfy_api_url that is not a URL', { deployment: 'my deployment' }, ['body', 'view_comfy_api_url'], 'url_parsing'],
		['empty params', { params: {} }, ['body', 'params'], 'value_error'],
	])('refuses %s with a FastAPI 422 naming the field', async (_name, spec, loc, type) => {
		const res = await submit(spec as SubmitSpec);
		expect(res.status).toBe(422);
		expect((await json(res)).detail).toEqual(expect.arrayContaining([expect.objectContaining({ loc, type })]));
	});

	it('refuses a prompt_id used before with 409, and bad credentials with 401', async () => {
		const promptId = await submitted();
		const again = await submit({ promptId });
		expect(again.status).toBe(409);
		expect((await json(again)).detail).toContain(promptId);
		const anonymous = await submit({ auth: false });
		expect(anonymous.status).toBe(401);
		expect(await anonymous.text()).not.toContain(CREDENTIALS.client_secret);
	});

	it('honours the gateway faults: cold start 503, then success', async () => {
		emu.setBehaviour({ coldStart503: 1 });
		expect((await submit()).status).toBe(503);
		expect((await submit()).status).toBe(201);
		expect(emu.requests.map((r) => r.fault)).toEqual(['coldStart503', null]);
	});
});

describe('status', () => {
	it('shows a run as running, then success with pre-signed links to real files', async () => {
		const id = await submitted();
		const { seen, last } = await pollToEnd(id);
		expect(seen[0]).toBe('running');
		expect(seen[seen.length - 1]).toBe('success');
		expect(last).toMatchObject({
			promptId: id,
			completed: true,
			executionTimeSeconds: 0.4,
			errorData: null,
			createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			prompt: expect.objectContaining({ '3': expect.anything() }),
		});
		expect(last.outputs).toHaveLength(1);
		const [output] = last.outputs;
		expect(output).toMatchObject({ filename: expect.stringMatching(/\.png$/), contentType: 'image/png' });
		expect(output.filepath).toMatch(new RegExp(`^${emu.origin}/__hosted-files/${id}/0/.*X-Amz-Signature=`));

		const file = await fetch(output.filepath);
		expect(file.status).toBe(200);
		expect(file.headers.get('content-type')).toBe('image/png');
		const bytes = Buffer.from(await file.arrayBuffer());
		expect(bytes.length).toBe(output.size);
		expect(decodePng(bytes).width).toBe(8);
		expect(emu.requests.at(-1)).toMatchObject({ kind: 'download', status: 200 });
	});

	it('answers many ids in one call, in the order asked, leaving out unknown ids', async () => {
		const a = await submitted();
		const b = await submitted({ params: { ...small, '3-inputs-seed': 8 } });
		const list = await records([b, randomUUID(), a]);
		expect(list.map((r: { promptId: string }) => r.promptId)).toEqual([b, a]);
		expect(emu.requests.at(-1)?.hosted?.promptIds).toHaveLength(3);
	});

	it('keeps the trailing slash route only: without it the path is the POST route (405)', async () => {
		const res = await fetch(`${emu.origin}/api/workflow/infer?prompt_ids=${randomUUID()}`, { headers: CREDENTIALS });
		expect(res.status).toBe(405);
	});

	it('asks for credentials (401) and for prompt_ids (422)', async () => {
		expect((await status([randomUUID()], {})).status).toBe(401);
		const none = await status([]);
		expect(none.status).toBe(422);
		expect((await json(none)).detail[0].loc).toEqual(['query', 'prompt_ids']);
	});

	it('hostedStatus5xx: N status answers 500, then the records', async () => {
		const id = await submitted();
		emu.setBehaviour({ hostedStatus5xx: 2 });
		expect((await status([id])).status).toBe(500);
		expect((await status([id])).status).toBe(500);
		expect((await status([id])).status).toBe(200);
		expect(emu.requests.filter((r) => r.kind === 'hosted-status').map((r) => r.fault)).toEqual(['hostedStatus5xx', 'hostedStatus5xx', null]);
	});

	it("resultStatus 'status-error': the run ends in error with errorData and no outputs", async () => {
		emu.setBehaviour({ resultStatus: 'status-error', hostedRunMs: 50 });
		const { last } = await pollToEnd(await submitted());
		expect(last).toMatchObject({ status: 'error', completed: true, outputs: [], errorData: { errorType: 'ExecutionError' } });
	});

	it('echoSecret quotes the sent client_secret in the 500 bodies and in a failed run\'s errorData', async () => {
		const echoed = `client_secret=${CREDENTIALS.client_secret}`;
		emu.setBehaviour({ echoSecret: true, error500: 1 });
		const refused = await submit({ promptId: randomUUID() });
		expect(refused.status).toBe(500);
		expect((await json(refused)).errorDetails).toContain(echoed);
		emu.setBehaviour({ error500: 0, resultStatus: 'status-error', hostedRunMs: 50 });
		const id = await submitted();
		emu.setBehaviour({ hostedStatus5xx: 1 });
		const failedPoll = await status([id]);
		expect(failedPoll.status).toBe(500);
		expect((await json(failedPoll)).detail).toContain(echoed);
		const { last } = await pollToEnd(id);
		expect(last.errorData.errorDetails).toContain(echoed);
	});

	it("resultStatus 'completed-false': the run stays running long past hostedRunMs", async () => {
		emu.setBehaviour({ resultStatus: 'completed-false', hostedRunMs: 0 });
		const id = await submitted();
		await sleep(100);
		expect(await records([id])).toEqual([expect.objectContaining({ status: 'running', completed: false, outputs: [] })]);
	});
});

describe('download links', () => {
	async function firstLink(): Promise<string> {
		const { last } = await pollToEnd(await submitted());
		return last.outputs[0].filepath;
	}

	it.each([
		['client_id/client_secret', CREDENTIALS],
		['an Authorization header', { authorization: 'Bearer x' }],
	])('refuses a request carrying %s with 403', async (_name, headers) => {
		const link = await firstLink();
		const res = await fetch(link, { headers });
		expect(res.status).toBe(403);
		expect(await res.text()).toContain('Credentials were sent to a pre-signed link');
		expect(emu.requests.at(-1)).toMatchObject({ kind: 'download', fault: 'credentialsOnDownload' });
	});

	it('refuses an expired link (hostedLinkTtlSeconds 0) with the S3 "Request has expired"', async () => {
		emu.setBehaviour({ hostedLinkTtlSeconds: 0, hostedRunMs: 0 });
		const res = await fetch(await firstLink());
		expect(res.status).toBe(403);
		expect(await res.text()).toContain('<Message>Request has expired</Message>');
		expect(emu.requests.at(-1)?.fault).toBe('linkExpired');
	});

	it('hostedLinkOrigin: the links point at that origin, same path and signature', async () => {
		const ownLink = new URL(await firstLink());
		emu.setBehaviour({ hostedLinkOrigin: 'http://127.0.0.2:4567', hostedRunMs: 0 });
		const link = new URL(await firstLink());
		expect(link.origin).toBe('http://127.0.0.2:4567');
		expect(link.pathname).toMatch(/^\/__hosted-files\//);
		expect(link.searchParams.has('X-Amz-Signature')).toBe(true);
		expect(ownLink.origin).toBe(emu.origin);
	});

	it('resetAfterHeaders on a download: 200 headers and half the file, then the connection dies', async () => {
		const link = await firstLink();
		emu.setBehaviour({ resetAfterHeaders: 1 });
		const res = await fetch(link);
		expect(res.status).toBe(200);
		const declared = Number(res.headers.get('content-length'));
		const reader = res.body!.getReader();
		let received = 0;
		const failure = await (async () => {
			for (;;) {
				const chunk = await reader.read();
				if (chunk.done) return undefined;
				received += chunk.value.length;
			}
		})().catch((error: unknown) => error);
		expect(failure).toBeDefined();
		expect(received).toBe(Math.floor(declared / 2));
		expect(emu.requests.at(-1)).toMatchObject({ kind: 'download', fault: 'resetAfterHeaders' });
		// One response only: the next download is whole.
		expect((await (await fetch(link)).arrayBuffer()).byteLength).toBe(declared);
	});

	it('refuses a link whose validity was edited', async () => {
		const link = new URL(await firstLink());
		link.searchParams.set('X-Amz-Expires', '999999');
		const res = await fetch(link);
		expect(res.status).toBe(403);
		expect(await res.text()).toContain('SignatureDoesNotMatch');
	});

	it('runs a workflow_api override and echoes uploaded files back as outputs with their bytes', async () => {
		const upload = Buffer.from('not really a png, but bytes');
		const id = await submitted({
			workflowApi: readFileSync(resolve(__dirname, '../fixtures/workflows/img2img.json'), 'utf8'),
			files: [{ field: '10-inputs-image', filename: 'input.png', type: 'image/png', data: upload }],
			params: { '3-inputs-seed': 1 },
		});
		emu.clearRequests();
		const { last } = await pollToEnd(id);
		const echoed = last.outputs.find((o: { filename: string }) => o.filename === 'input.png');
		expect(Buffer.from(await (await fetch(echoed.filepath)).arrayBuffer())).toEqual(upload);
	});
});

describe('cancel', () => {
	it('cancels a running run: the next status is cancelled; the record has the body as sent', async () => {
		emu.setBehaviour({ hostedRunMs: 60_000 });
		const id = await submitted();
		const res = await cancel({ prompt_id: id, view_comfy_api_url: DEPLOYMENT });
		expect(res.status).toBe(201);
		expect((await json(res)).data).toEqual({ prompt_id: id, message: 'Cancellation requested' });
		expect(emu.requests.at(-1)).toMatchObject({
			kind: 'hosted-cancel',
			hosted: { promptId: id, viewComfyApiUrl: DEPLOYMENT, bodyKeys: ['prompt_id', 'view_comfy_api_url'] },
		});
		expect(await records([id])).toEqual([expect.objectContaining({ status: 'cancelled', completed: true, outputs: [] })]);
	});

	it("takes the TypeScript client's camelCase body too", async () => {
		emu.setBehaviour({ hostedRunMs: 60_000 });
		const id = await submitted();
		expect((await cancel({ promptId: id, viewComfyApiUrl: DEPLOYMENT })).status).toBe(201);
		expect((await records([id]))[0].status).toBe('cancelled');
	});

	it('says so when the run had already finished, and leaves it as it was', async () => {
		emu.setBehaviour({ hostedRunMs: 0 });
		const id = await submitted();
		const res = await cancel({ prompt_id: id, view_comfy_api_url: DEPLOYMENT });
		expect((await json(res)).data.message).toBe('The run had already finished');
		expect((await records([id]))[0].status).toBe('success');
	});

	it('answers 404 for an unknown id, 422 without one, 401 without credentials', async () => {
		expect((await cancel({ prompt_id: randomUUID() })).status).toBe(404);
		expect((await cancel({ view_comfy_api_url: DEPLOYMENT })).status).toBe(422);
		expect((await cancel({ prompt_id: randomUUID() }, {})).status).toBe(401);
	});
});

describe('control API', () => {
	it('validates the hosted behaviour fields', async () => {
		const post = (body: unknown) =>
			fetch(`${emu.origin}/__emulator/behaviour`, { method: 'POST', body: JSON.stringify(body) });
		expect((await post({ hostedRunMs: 10, hostedStatus5xx: 'always', hostedLinkTtlSeconds: 0 })).status).toBe(200);
		expect(emu.behaviour).toMatchObject({ hostedRunMs: 10, hostedStatus5xx: 'always', hostedLinkTtlSeconds: 0 });
		const bad = await post({ hostedRunMs: -1 });
		expect(bad.status).toBe(400);
		expect((await json(bad)).error).toContain('hostedRunMs');
	});
});
