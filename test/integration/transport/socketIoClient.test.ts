/**
 * The node's own Socket.IO client (transport/hosted/socketIoClient.ts) against the real `socket.io`
 * server of the emulator, over `ws` (injected: Node 20 has no global WebSocket; the node uses the
 * global on Node 22+): auth, sid routing, log lines, the result / error / cancel events, the
 * emulator's socket faults, ping/pong with a fast-pinging socket.io server, a server that stops
 * pinging (raw ws), and a hostile server that echoes the secret.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as SocketIoServer } from 'socket.io';
import { WebSocketServer } from 'ws';
import {
	hasGlobalWebSocket,
	logLines,
	openRunEvents,
	type OpenRunEventsOptions,
	type RunEvents,
	type WebSocketConstructor,
} from '../../../nodes/ViewComfy/transport/hosted/socketIoClient';
import { markReached } from '../../../nodes/ViewComfy/transport/hosted/reachedOrigin';
import type { EmulatorHandle } from '../../emulator/server';
import { CLIENT_ID, SECRET, WS, cancelRun, submitRun, useSocketEmulator } from './hostedSocketSupport';

let emu: EmulatorHandle;
const { closeAfterEach } = useSocketEmulator((e) => (emu = e));

async function open(options: Partial<OpenRunEventsOptions> = {}, lines: string[] = []): Promise<RunEvents> {
	const result = await openRunEvents({ origin: reached(emu.origin), clientId: CLIENT_ID, clientSecret: SECRET, webSocket: WS, onLog: (l) => lines.push(l), ...options });
	if (!result.ok) throw new Error(`expected a connection, got: ${result.reason}`);
	closeAfterEach(result.events);
	return result.events;
}

const submit = (sid: string) => submitRun(emu, sid);
/** These tests are about the protocol: the origin counts as reached (liveRun.test.ts reaches it for real). */
const reached = (origin: string) => markReached(new URL(origin));

describe('against the emulator (real socket.io server)', () => {
	it('connects with auth, gets the run\'s log lines in order and the pushed result within 100 ms of its emit', async () => {
		emu.setBehaviour({ hostedRunMs: 400 });
		const lines: string[] = [];
		const events = await open({}, lines);
		expect(emu.sockets).toEqual([expect.objectContaining({ accepted: true, sid: events.sid, transport: 'websocket', authKeys: ['client_id', 'client_secret'] })]);
		const promptId = await submit(events.sid);
		const outcome = await events.outcome;
		const receivedAt = Date.now();
		expect(outcome).toMatchObject({ kind: 'result', data: { prompt_id: promptId, status: 'success', completed: true, outputs: [expect.objectContaining({ content_type: 'image/png' })] } });
		expect(lines[0]).toBe('got prompt');
		expect(lines.at(-1)).toBe('Prompt executed in 0.40 seconds');
		expect(lines).toEqual(emu.sockets[0].events.filter((e) => e.event === 'infer_log_message').map(() => expect.any(String)));
		const sentAt = emu.sockets[0].events.at(-1)!;
		expect(sentAt.event).toBe('infer_result_message');
		expect(receivedAt - sentAt.atMs).toBeLessThan(100);
		// The client said goodbye: the server saw a client disconnect.
		await waitFor(() => emu.sockets[0].closedBy !== null);
		expect(emu.sockets[0].closedBy).toBe('client');
	});

	// Node 22+ (n8n 2.x on Node 24): the global WebSocket the shipped node uses does the whole run.
	(hasGlobalWebSocket() ? it : it.skip)('with the runtime\'s global WebSocket: logs and the pushed result', async () => {
		emu.setBehaviour({ hostedRunMs: 200 });
		const lines: string[] = [];
		const events = await open({ webSocket: undefined }, lines);
		const promptId = await submit(events.sid);
		expect(await events.outcome).toMatchObject({ kind: 'result', data: { prompt_id: promptId, status: 'success' } });
		expect(lines[0]).toBe('got prompt');
	});

	it('refuses a wrong secret with a reason that does not repeat it', async () => {
		const result = await openRunEvents({ origin: reached(emu.origin), clientId: CLIENT_ID, clientSecret: 'wrong-secret-000', webSocket: WS });
		expect(result).toEqual({ ok: false, reason: expect.stringMatching(/^the server refused the connection: Authentication failed/) });
		expect(JSON.stringify(result)).not.toContain('wrong-secret-000');
	});

	it('socketAuthRefused: the right pair refused is a failed open, not a throw', async () => {
		emu.setBehaviour({ socketAuthRefused: 1 });
		const result = await openRunEvents({ origin: reached(emu.origin), clientId: CLIENT_ID, clientSecret: SECRET, webSocket: WS });
		expect(result.ok).toBe(false);
		expect(emu.sockets[0].fault).toBe('socketAuthRefused');
	});

	it('socketDropMidRun: the outcome is lost, after the lines that came', async () => {
		emu.setBehaviour({ hostedRunMs: 400, socketDropMidRun: 1 });
		const lines: string[] = [];
		const events = await open({}, lines);
		await submit(events.sid);
		expect(await events.outcome).toEqual({ kind: 'lost', reason: 'the server disconnected the socket' });
		expect(lines).toHaveLength(2);
	});

	it('a failed run ends in the error event with its error_data', async () => {
		emu.setBehaviour({ hostedRunMs: 100, resultStatus: 'status-error' });
		const events = await open();
		await submit(events.sid);
		expect(await events.outcome).toMatchObject({ kind: 'error', data: { status: 'error', error_data: { errorType: 'ExecutionError' } } });
	});

	it('a cancel ends in the canceled event', async () => {
		emu.setBehaviour({ hostedRunMs: 60_000 });
		const events = await open();
		const promptId = await submit(events.sid);
		expect((await cancelRun(emu, promptId)).status).toBe(201);
		expect(await events.outcome).toMatchObject({ kind: 'canceled', data: { prompt_id: promptId } });
	});

	it('close() ends a waiting outcome as closed and disconnects from the server', async () => {
		emu.setBehaviour({ hostedRunMs: 60_000 });
		const events = await open();
		await submit(events.sid);
		events.close();
		expect(await events.outcome).toEqual({ kind: 'closed' });
		await waitFor(() => emu.sockets[0].closedBy !== null);
		expect(emu.sockets[0]).toMatchObject({ closedBy: 'client', disconnectReason: 'client namespace disconnect' });
	});

	it('the abort signal closes it (Stop), and an aborted signal never connects', async () => {
		const stop = new AbortController();
		const events = await open({ signal: stop.signal });
		stop.abort();
		expect(await events.outcome).toEqual({ kind: 'closed' });
		const already = await openRunEvents({ origin: reached(emu.origin), clientId: CLIENT_ID, clientSecret: SECRET, webSocket: WS, signal: AbortSignal.abort() });
		expect(already).toEqual({ ok: false, reason: 'stopped before the socket connected' });
	});

	it('a connection refused at TCP level is a failed open', async () => {
		const closed = createServer();
		await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
		const port = (closed.address() as AddressInfo).port;
		await new Promise((r) => closed.close(r));
		const result = await openRunEvents({ origin: reached(`http://127.0.0.1:${port}`), clientId: CLIENT_ID, clientSecret: SECRET, webSocket: WS });
		expect(result).toEqual({ ok: false, reason: expect.stringMatching(/WebSocket (connection failed|closed)/) });
	});
});

describe("only to an origin n8n's helpers just reached", () => {
	/** `ws`, counting the sockets made with it. */
	function countingWebSocket(): { impl: WebSocketConstructor; urls: string[] } {
		const urls: string[] = [];
		const impl = function (url: string) {
			urls.push(url);
			return new WS(url);
		} as unknown as WebSocketConstructor;
		return { impl, urls };
	}

	it('refuses a look-alike of a reached origin, and a reached origin used once already, without opening a socket', async () => {
		const { impl, urls } = countingWebSocket();
		const lookAlike = { origin: emu.origin };
		expect(await openRunEvents({ origin: lookAlike, clientId: CLIENT_ID, clientSecret: SECRET, webSocket: impl })).toEqual({
			ok: false,
			reason: "the socket's origin was not just reached through n8n's request helpers",
		});
		const once = reached(emu.origin);
		const first = await openRunEvents({ origin: once, clientId: CLIENT_ID, clientSecret: SECRET, webSocket: impl });
		expect(first.ok).toBe(true);
		if (first.ok) closeAfterEach(first.events);
		const second = await openRunEvents({ origin: once, clientId: CLIENT_ID, clientSecret: SECRET, webSocket: impl });
		expect(second).toEqual({ ok: false, reason: "the socket's origin was not just reached through n8n's request helpers" });
		// One socket, to the reached origin's own Socket.IO endpoint.
		expect(urls).toEqual([`${emu.origin.replace(/^http:/, 'ws:')}/socket.io/?EIO=4&transport=websocket`]);
		expect(emu.sockets).toHaveLength(1);
	});

	it('a reached origin keeps only the origin: no path, query or credentials of the URL it was reached at', () => {
		expect(reached(`${emu.origin}/api/workflow/infer/?prompt_ids=x`).origin).toBe(emu.origin);
		expect(Object.isFrozen(reached(emu.origin))).toBe(true);
	});
});

describe('ping/pong', () => {
	let http: HttpServer;
	let io: SocketIoServer;
	let origin: string;
	beforeAll(async () => {
		http = createServer();
		io = new SocketIoServer(http, { pingInterval: 50, pingTimeout: 100 });
		await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
		origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
	});
	afterAll(async () => {
		io.disconnectSockets(true);
		await new Promise((r) => io.close(r));
	});

	it('answers the server\'s pings, so a fast-pinging socket.io server keeps it past many ping timeouts', async () => {
		const disconnects: string[] = [];
		io.on('connection', (s) => s.on('disconnect', (reason) => disconnects.push(reason)));
		const result = await openRunEvents({ origin: reached(origin), clientId: CLIENT_ID, clientSecret: SECRET, webSocket: WS });
		if (!result.ok) throw new Error(result.reason);
		await sleep(600);
		expect(disconnects).toEqual([]);
		const [socket] = io.of('/').sockets.values();
		socket.emit('infer_result_message', { prompt_id: 'p', status: 'success' });
		expect(await result.events.outcome).toEqual({ kind: 'result', data: { prompt_id: 'p', status: 'success' } });
	});
});

/** A raw Engine.IO/Socket.IO server on ws, to script what the socket.io server would not do. */
async function scriptedServer(script: (send: (frame: string) => void, received: string[]) => void): Promise<{ origin: string; received: string[]; close(): Promise<void> }> {
	const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
	await new Promise((r) => server.once('listening', r));
	const received: string[] = [];
	server.on('connection', (ws) => {
		ws.on('message', (data) => received.push(String(data)));
		script((frame) => ws.send(frame), received);
	});
	return {
		origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		received,
		close: () => new Promise((r) => {
			for (const c of server.clients) c.terminate();
			server.close(() => r());
		}),
	};
}

describe('scripted servers', () => {
	it('a server that stops pinging is lost after pingInterval + pingTimeout', async () => {
		const server = await scriptedServer((send, received) => {
			send('0{"sid":"e1","upgrades":[],"pingInterval":100,"pingTimeout":100,"maxPayload":1000000}');
			const ack = () => (received.some((f) => f.startsWith('40')) ? send('40{"sid":"s1"}') : setTimeout(ack, 5));
			ack();
		});
		try {
			const result = await openRunEvents({ origin: reached(server.origin), clientId: CLIENT_ID, clientSecret: SECRET, webSocket: WS });
			if (!result.ok) throw new Error(result.reason);
			const started = Date.now();
			expect(await result.events.outcome).toEqual({ kind: 'lost', reason: 'the server stopped answering (no ping within its ping timeout)' });
			expect(Date.now() - started).toBeLessThan(1000);
			// The connect packet is the only frame that holds the secret, and it went only to this server.
			expect(server.received[0]).toBe(`40${JSON.stringify({ client_id: CLIENT_ID, client_secret: SECRET })}`);
		} finally {
			await server.close();
		}
	});

	it('a hostile server that echoes the secret: refusal reasons and log lines carry *** instead', async () => {
		const refusing = await scriptedServer((send) => {
			send('0{"sid":"e1","upgrades":[],"pingInterval":25000,"pingTimeout":20000}');
			send(`44${JSON.stringify({ message: `bad secret ${SECRET}` })}`);
		});
		const echoing = await scriptedServer((send, received) => {
			send('0{"sid":"e2","upgrades":[],"pingInterval":25000,"pingTimeout":20000}');
			const go = () => {
				if (!received.some((f) => f.startsWith('40'))) {
					setTimeout(go, 5);
					return;
				}
				send('40{"sid":"s2"}');
				send(`42${JSON.stringify(['infer_log_message', { message: `auth was ${SECRET}` }])}`);
				send(`42${JSON.stringify(['infer_result_message', { status: 'success' }])}`);
			};
			go();
		});
		try {
			const refused = await openRunEvents({ origin: reached(refusing.origin), clientId: CLIENT_ID, clientSecret: SECRET, webSocket: WS });
			expect(refused).toEqual({ ok: false, reason: 'the server refused the connection: bad secret ***' });
			const lines: string[] = [];
			const result = await openRunEvents({ origin: reached(echoing.origin), clientId: CLIENT_ID, clientSecret: SECRET, webSocket: WS, onLog: (l) => lines.push(l) });
			if (!result.ok) throw new Error(result.reason);
			expect(await result.events.outcome).toEqual({ kind: 'result', data: { status: 'success' } });
			expect(lines).toEqual(['auth was ***']);
			// It said goodbye on the Socket.IO level after the result.
			await waitFor(() => echoing.received.includes('41'));
		} finally {
			await refusing.close();
			await echoing.close();
		}
	});

	it('no connect ack within the connect timeout is a failed open', async () => {
		const silent = await scriptedServer((send) => send('0{"sid":"e3","upgrades":[],"pingInterval":25000,"pingTimeout":20000}'));
		try {
			const result = await openRunEvents({ origin: reached(silent.origin), clientId: CLIENT_ID, clientSecret: SECRET, webSocket: WS, connectTimeoutMs: 200 });
			expect(result).toEqual({ ok: false, reason: 'no connection within 200 ms' });
		} finally {
			await silent.close();
		}
	});
});

describe('log payloads and the runtime', () => {
	it.each([
		['a line', 'got prompt', ['got prompt']],
		['several lines', 'a\r\nb\n\n', ['a', 'b']],
		['an object with message', { prompt_id: 'p', message: ' 45%|████▌     | 9/20' }, [' 45%|████▌     | 9/20']],
		['another object', { progress: 3 }, ['{"progress":3}']],
	])('logLines reads %s', (_name, data, expected) => {
		expect(logLines(data)).toEqual(expected);
	});

	it('without an injected WebSocket it uses the global, or says there is none (Node 20)', async () => {
		const result = await openRunEvents({ origin: reached(emu.origin), clientId: CLIENT_ID, clientSecret: SECRET });
		if (hasGlobalWebSocket()) {
			expect(result.ok).toBe(true);
			if (result.ok) result.events.close();
		} else {
			expect(result).toEqual({ ok: false, reason: 'this runtime has no WebSocket (Node 22 or later has one)' });
		}
	});
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(check: () => boolean, ms = 3000): Promise<void> {
	const deadline = Date.now() + ms;
	while (!check()) {
		if (Date.now() > deadline) throw new Error('timed out');
		await sleep(5);
	}
}
