/**
 * The control API under /__emulator/ and the request record it serves: what a separate process
 * (n8n e2e, the demo) uses to set faults and check what the node sent.
 */
import { createHash } from 'node:crypto';
import type { EmulatorHandle } from './server';
import { CREDENTIALS, infer, json, useSharedEmulator } from './helpers';

let emu: EmulatorHandle;
useSharedEmulator((e) => (emu = e));
const control = (path: string, init?: RequestInit) => fetch(`${emu.origin}/__emulator/${path}`, init);

const postJson = (path: string, body: unknown) =>
	control(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const small = { '5-inputs-width': 8, '5-inputs-height': 8, '3-inputs-seed': 2 };

describe('behaviour over HTTP', () => {
	it('POST behaviour merges, applies to the next calls and is readable back', async () => {
		let res = await postJson('behaviour', { coldStart503: 1 });
		expect(res.status).toBe(200);
		expect(await json(res)).toMatchObject({ coldStart503: 1, latencyMs: 0 });
		res = await postJson('behaviour', { latencyMs: 5 });
		expect(await json(res)).toMatchObject({ coldStart503: 1, latencyMs: 5 });
		expect((await infer(emu, { params: small })).status).toBe(503);
		expect((await infer(emu, { params: small })).status).toBe(201);
		expect(await json(await control('behaviour'))).toMatchObject({ coldStart503: 1, latencyMs: 5 });
		expect(emu.behaviour.latencyMs).toBe(5);
	});

	it.each([
		[{ latencyMS: 5 }, /Unknown behaviour field "latencyMS"\. Known fields: latencyMs/],
		[{ coldStart503: -1 }, /"coldStart503" must be a whole number >= 0 or "always"; got -1/],
		[{ errorEvent: 'sometimes' }, /"errorEvent" must be one of "thenResult", "thenEnd", null/],
		[{ redirectToOrigin: 'http://127.0.0.1:1/path' }, /"redirectToOrigin" must be an origin/],
		['[1]', /must be a JSON object/],
		['{"latencyMs": ', /not valid JSON/],
	])('refuses %j with a 400 that says what is wrong', async (body, message) => {
		const res = await postJson('behaviour', body);
		expect(res.status).toBe(400);
		expect((await json(res)).error).toMatch(message);
		expect(emu.behaviour.coldStart503).toBe(0);
	});

	it('POST reset restores the starting behaviour and clears the record', async () => {
		await postJson('behaviour', { error500: 'always' });
		expect((await infer(emu, { params: small })).status).toBe(500);
		const res = await control('reset', { method: 'POST' });
		expect((await json(res)).error500).toBe(0);
		expect(emu.requests).toEqual([]);
		expect((await infer(emu, { params: small })).status).toBe(201);
	});
});

describe('request record', () => {
	it('records each call with masked secret, parsed form, files with sha256, status and timing', async () => {
		const file = Buffer.from('fake image bytes');
		const workflowApi = JSON.stringify({ '1': { inputs: { image: 'a.png' }, class_type: 'LoadImage' } });
		await infer(emu, {
			params: { '1-inputs-image': 'a.png' },
			workflowApi,
			files: [{ field: '1-inputs-image', filename: 'photo.png', type: 'image/png', data: file }],
		});
		const records = await json(await control('requests'));
		expect(records).toHaveLength(1);
		const [record] = records;
		expect(record).toMatchObject({
			id: expect.any(Number),
			method: 'POST',
			path: '/',
			kind: 'infer',
			status: 201,
			fault: null,
			form: {
				params: { '1-inputs-image': 'a.png' },
				logs: 'false',
				workflowApi: { present: true, size: Buffer.byteLength(workflowApi) },
				fieldNames: ['params', 'logs', 'workflow_api'],
			},
			files: [
				{
					field: '1-inputs-image',
					filename: 'photo.png',
					mimeType: 'image/png',
					size: file.length,
					sha256: createHash('sha256').update(file).digest('hex'),
				},
			],
		});
		expect(record.contentType).toMatch(/^multipart\/form-data; boundary=/);
		expect(new Date(record.time).toISOString()).toBe(record.time);
		expect(record.durationMs).toEqual(expect.any(Number));
		expect(record.headers).toMatchObject({ client_id: CREDENTIALS.client_id, client_secret: '***' });
	});

	it('never holds the secret, even when it is sent where it does not belong', async () => {
		await infer(emu, { params: small, headers: { authorization: `Bearer ${CREDENTIALS.client_secret}` } });
		await infer(emu, { params: small, headers: { client_secret: `${CREDENTIALS.client_secret}-wrong` } });
		const text = await (await control('requests')).text();
		expect(text).not.toContain(CREDENTIALS.client_secret);
		expect(JSON.parse(text)[0].headers.authorization).toBe('***');
		expect(JSON.stringify(emu.requests)).not.toContain(CREDENTIALS.client_secret);
	});

	it('keeps invalid params as the raw string, leaves control calls out, and DELETE clears', async () => {
		await infer(emu, { params: '{not json' });
		await control('health');
		expect(emu.requests).toHaveLength(1);
		expect(emu.requests[0]).toMatchObject({ status: 422, form: { params: '{not json' } });
		const res = await control('requests', { method: 'DELETE' });
		expect(res.status).toBe(200);
		expect(await json(await control('requests'))).toEqual([]);
	});
});

describe('routes', () => {
	it('GET health answers ok', async () => {
		expect(await json(await control('health'))).toEqual({ ok: true, workflowNodes: 7 });
	});

	it('an unknown control route is a 404 listing the known ones, never an infer call', async () => {
		let res = await control('nope');
		expect(res.status).toBe(404);
		expect((await json(res)).error).toMatch(/Known routes: GET \/__emulator\/health/);
		res = await fetch(`${emu.origin}/__emulator`, { method: 'POST', headers: CREDENTIALS, body: new FormData() });
		expect(res.status).toBe(404);
		expect(emu.requests).toEqual([]);
	});
});
