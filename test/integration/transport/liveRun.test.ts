/**
 * transport/hosted/liveRun against the emulator's real socket.io server (over `ws`, injected on
 * Node 20): the pushed end read by the status answer's reader, and one fallback reason, given once,
 * whenever the socket cannot help (no WebSocket, refused, dropped), with the run still found by a poll.
 */
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import { hasGlobalWebSocket, type WebSocketConstructor } from '../../../nodes/ViewComfy/transport/hosted/socketIoClient';
import { openLiveRun, type LiveRun, type LiveRunOptions } from '../../../nodes/ViewComfy/transport/hosted/liveRun';
import { parseStatusAnswer } from '../../../nodes/ViewComfy/transport/hostedRecords';
import { startEmulator, type EmulatorHandle } from '../../emulator/server';

const CLIENT_ID = 'live-id';
const SECRET = 'live-secret-value-321';
const WS = WebSocket as unknown as WebSocketConstructor;

let emu: EmulatorHandle;
beforeAll(async () => {
	emu = await startEmulator({ clientId: CLIENT_ID, clientSecret: SECRET });
});
afterAll(() => emu.close());
beforeEach(() => {
	emu.resetBehaviour();
	emu.clearRequests();
});

interface Followed {
	live: LiveRun;
	lines: string[];
	fallbacks: string[];
}

const opened: LiveRun[] = [];
afterEach(() => {
	for (const live of opened.splice(0)) live.close();
});

async function follow(options: Partial<LiveRunOptions> = {}): Promise<Followed> {
	const lines: string[] = [];
	const fallbacks: string[] = [];
	const live = await openLiveRun({
		origin: emu.origin,
		clientId: CLIENT_ID,
		clientSecret: SECRET,
		webSocket: WS,
		onLog: (line) => lines.push(line),
		onFallback: (reason) => fallbacks.push(reason),
		...options,
	});
	opened.push(live);
	return { live, lines, fallbacks };
}

async function submit(sid: string | undefined): Promise<string> {
	const promptId = randomUUID();
	const form = new FormData();
	form.set('prompt_id', promptId);
	form.set('view_comfy_api_url', 'https://team--viewcomfy-deployment.modal.run');
	form.set('params', JSON.stringify({ '3-inputs-seed': 9, '5-inputs-width': 8, '5-inputs-height': 8 }));
	if (sid) form.set('sid', sid);
	const res = await fetch(`${emu.origin}/api/workflow/infer`, { method: 'POST', body: form, headers: { client_id: CLIENT_ID, client_secret: SECRET } });
	expect(res.status).toBe(201);
	return promptId;
}

async function polledRecord(promptId: string) {
	const res = await fetch(`${emu.origin}/api/workflow/infer/?prompt_ids=${promptId}`, { headers: { client_id: CLIENT_ID, client_secret: SECRET } });
	return parseStatusAnswer(await res.text())[0];
}

const settledWithin = async (promise: Promise<unknown>, ms: number) =>
	await Promise.race([promise.then(() => true), new Promise((r) => setTimeout(() => r(false), ms))]);

it('pushes the result as the record a poll gives (links aside), with the log lines before it', async () => {
	emu.setBehaviour({ hostedRunMs: 300 });
	const { live, lines, fallbacks } = await follow();
	const promptId = await submit(live.sid);
	const [pushed] = parseStatusAnswer(JSON.stringify([await live.pushed]));
	const polled = await polledRecord(promptId);
	const withoutLinks = (r: typeof pushed) => ({ ...r, createdAt: undefined, outputs: r.outputs.map((o) => ({ ...o, filepath: undefined })) });
	expect(withoutLinks(pushed)).toEqual(withoutLinks(polled));
	expect(pushed).toMatchObject({ promptId, status: 'success', completed: true, outputs: [expect.objectContaining({ contentType: 'image/png' })] });
	expect(lines[0]).toBe('got prompt');
	expect(fallbacks).toEqual([]);
});

it('pushes a failed run as a finished error record', async () => {
	emu.setBehaviour({ hostedRunMs: 100, resultStatus: 'status-error' });
	const { live } = await follow();
	const promptId = await submit(live.sid);
	expect(parseStatusAnswer(JSON.stringify([await live.pushed]))[0]).toMatchObject({ promptId, status: 'error', completed: true, errorData: expect.objectContaining({ errorType: 'ExecutionError' }) });
});

it('pushes a cancelled run as a finished cancelled record', async () => {
	emu.setBehaviour({ hostedRunMs: 60_000 });
	const { live } = await follow();
	const promptId = await submit(live.sid);
	await fetch(`${emu.origin}/api/workflow/infer/cancel`, {
		method: 'POST',
		headers: { client_id: CLIENT_ID, client_secret: SECRET, 'content-type': 'application/json' },
		body: JSON.stringify({ prompt_id: promptId, view_comfy_api_url: 'https://team--viewcomfy-deployment.modal.run' }),
	});
	expect(parseStatusAnswer(JSON.stringify([await live.pushed]))[0]).toEqual({ promptId, status: 'cancelled', completed: true, outputs: [] });
});

it('refused: one fallback reason, no sid, nothing pushed', async () => {
	emu.setBehaviour({ socketAuthRefused: 1 });
	const { live, fallbacks } = await follow();
	expect(live.sid).toBeUndefined();
	expect(fallbacks).toEqual([expect.stringMatching(/^the server refused the connection: Authentication failed/)]);
	expect(await settledWithin(live.pushed, 200)).toBe(false);
});

it('dropped mid-run: one fallback reason, nothing pushed, and the poll still finds the result', async () => {
	emu.setBehaviour({ hostedRunMs: 300, socketDropMidRun: 1 });
	const { live, lines, fallbacks } = await follow();
	const promptId = await submit(live.sid);
	expect(await settledWithin(live.pushed, 700)).toBe(false);
	expect(fallbacks).toEqual(['the server disconnected the socket']);
	expect(lines).toHaveLength(2);
	expect(await polledRecord(promptId)).toMatchObject({ status: 'success', outputs: [expect.objectContaining({ contentType: 'image/png' })] });
});

it('result never sent: nothing pushed, no fallback line (the socket is fine), the poll finds it', async () => {
	emu.setBehaviour({ hostedRunMs: 200, socketResultNeverSent: 1 });
	const { live, fallbacks } = await follow();
	const promptId = await submit(live.sid);
	expect(await settledWithin(live.pushed, 500)).toBe(false);
	expect(fallbacks).toEqual([]);
	expect((await polledRecord(promptId)).status).toBe('success');
});

it('close() (Stop): nothing pushed and no fallback line', async () => {
	emu.setBehaviour({ hostedRunMs: 60_000 });
	const { live, fallbacks } = await follow();
	await submit(live.sid);
	live.close();
	expect(await settledWithin(live.pushed, 200)).toBe(false);
	expect(fallbacks).toEqual([]);
});

(hasGlobalWebSocket() ? it.skip : it)('Node 20 without an injected WebSocket: one fallback reason naming the missing WebSocket', async () => {
	const { live, fallbacks } = await follow({ webSocket: undefined });
	expect(live.sid).toBeUndefined();
	expect(fallbacks).toEqual(['this runtime has no WebSocket (Node 22 or later has one)']);
});
