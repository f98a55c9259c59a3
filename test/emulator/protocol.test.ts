/**
 * The direct deployment protocol over real HTTP: credentials, form validation, params applied to
 * the workflow, workflow_api overrides, uploads echoed back, JSON and SSE answers.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PNG } from 'pngjs';
import type { EmulatorHandle } from './server';
import { CREDENTIALS, json, decodePng, infer, inferJson, outputBytes, parseSse, startTestEmulator, useSharedEmulator, urlencoded } from './helpers';

const FIXTURES = resolve(__dirname, '../fixtures/workflows');
const img2img = JSON.parse(readFileSync(resolve(FIXTURES, 'img2img.json'), 'utf8'));

let emu: EmulatorHandle;
useSharedEmulator((e) => (emu = e));

describe('credentials', () => {
	it('answers 401 FastAPI-style when the headers are missing, naming them', async () => {
		const res = await infer(emu, { params: { '3-inputs-seed': 1 }, auth: false });
		expect(res.status).toBe(401);
		const body = await json(res);
		expect(body.detail).toMatch(/client_id and client_secret header is missing/);
	});

	it('answers 401 for a wrong secret without echoing what was sent', async () => {
		const res = await infer(emu, { params: { '3-inputs-seed': 1 }, headers: { client_secret: 'wrong-secret-xyz' } });
		expect(res.status).toBe(401);
		const text = await res.text();
		expect(JSON.parse(text).detail).toMatch(/Invalid client_id or client_secret/);
		expect(text).not.toContain('wrong-secret-xyz');
	});

	it('checks credentials before the params, so good credentials with empty params get 422', async () => {
		const bad = await infer(emu, { params: '', headers: { client_id: 'nobody' } });
		expect(bad.status).toBe(401);
		const good = await infer(emu, { params: '' });
		expect(good.status).toBe(422);
		expect(emu.requests.map((r) => r.status)).toEqual([401, 422]);
	});
});

describe('form validation (422 with a FastAPI detail list)', () => {
	const cases: Array<[string, unknown, string]> = [
		['missing', undefined, 'missing'],
		['empty', '', 'value_error'],
		['invalid JSON', '{"3-inputs-seed": ', 'json_invalid'],
		['an array', '[1,2]', 'dict_type'],
		['an empty object', '{}', 'value_error'],
	];
	it.each(cases)('refuses params that are %s', async (_label, params, type) => {
		const res = await infer(emu, { params });
		expect(res.status).toBe(422);
		const { detail } = await json(res);
		expect(detail).toHaveLength(1);
		expect(detail[0]).toMatchObject({ loc: ['body', 'params'], type });
		expect(typeof detail[0].msg).toBe('string');
	});

	it('refuses a key naming no node, and one naming no input, with the key in loc', async () => {
		let res = await infer(emu, { params: { '99-inputs-seed': 1 } });
		expect(res.status).toBe(422);
		let { detail } = await json(res);
		expect(detail[0].loc).toEqual(['body', 'params', '99-inputs-seed']);
		expect(detail[0].msg).toMatch(/no node "99"/);

		res = await infer(emu, { params: { '3-inputs-sead': 1 } });
		({ detail } = await json(res));
		expect(res.status).toBe(422);
		expect(detail[0].msg).toMatch(/node 3 \(KSampler\) has no input "sead"/);
	});

	it('refuses a key that overwrites a link, and object values', async () => {
		let res = await infer(emu, { params: { '3-inputs-model': 'x' } });
		expect(res.status).toBe(422);
		expect((await json(res)).detail[0].msg).toMatch(/is a link/);
		res = await infer(emu, { params: { '3-inputs-seed': { n: 1 } } });
		expect(res.status).toBe(422);
		expect((await json(res)).detail[0].msg).toMatch(/must be a string, number or boolean/);
	});

	it('refuses a logs value that is not a boolean, and a workflow_api that is not API format', async () => {
		let res = await fetch(emu.url, {
			method: 'POST',
			headers: { ...CREDENTIALS, 'content-type': 'application/x-www-form-urlencoded' },
			body: urlencoded({ params: '{"3-inputs-seed": 1}', logs: 'maybe' }),
		});
		expect(res.status).toBe(422);
		expect((await json(res)).detail[0].loc).toEqual(['body', 'logs']);

		const editor = readFileSync(resolve(FIXTURES, 'editor_format_not_api.json'), 'utf8');
		res = await infer(emu, { params: { '3-inputs-seed': 1 }, workflowApi: editor });
		expect(res.status).toBe(422);
		const { detail } = await json(res);
		expect(detail[0].loc).toEqual(['body', 'workflow_api']);
		expect(detail[0].msg).toMatch(/Export \(API\)/);
	});

	it('treats a non-form body as missing params, and a broken multipart body as 400', async () => {
		let res = await fetch(emu.url, { method: 'POST', headers: { ...CREDENTIALS, 'content-type': 'application/json' }, body: '{}' });
		expect(res.status).toBe(422);
		expect((await json(res)).detail[0].type).toBe('missing');
		res = await fetch(emu.url, {
			method: 'POST',
			headers: { ...CREDENTIALS, 'content-type': 'multipart/form-data' },
			body: 'no boundary here',
		});
		expect(res.status).toBe(400);
		expect((await json(res)).detail).toMatch(/error parsing the body/);
	});
});

describe('a run', () => {
	it('answers 201 with the result JSON, the applied prompt and a real PNG', async () => {
		const res = await infer(emu, { params: { '6-inputs-text': 'a cat sorcerer', '3-inputs-seed': 1234 }, path: '/some/deployment' });
		expect(res.status).toBe(201);
		expect(res.headers.get('content-type')).toMatch(/^application\/json/);
		const result = await json(res);
		expect(result).toMatchObject({ status: 'success', completed: true });
		expect(result.prompt_id).toMatch(/^[0-9a-f-]{36}$/);
		expect(typeof result.execution_time_seconds).toBe('number');
		expect(result.prompt['6'].inputs.text).toBe('a cat sorcerer');
		expect(result.prompt['3'].inputs.seed).toBe(1234);
		expect(result.prompt['3'].inputs.model).toEqual(['4', 0]);
		expect(result.outputs).toHaveLength(1);
		const [out] = result.outputs;
		expect(out).toMatchObject({ filename: 'ComfyUI_00001_.png', content_type: 'image/png' });
		const bytes = outputBytes(out);
		expect(out.size).toBe(bytes.length);
		const png = decodePng(bytes);
		expect([png.width, png.height]).toEqual([512, 512]);
	});

	it('ignores keys starting with "_" and accepts ids and input names with hyphens and colons', async () => {
		const video = JSON.parse(readFileSync(resolve(FIXTURES, 'video_subgraph.json'), 'utf8'));
		const local = await startTestEmulator({ workflow: video });
		try {
			const result = await inferJson(local, {
				params: { '_54:73-node-class_type-info': 'KSampler (Advanced)', '54:73-inputs-noise_seed': 7, '61-inputs-text-overlay': 'hi' },
			});
			expect(result.prompt['54:73'].inputs.noise_seed).toBe(7);
			expect(result.prompt['61'].inputs['text-overlay']).toBe('hi');
		} finally {
			await local.close();
		}
	});

	it('runs a workflow_api override instead of the deployed workflow, and ignores it sent empty', async () => {
		const overridden = await inferJson(emu, { params: { '10-inputs-image': 'x.png' }, workflowApi: JSON.stringify(img2img) });
		expect(overridden.prompt['10'].class_type).toBe('LoadImage');
		expect(overridden.prompt['10'].inputs.image).toBe('x.png');
		const deployed = await inferJson(emu, { params: { '3-inputs-seed': 5 }, workflowApi: '' });
		expect(deployed.prompt['10']).toBeUndefined();
		expect(emu.requests[1].form?.workflowApi).toEqual({ present: true, size: 0 });
	});

	it('echoes uploaded files (and masks) as outputs with the same bytes, name and type', async () => {
		const image = PNG.sync.write(new PNG({ width: 3, height: 2 }));
		const mask = Buffer.from([0, 1, 2, 3, 250, 251, 252, 253]);
		const result = await inferJson(emu, {
			params: { '3-inputs-seed': 9 },
			workflowApi: JSON.stringify(img2img),
			files: [
				{ field: '10-inputs-image', filename: 'input photo.png', type: 'image/png', data: image },
				{ field: '10-inputs-image-viewcomfymask', filename: 'mask.png', type: 'image/png', data: mask },
			],
		});
		expect(result.prompt['10'].inputs.image).toBe('input photo.png');
		const echoed = result.outputs.filter((o) => o.filename !== 'ComfyUI_00001_.png');
		expect(echoed.map((o) => [o.filename, o.content_type, o.size])).toEqual([
			['input photo.png', 'image/png', image.length],
			['mask.png', 'image/png', mask.length],
		]);
		expect(outputBytes(echoed[0]).equals(image)).toBe(true);
		expect(outputBytes(echoed[1]).equals(mask)).toBe(true);
	});

	it('refuses a file part whose name is no parameter of the workflow', async () => {
		const res = await infer(emu, {
			params: { '3-inputs-seed': 1 },
			files: [{ field: '52-inputs-image', filename: 'a.png', type: 'image/png', data: Buffer.from('x') }],
		});
		expect(res.status).toBe(422);
		expect((await json(res)).detail[0].loc).toEqual(['body', 'params', '52-inputs-image']);
	});

	it('accepts an urlencoded body (the Python client without files)', async () => {
		const res = await fetch(`${emu.origin}/run`, {
			method: 'POST',
			headers: { ...CREDENTIALS, 'content-type': 'application/x-www-form-urlencoded' },
			body: urlencoded({ params: JSON.stringify({ '3-inputs-seed': 42 }), logs: 'false', workflow_api: '' }),
		});
		expect(res.status).toBe(201);
		expect((await json(res)).prompt['3'].inputs.seed).toBe(42);
	});
});

describe('logs=true', () => {
	it('streams ComfyUI-like log_message events, then prompt_result with the result on one data line', async () => {
		const res = await infer(emu, { params: { '3-inputs-seed': 3, '3-inputs-steps': 8 }, logs: true });
		expect(res.status).toBe(201);
		expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
		const body = await res.text();
		for (const block of body.split('\n\n').filter(Boolean)) expect(block).toMatch(/^event: [a-z_]+\ndata: [^\n]*$/);
		const events = parseSse(body);
		const logs = events.filter((e) => e.event === 'log_message').map((e) => e.data);
		expect(logs[0]).toBe('got prompt');
		expect(logs).toContain('  0%|          | 0/8 [00:00<?, ?it/s]');
		expect(logs.some((l) => /^ 50%\|█{5} {5}\| 4\/8 \[\d\d:\d\d<\d\d:\d\d, [\d.]+(it\/s|s\/it)\]$/.test(l))).toBe(true);
		expect(logs[logs.length - 1]).toMatch(/^Prompt executed in \d+\.\d\d seconds$/);
		const last = events[events.length - 1];
		expect(last.event).toBe('prompt_result');
		const result = JSON.parse(last.data);
		expect(result.prompt['3'].inputs.steps).toBe(8);
		expect(decodePng(Buffer.from(result.outputs[0].data, 'base64')).width).toBe(512);
	});
});

describe('other methods', () => {
	it('answers 405 to a GET without a result id and records it', async () => {
		const res = await fetch(emu.url, { headers: CREDENTIALS });
		expect(res.status).toBe(405);
		expect(await json(res)).toEqual({ detail: 'Method Not Allowed' });
		expect(emu.requests[0]).toMatchObject({ method: 'GET', kind: 'other', status: 405 });
	});
});
