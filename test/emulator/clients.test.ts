/**
 * Fidelity: clients written like ViewComfy's official examples work unchanged against the emulator:
 * the cURL example (real curl), the TypeScript client (global FormData + fetch), and the Python
 * client without files (httpx `data=`, an urlencoded body with workflow_api sent empty).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { PNG } from 'pngjs';
import type { ComfyWorkflow, EmulatorHandle } from './server';
import { CREDENTIALS, decodePng, json, parseSse, startTestEmulator, urlencoded } from './helpers';

const run = promisify(execFile);

// The img2img fixture with its LoadImage renumbered 52, so the cURL example's `52-inputs-image` fits.
function workflowWithNode52(): ComfyWorkflow {
	const wf = JSON.parse(readFileSync(resolve(__dirname, '../fixtures/workflows/img2img.json'), 'utf8')) as ComfyWorkflow;
	wf['52'] = wf['10'];
	delete wf['10'];
	wf['12'].inputs.pixels = ['52', 0];
	return wf;
}

let emu: EmulatorHandle;
let dir: string;
let imagePath: string;
let image: Buffer;
beforeAll(async () => {
	emu = await startTestEmulator({ workflow: workflowWithNode52() });
	dir = mkdtempSync(join(tmpdir(), 'emulator-clients-'));
	const png = new PNG({ width: 4, height: 4 });
	png.data.fill(200);
	image = PNG.sync.write(png);
	imagePath = join(dir, 'input_img.png');
	writeFileSync(imagePath, image);
});
afterAll(async () => {
	await emu.close();
	rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
	emu.resetBehaviour();
	emu.clearRequests();
});

const params = JSON.stringify({ '6-inputs-text': 'a cat sorcerer', '3-inputs-seed': 1234 });

/** The cURL example, flag for flag, with `logs` as given. */
function curlExample(logs: string, extra: string[] = []) {
	return run('curl', [
		'-sS',
		'-X', 'POST', emu.url,
		'-H', `client_id: ${CREDENTIALS.client_id}`,
		'-H', `client_secret: ${CREDENTIALS.client_secret}`,
		'-F', `logs=${logs}`,
		'-F', `params=${params}`,
		'-F', `52-inputs-image=@${imagePath}`,
		'--max-time', '2400',
		'-L',
		'-w', '\n%{http_code}',
		...extra,
	], { maxBuffer: 64 * 1024 * 1024 });
}

const splitStatus = (stdout: string) => {
	const cut = stdout.lastIndexOf('\n');
	return { body: stdout.slice(0, cut), status: Number(stdout.slice(cut + 1)) };
};

describe('the cURL example (real curl -F)', () => {
	it('gets 201 JSON with the generated image and the uploaded one echoed', async () => {
		const { body, status } = splitStatus((await curlExample('false')).stdout);
		expect(status).toBe(201);
		const result = JSON.parse(body);
		expect(result.prompt['52'].inputs.image).toBe('input_img.png');
		expect(result.prompt['6'].inputs.text).toBe('a cat sorcerer');
		const names = result.outputs.map((o: { filename: string }) => o.filename);
		expect(names).toEqual(['ComfyUI_00001_.png', 'input_img.png']);
		expect(decodePng(Buffer.from(result.outputs[0].data, 'base64')).width).toBe(512);
		expect(Buffer.from(result.outputs[1].data, 'base64').equals(image)).toBe(true);
		expect(emu.requests[0].files).toEqual([expect.objectContaining({ field: '52-inputs-image', filename: 'input_img.png', mimeType: 'image/png' })]);
	});

	it('streams events with logs=true', async () => {
		const { body, status } = splitStatus((await curlExample('true', ['-N'])).stdout);
		expect(status).toBe(201);
		const events = parseSse(body);
		expect(events[0]).toMatchObject({ event: 'log_message', data: 'got prompt' });
		expect(JSON.parse(events[events.length - 1].data).outputs).toHaveLength(2);
	});

	it('follows 303s with -L to the result (curl keeps POST there because of -X POST)', async () => {
		emu.setBehaviour({ redirect303AfterMs: 20, redirectChain: 2 });
		const { body, status } = splitStatus((await curlExample('false')).stdout);
		expect(status).toBe(201);
		expect(JSON.parse(body).status).toBe('success');
		expect(emu.requests.map((r) => [r.method, r.kind, r.status])).toEqual([
			['POST', 'infer', 303],
			['POST', 'result', 303],
			['POST', 'result', 201],
		]);
	});
});

describe('the TypeScript client style (global FormData, File, fetch)', () => {
	it('sends params, logs and a File part and reads the result', async () => {
		const formData = new FormData();
		const values: Record<string, unknown> = {
			'6-inputs-text': 'a cat sorcerer',
			'52-inputs-image': new File([new Uint8Array(image)], 'input_img.png', { type: 'image/png' }),
		};
		const paramsStr: Record<string, unknown> = {};
		for (const key in values) {
			const value = values[key];
			if (value instanceof File) formData.set(key, value);
			else paramsStr[key] = value;
		}
		formData.set('params', JSON.stringify(paramsStr));
		formData.set('logs', 'false');
		const response = await fetch(emu.url, {
			method: 'POST',
			body: formData,
			redirect: 'follow',
			headers: { client_id: CREDENTIALS.client_id, client_secret: CREDENTIALS.client_secret },
		});
		expect(response.ok).toBe(true);
		expect(response.status).toBe(201);
		const result = await json(response);
		expect(result.outputs.map((o: { filename: string }) => o.filename)).toEqual(['ComfyUI_00001_.png', 'input_img.png']);
		expect(emu.requests[0].form).toMatchObject({ fieldNames: ['params', 'logs'], workflowApi: { present: false } });
	});
});

describe('the Python client style without files (httpx data=)', () => {
	it('sends an urlencoded body with workflow_api empty and gets 201', async () => {
		const response = await fetch(emu.url, {
			method: 'POST',
			headers: { ...CREDENTIALS, 'content-type': 'application/x-www-form-urlencoded' },
			body: urlencoded({ params: JSON.stringify({ '3-inputs-seed': 77, '52-inputs-image': 'already-uploaded.png' }), logs: 'false', workflow_api: '' }),
		});
		expect(response.status).toBe(201);
		const result = await json(response);
		expect(result.prompt['3'].inputs.seed).toBe(77);
		expect(result.prompt['52'].inputs.image).toBe('already-uploaded.png');
		expect(emu.requests[0].contentType).toBe('application/x-www-form-urlencoded');
		expect(emu.requests[0].form?.workflowApi).toEqual({ present: true, size: 0 });
	});
});
