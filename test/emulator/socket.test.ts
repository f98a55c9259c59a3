/**
 * The hosted API's Socket.IO endpoint and the contract ViewComfy's official hosted clients
 * (cloud-public ViewComfy_API/Python/api.py and Node-TypeScript/api.ts) rely on, written by us so
 * CI proves it without copies of those clients: connect over websocket with
 * `auth: {client_id, client_secret}` (a wrong pair refused), the socket id as the submit's `sid`,
 * `infer_log_message` then `infer_result_message` whose keys are exactly what the Python client's
 * `PromptResult(**data)` accepts, error / cancel events, status records carrying the keys that
 * client deletes, cancel answering 201, and the socket faults. Real socket.io-client, real HTTP,
 * real PNG bytes.
 */
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type { EmulatorHandle } from './server';
import { CREDENTIALS, decodePng, json, useSharedEmulator } from './helpers';

let emu: EmulatorHandle;
useSharedEmulator((e) => (emu = e));

const DEPLOYMENT = 'https://team--viewcomfy-deployment.modal.run';
const small = { '5-inputs-width': 8, '5-inputs-height': 8, '3-inputs-seed': 7 };

/** The parameters of the Python client's PromptResult: an infer_result_message or a status record (after its deletions) may carry no other key. */
const PROMPT_RESULT_PARAMS = ['prompt_id', 'status', 'completed', 'execution_time_seconds', 'prompt', 'outputs', 'error_data'];
/** The keys the Python client's infer_info deletes from every record (after turning them to snake_case). */
const DELETED_BY_PYTHON_CLIENT = ['created_at', 'workflow', 'client_id', 'user'];

interface Heard {
	socket: Socket;
	events: Array<{ event: string; data: unknown; at: number }>;
	disconnects: string[];
}

const opened: Socket[] = [];
afterEach(() => {
	for (const socket of opened.splice(0)) socket.disconnect();
});

/** Connects like the official clients (websocket only, auth in the connect packet) and records every event. */
function connect(auth: Record<string, string> = CREDENTIALS): Promise<Heard> {
	const socket = io(emu.origin, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
	opened.push(socket);
	const heard: Heard = { socket, events: [], disconnects: [] };
	socket.onAny((event: string, data: unknown) => heard.events.push({ event, data, at: Date.now() }));
	socket.on('disconnect', (reason) => heard.disconnects.push(reason));
	return new Promise((resolve, reject) => {
		socket.once('connect', () => resolve(heard));
		socket.once('connect_error', reject);
	});
}

function connectError(auth: Record<string, string>): Promise<Error> {
	const socket = io(emu.origin, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
	opened.push(socket);
	return new Promise((resolve, reject) => {
		socket.once('connect', () => reject(new Error('connected, expected a refusal')));
		socket.once('connect_error', resolve);
	});
}

async function submit(fields: Record<string, string>): Promise<Response> {
	const form = new FormData();
	form.set('prompt_id', fields.prompt_id ?? randomUUID());
	form.set('view_comfy_api_url', DEPLOYMENT);
	form.set('params', JSON.stringify(small));
	for (const [k, v] of Object.entries(fields)) form.set(k, v);
	return fetch(`${emu.origin}/api/workflow/infer`, { method: 'POST', body: form, headers: CREDENTIALS });
}

async function submitWithSid(heard: Heard): Promise<string> {
	const promptId = randomUUID();
	const res = await submit({ prompt_id: promptId, sid: heard.socket.id! });
	expect(res.status).toBe(201);
	return promptId;
}

function until(heard: Heard, done: (h: Heard) => boolean, ms = 5000): Promise<void> {
	const deadline = Date.now() + ms;
	return new Promise((resolve, reject) => {
		const check = () => {
			if (done(heard)) return resolve();
			if (Date.now() > deadline) return reject(new Error(`timed out; heard ${JSON.stringify(heard.events.map((e) => e.event))}`));
			setTimeout(check, 5);
		};
		check();
	});
}

const named = (heard: Heard, event: string) => heard.events.filter((e) => e.event === event);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function records(ids: string[]) {
	const res = await fetch(`${emu.origin}/api/workflow/infer/?${ids.map((id) => `prompt_ids=${id}`).join('&')}`, { headers: CREDENTIALS });
	expect(res.status).toBe(200);
	return await json(res);
}

/** The Python client's camelCase → snake_case regex, applied to every key of a record. */
function pythonSnakeCase(record: Record<string, unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(record)) {
		out[key.replace(/((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))/g, '_$1').toLowerCase()] = value;
	}
	return out;
}

describe('connecting', () => {
	it('accepts the right pair over websocket and records only the auth keys', async () => {
		const heard = await connect();
		expect(heard.socket.id).toEqual(expect.any(String));
		expect(emu.sockets).toEqual([
			expect.objectContaining({ accepted: true, sid: heard.socket.id, transport: 'websocket', authKeys: ['client_id', 'client_secret'] }),
		]);
		expect(JSON.stringify(emu.sockets)).not.toContain(CREDENTIALS.client_secret);
	});

	it.each([
		['a wrong secret', { ...CREDENTIALS, client_secret: 'wrong-secret-456' }],
		['a wrong id', { ...CREDENTIALS, client_id: 'someone-else' }],
		['no auth', {}],
	])('refuses %s with a connect_error that repeats nothing sent', async (_name, auth) => {
		const error = await connectError(auth as Record<string, string>);
		expect(error.message).toMatch(/Authentication failed/);
		expect(error.message).not.toContain('wrong-secret-456');
		expect(error.message).not.toContain(CREDENTIALS.client_secret);
		expect(emu.sockets.at(-1)).toMatchObject({ accepted: false, sid: null, refusal: error.message });
	});

	it('fault socketAuthRefused: refuses the right pair N times, then accepts', async () => {
		emu.setBehaviour({ socketAuthRefused: 1 });
		expect((await connectError(CREDENTIALS)).message).toMatch(/Authentication failed/);
		await connect();
		expect(emu.sockets.map((s) => [s.accepted, s.fault])).toEqual([
			[false, 'socketAuthRefused'],
			[true, null],
		]);
	});
});

describe('a run routed by sid', () => {
	it('sends log lines while it runs, then the snake_case result the official clients read, with working links', async () => {
		emu.setBehaviour({ hostedRunMs: 300 });
		const heard = await connect();
		const promptId = await submitWithSid(heard);
		expect(emu.requests.at(-1)?.hosted).toMatchObject({ promptId, sid: heard.socket.id, sidConnected: true });
		await until(heard, (h) => named(h, 'infer_result_message').length > 0);

		const logs = named(heard, 'infer_log_message');
		expect(logs[0].data).toBe('got prompt');
		expect(logs.some((l) => /\d+%\|.*\| \d+\/\d+ \[/.test(String(l.data)))).toBe(true);
		expect(logs.at(-1)?.data).toMatch(/^Prompt executed in 0\.30 seconds$/);
		expect(heard.events.at(-1)?.event).toBe('infer_result_message');

		const result = JSON.parse(JSON.stringify(named(heard, 'infer_result_message')[0].data));
		expect(Object.keys(result).sort()).toEqual([...PROMPT_RESULT_PARAMS].sort());
		expect(result).toMatchObject({ prompt_id: promptId, status: 'success', completed: true, execution_time_seconds: 0.3, error_data: null });
		expect(result.prompt['3'].inputs.seed).toBe(7);
		expect(result.outputs).toHaveLength(1);
		expect(Object.keys(result.outputs[0]).sort()).toEqual(['content_type', 'filename', 'filepath', 'size']);
		expect(result.outputs[0]).toMatchObject({ content_type: 'image/png', filepath: expect.stringContaining(`${emu.origin}/__hosted-files/${promptId}/0/`) });
		// The link is the authorisation: a plain GET with no credentials.
		const file = await fetch(result.outputs[0].filepath);
		expect(file.status).toBe(200);
		const bytes = Buffer.from(await file.arrayBuffer());
		expect(bytes.length).toBe(result.outputs[0].size);
		expect(decodePng(bytes).width).toBe(8);

		// Push and poll agree: once the result is pushed, the status says success.
		expect((await records([promptId]))[0]).toMatchObject({ status: 'success', completed: true });
		expect(emu.sockets[0].events.map((e) => e.event).at(-1)).toBe('infer_result_message');
	});

	it('keeps the log lines in order and spread over the run, the result at its end', async () => {
		emu.setBehaviour({ hostedRunMs: 400 });
		const heard = await connect();
		const started = Date.now();
		await submitWithSid(heard);
		await until(heard, (h) => named(h, 'infer_result_message').length > 0);
		const logs = named(heard, 'infer_log_message');
		expect(logs.length).toBeGreaterThan(5);
		expect(logs.at(-1)!.at - logs[0].at).toBeGreaterThan(150);
		expect(named(heard, 'infer_result_message')[0].at - started).toBeGreaterThanOrEqual(350);
	});

	it('sends infer_error_message with error_data when the run fails, and no result', async () => {
		emu.setBehaviour({ hostedRunMs: 100, resultStatus: 'status-error' });
		const heard = await connect();
		const promptId = await submitWithSid(heard);
		await until(heard, (h) => named(h, 'infer_error_message').length > 0);
		await sleep(100);
		expect(named(heard, 'infer_result_message')).toEqual([]);
		expect(named(heard, 'infer_error_message')[0].data).toEqual({
			prompt_id: promptId,
			status: 'error',
			error_data: expect.objectContaining({ errorType: 'ExecutionError', errorMsg: expect.any(String) }),
		});
	});

	it('on cancel: answers 201 (the Python client accepts nothing else), sends infer_canceled_message and stops the run\'s events', async () => {
		emu.setBehaviour({ hostedRunMs: 60_000 });
		const heard = await connect();
		const promptId = await submitWithSid(heard);
		await until(heard, (h) => named(h, 'infer_log_message').length > 0);
		const res = await fetch(`${emu.origin}/api/workflow/infer/cancel`, {
			method: 'POST',
			headers: { ...CREDENTIALS, 'content-type': 'application/json' },
			body: JSON.stringify({ prompt_id: promptId, view_comfy_api_url: DEPLOYMENT }),
		});
		expect(res.status).toBe(201);
		expect((await json(res)).data).toEqual({ prompt_id: promptId, message: 'Cancellation requested' });
		await until(heard, (h) => named(h, 'infer_canceled_message').length > 0);
		expect(named(heard, 'infer_canceled_message')[0].data).toMatchObject({ prompt_id: promptId });
		const count = heard.events.length;
		await sleep(200);
		expect(heard.events.length).toBe(count);
	});

	it('a stuck run sends logs and never a result', async () => {
		emu.setBehaviour({ hostedRunMs: 100, resultStatus: 'completed-false' });
		const heard = await connect();
		await submitWithSid(heard);
		await sleep(300);
		expect(named(heard, 'infer_log_message').length).toBeGreaterThan(0);
		expect(heard.events.filter((e) => e.event !== 'infer_log_message')).toEqual([]);
	});

	it('a sid that names no open socket: the submit still succeeds, the record says so, nobody hears events', async () => {
		const heard = await connect();
		const res = await submit({ sid: 'no-such-socket' });
		expect(res.status).toBe(201);
		expect(emu.requests.at(-1)?.hosted).toMatchObject({ sid: 'no-such-socket', sidConnected: false });
		await sleep(500);
		expect(heard.events).toEqual([]);
	});

	it('only the socket named by sid hears the run', async () => {
		emu.setBehaviour({ hostedRunMs: 100 });
		const mine = await connect();
		const other = await connect();
		await submitWithSid(mine);
		await until(mine, (h) => named(h, 'infer_result_message').length > 0);
		expect(other.events).toEqual([]);
	});
});

describe('socket faults', () => {
	it('socketDropMidRun: the server drops the socket after two log lines; the run still ends, so a poll finds the result', async () => {
		emu.setBehaviour({ hostedRunMs: 300, socketDropMidRun: 1 });
		const heard = await connect();
		const promptId = await submitWithSid(heard);
		await until(heard, (h) => h.disconnects.length > 0);
		expect(heard.disconnects).toEqual(['io server disconnect']);
		expect(named(heard, 'infer_log_message')).toHaveLength(2);
		expect(emu.sockets[0]).toMatchObject({ fault: 'socketDropMidRun', closedBy: 'server' });
		await sleep(400);
		expect((await records([promptId]))[0]).toMatchObject({ status: 'success', outputs: [expect.objectContaining({ contentType: 'image/png' })] });
	});

	it('socketResultNeverSent: logs come, the result event never does, the status still shows success', async () => {
		emu.setBehaviour({ hostedRunMs: 200, socketResultNeverSent: 1 });
		const heard = await connect();
		const promptId = await submitWithSid(heard);
		await sleep(500);
		expect(named(heard, 'infer_log_message').length).toBeGreaterThan(0);
		expect(named(heard, 'infer_result_message')).toEqual([]);
		expect(heard.socket.connected).toBe(true);
		expect(emu.sockets[0].fault).toBe('socketResultNeverSent');
		expect((await records([promptId]))[0].status).toBe('success');
	});

	it('the socket faults are behaviour fields the control API validates', async () => {
		const post = (body: unknown) => fetch(`${emu.origin}/__emulator/behaviour`, { method: 'POST', body: JSON.stringify(body) });
		expect((await post({ socketAuthRefused: 'always', socketDropMidRun: 2, socketResultNeverSent: 0 })).status).toBe(200);
		const bad = await post({ socketDropMidRun: -1 });
		expect(bad.status).toBe(400);
		expect((await json(bad)).error).toContain('socketDropMidRun');
		const sockets = await fetch(`${emu.origin}/__emulator/sockets`);
		expect(sockets.status).toBe(200);
		expect(await json(sockets)).toEqual([]);
	});
});

describe('status records as the official Python client reads them', () => {
	it.each(['running', 'success', 'error', 'cancelled'])('a %s record has the keys it deletes and no key PromptResult refuses', async (wanted) => {
		emu.setBehaviour({ hostedRunMs: wanted === 'running' || wanted === 'cancelled' ? 60_000 : 0, resultStatus: wanted === 'error' ? 'status-error' : 'success' });
		const promptId = randomUUID();
		expect((await submit({ prompt_id: promptId })).status).toBe(201);
		if (wanted === 'cancelled') {
			const res = await fetch(`${emu.origin}/api/workflow/infer/cancel`, {
				method: 'POST',
				headers: { ...CREDENTIALS, 'content-type': 'application/json' },
				body: JSON.stringify({ promptId, viewComfyApiUrl: DEPLOYMENT }),
			});
			expect(res.status).toBe(201);
		}
		const [record] = await records([promptId]);
		expect(record.status).toBe(wanted);
		const snake = pythonSnakeCase(record);
		for (const key of DELETED_BY_PYTHON_CLIENT) expect(snake).toHaveProperty(key);
		for (const key of DELETED_BY_PYTHON_CLIENT) delete snake[key];
		expect(Object.keys(snake).filter((k) => !PROMPT_RESULT_PARAMS.includes(k))).toEqual([]);
		expect(record).toMatchObject({ clientId: CREDENTIALS.client_id, workflow: { viewComfyApiUrl: DEPLOYMENT }, user: expect.any(Object) });
		for (const output of record.outputs) expect(Object.keys(pythonSnakeCase(output)).sort()).toEqual(['content_type', 'filename', 'filepath', 'size']);
		expect(JSON.stringify(record)).not.toContain(CREDENTIALS.client_secret);
	});
});
