/**
 * Fidelity: ViewComfy's official hosted clients (cloud-public ViewComfy_API/Python/api.py and
 * ViewComfy_API/Node-TypeScript/api.ts), unchanged except their API URL, against the emulator:
 * Python infer, infer_info (with downloads), infer_cancel and infer_with_logs; TypeScript infer
 * (socket, logs, result, downloads).
 *
 * Those files are not in this repository (their licence is not ours to relicense). Put copies in
 * a directory and name it in VIEWCOMFY_OFFICIAL_CLIENTS, or place them in ../shared/official-clients
 * beside the repository; each client's tests run when its file is there. socket.test.ts pins every
 * contract these clients rely on without them, so CI proves the contract either way.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { PNG } from 'pngjs';
import type { EmulatorHandle } from './server';
import { CREDENTIALS, useSharedEmulator } from './helpers';

const run = promisify(execFile);
const REPO = resolve(__dirname, '../..');
const CLIENTS_DIR = process.env.VIEWCOMFY_OFFICIAL_CLIENTS ?? resolve(REPO, '../shared/official-clients');
// Debian's python3-httpx/-socketio/-aiohttp live beside /usr/bin/python3 (scripts/ensure-system-packages.sh).
const PYTHON = process.env.VIEWCOMFY_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
const DRIVERS = resolve(__dirname, 'official-clients');
const PNG_SIGNATURE = '89504e470d0a1a0a';

const hasPython = existsSync(join(CLIENTS_DIR, 'api.py'));
const hasTypeScript = existsSync(join(CLIENTS_DIR, 'api.ts'));

let emu: EmulatorHandle;
useSharedEmulator((e) => (emu = e), { workflow: resolve(REPO, 'test/fixtures/workflows/img2img.json') });

let dir: string;
let imagePath: string;
beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'official-clients-'));
	const png = new PNG({ width: 4, height: 4 });
	png.data.fill(200);
	imagePath = join(dir, 'input_img.png');
	writeFileSync(imagePath, PNG.sync.write(png));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What the driver printed after `RESULT `, and everything else it printed. */
function parseDriverOutput(stdout: string) {
	const at = stdout.lastIndexOf('\nRESULT ');
	if (at < 0) throw new Error(`the driver printed no RESULT line:\n${stdout}`);
	return { result: JSON.parse(stdout.slice(at + '\nRESULT '.length)), printed: stdout.slice(0, at) };
}

async function python(...args: string[]) {
	const { stdout, stderr } = await run(PYTHON, [join(DRIVERS, 'driver.py'), CLIENTS_DIR, emu.origin, ...args], { timeout: 60_000 });
	return { ...parseDriverOutput(stdout), stderr };
}

const params = JSON.stringify({ '6-inputs-text': 'a cat sorcerer', '3-inputs-seed': 1234 });
const noSecret = (text: string) => expect(text).not.toContain(CREDENTIALS.client_secret);

(hasPython ? describe : describe.skip)(`official Python client (api.py in ${CLIENTS_DIR})`, () => {
	jest.setTimeout(90_000);

	it('infer submits and infer_info polls to success; the links download real PNGs', async () => {
		emu.setBehaviour({ hostedRunMs: 300 });
		const submitted = await python('infer', params);
		expect(submitted.result).toMatchObject({ prompt_id: expect.any(String), message: 'Workflow submitted' });
		const id = submitted.result.prompt_id as string;
		let info;
		for (let i = 0; i < 20; i++) {
			info = (await python('info', id)).result;
			if (info[0].status !== 'running') break;
		}
		expect(info).toEqual([
			expect.objectContaining({ prompt_id: id, status: 'success', completed: true, error_data: null, outputs: [expect.objectContaining({ content_type: 'image/png' })] }),
		]);
		expect(info[0].files).toEqual([expect.objectContaining({ head: PNG_SIGNATURE, bytes: info[0].outputs[0].size })]);
		expect(emu.requests.filter((r) => r.kind === 'download').map((r) => r.status)).toEqual([200]);
	});

	it('infer_cancel gets 201 and infer_info then reads the cancelled run', async () => {
		emu.setBehaviour({ hostedRunMs: 60_000 });
		const id = (await python('infer', params)).result.prompt_id as string;
		expect((await python('info', id)).result[0]).toMatchObject({ status: 'running', completed: false });
		const cancelled = await python('cancel', id);
		expect(cancelled.result).toEqual({ data: { prompt_id: id, message: 'Cancellation requested' } });
		expect((await python('info', id)).result[0]).toMatchObject({ status: 'cancelled', completed: true, outputs: [] });
	});

	it('infer_with_logs (a file part and the socket) prints the log lines and returns the result, whose links download', async () => {
		emu.setBehaviour({ hostedRunMs: 500 });
		const { result, printed, stderr } = await python('with_logs', params, '10-inputs-image', imagePath);
		expect(printed).toContain('logs: got prompt');
		expect(printed).toMatch(/logs: Prompt executed in 0\.50 seconds/);
		expect(result).toMatchObject({ status: 'success', completed: true, error_data: null });
		expect(result.outputs.map((o: { filename: string }) => o.filename)).toEqual(['ComfyUI_00001_.png', 'input_img.png']);
		expect(result.files.map((f: { head: string }) => f.head)).toEqual([PNG_SIGNATURE, PNG_SIGNATURE]);
		const [socket] = emu.sockets;
		expect(socket).toMatchObject({ accepted: true, transport: 'websocket', authKeys: ['client_id', 'client_secret'] });
		expect(emu.requests.find((r) => r.kind === 'hosted-submit')?.hosted).toMatchObject({ sid: socket.sid, sidConnected: true });
		noSecret(printed + stderr);
	});
});

(hasTypeScript ? describe : describe.skip)(`official TypeScript client (api.ts in ${CLIENTS_DIR})`, () => {
	jest.setTimeout(90_000);

	it('infer connects, submits with its sid, logs each line and resolves with the result, whose links download', async () => {
		emu.setBehaviour({ hostedRunMs: 500 });
		const { stdout } = await run(
			resolve(REPO, 'node_modules/.bin/tsx'),
			[join(DRIVERS, 'driver.ts'), CLIENTS_DIR, emu.origin, imagePath],
			{ timeout: 60_000, cwd: REPO },
		);
		const { result, printed } = parseDriverOutput(stdout);
		expect(printed).toContain('"got prompt"');
		expect(printed).toContain('Result message received.');
		const r = result;
		expect(r).toMatchObject({ status: 'success' });
		expect(r.outputs.map((o: { filename: string }) => o.filename)).toEqual(['ComfyUI_00001_.png', 'input_img.png']);
		expect(r.files.map((f: { status: number; head: string }) => [f.status, f.head])).toEqual([
			[200, PNG_SIGNATURE],
			[200, PNG_SIGNATURE],
		]);
		expect(emu.requests.find((r) => r.kind === 'hosted-submit')).toMatchObject({
			status: 201,
			files: [expect.objectContaining({ field: '10-inputs-image', filename: 'input_img.png' })],
			hosted: { sid: emu.sockets[0].sid, sidConnected: true },
		});
		noSecret(printed);
	});
});

// Always runs, so the file never passes vacuously: say where the copies were looked for.
it('reports where the official clients were looked for', () => {
	expect(CLIENTS_DIR).toEqual(expect.any(String));
	if (!hasPython || !hasTypeScript) {
		console.info(`Official clients not found in ${CLIENTS_DIR} (api.py: ${hasPython}, api.ts: ${hasTypeScript}); set VIEWCOMFY_OFFICIAL_CLIENTS to run them.`);
	}
});
