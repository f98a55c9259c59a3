/**
 * transport/hosted/liveRun against the emulator's real socket.io server (over `ws`, injected on
 * Node 20): the pushed end read by the status answer's reader, and one fallback reason, given once,
 * whenever the socket cannot help (no WebSocket, refused, dropped), with the run still found by a poll.
 */
import { hasGlobalWebSocket } from '../../../nodes/ViewComfy/transport/hosted/socketIoClient';
import { openLiveRun, type LiveRun, type LiveRunOptions } from '../../../nodes/ViewComfy/transport/hosted/liveRun';
import { parseStatusAnswer } from '../../../nodes/ViewComfy/transport/hosted/hostedRecords';
import type { EmulatorHandle } from '../../emulator/server';
import type { WebSocketConstructor } from '../../../nodes/ViewComfy/transport/hosted/socketIoClient';
import { SsrfRefusedError } from '../../../nodes/ViewComfy/transport/http/errors';
import type { N8nHttp } from '../../../nodes/ViewComfy/transport/http/n8nHttp';
import { ssrfRefusal } from '../../fakes/ssrfRefusal';
import { CLIENT_ID, SECRET, WS, cancelRun, hostedClientOf, quickScope, reachThroughHelpers, statusText, submitRun, useSocketEmulator } from './hostedSocketSupport';

let emu: EmulatorHandle;
const { closeAfterEach } = useSocketEmulator((e) => (emu = e));

interface Followed {
	live: LiveRun;
	lines: string[];
	fallbacks: string[];
}

async function follow(options: Partial<LiveRunOptions> = {}): Promise<Followed> {
	const lines: string[] = [];
	const fallbacks: string[] = [];
	const live = await openLiveRun({
		reach: async () => await reachThroughHelpers(emu),
		clientId: CLIENT_ID,
		clientSecret: SECRET,
		webSocket: WS,
		onLog: (line) => lines.push(line),
		onFallback: (reason) => fallbacks.push(reason),
		...options,
	});
	closeAfterEach(live);
	return { live, lines, fallbacks };
}

const submit = (sid: string | undefined) => submitRun(emu, sid);
const polledRecord = async (promptId: string) => parseStatusAnswer(await statusText(emu, promptId))[0];

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
	expect((await cancelRun(emu, promptId)).status).toBe(201);
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
	// No socket to open: the origin is not reached for one either.
	expect(emu.requests).toEqual([]);
});

describe("the socket connects only right after a request through n8n's helpers reached the API's origin", () => {
	it('the status request through the helper comes first, then one socket to that same origin', async () => {
		emu.setBehaviour({ hostedRunMs: 100 });
		const { live } = await follow();
		expect(live.sid).toEqual(expect.any(String));
		const [reachedBy] = emu.requests;
		expect(emu.requests).toHaveLength(1);
		expect(reachedBy).toMatchObject({ kind: 'hosted-status', status: 200, path: '/api/workflow/infer/?prompt_ids=00000000-0000-0000-0000-000000000000' });
		expect(emu.sockets).toEqual([expect.objectContaining({ accepted: true, sid: live.sid })]);
		expect(Date.parse(emu.sockets[0].time)).toBeGreaterThanOrEqual(Date.parse(reachedBy.time));
	});

	it("when n8n's SSRF protection refuses the origin: no socket is opened, and the refusal is what the run fails with", async () => {
		const urls: string[] = [];
		const counting = function (url: string) {
			urls.push(url);
			return new WS(url);
		} as unknown as WebSocketConstructor;
		const refusing: N8nHttp = { plain: async () => await Promise.reject(ssrfRefusal('127.0.0.1')), withCredentials: async () => await Promise.reject(ssrfRefusal('127.0.0.1')) };
		const scope = quickScope();
		const failed = await openLiveRun({
			reach: async () => await hostedClientOf(emu, refusing).reachOrigin(scope),
			clientId: CLIENT_ID,
			clientSecret: SECRET,
			webSocket: counting,
			onLog: () => undefined,
			onFallback: () => undefined,
		}).then(
			() => undefined,
			(error: unknown) => error,
		);
		scope.deadline.dispose();
		expect(failed).toBeInstanceOf(SsrfRefusedError);
		expect(failed).toMatchObject({ kind: 'hostedApi', shownUrl: `${emu.origin}/api/workflow/infer/` });
		expect(urls).toEqual([]);
		expect(emu.sockets).toEqual([]);
		expect(emu.requests).toEqual([]);
	});
});
