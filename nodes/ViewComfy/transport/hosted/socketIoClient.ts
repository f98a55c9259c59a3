/**
 * A small Socket.IO v5 client over Engine.IO v4 on the runtime's global WebSocket (Node 22+), for
 * the hosted API's run events only: connect with auth, answer pings, receive events, disconnect.
 * socket.io-client cannot ship in a verified package (no runtime dependencies, no timers), so this
 * speaks just these frames:
 *
 *   server `0{"sid",pingInterval,pingTimeout,…}`  Engine.IO open
 *   client `40{auth}`                              Socket.IO CONNECT to "/" (holds the secret: never logged)
 *   server `40{"sid"}` | `44{"message"}`           connected (that sid goes in the submit) | refused
 *   server `2` → client `3`                        ping / pong; no ping within pingInterval + pingTimeout = lost
 *   server `42[event, data]`                       an event
 *   server `41` | client `41`                      disconnect
 *
 * One socket per run: every event it hears belongs to the run that named its sid.
 *
 * The socket does not pass through n8n's request helpers (nor its SSRF protection): it connects
 * only to a ReachedOrigin, the hosted API's origin right after a request through those helpers
 * reached it (reachedOrigin.ts), each ReachedOrigin once.
 */
import { useReachedOrigin, type ReachedOrigin } from './reachedOrigin';

/** The part of the WHATWG WebSocket this client uses (the global one, or `ws` in tests on Node 20). */
export interface WebSocketLike {
	readonly readyState: number;
	send(data: string): void;
	close(code?: number, reason?: string): void;
	addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: { data?: unknown; code?: number; reason?: string }) => void): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

// The runtime's global (undefined on Node 20); not in the build's lib, so declared here.
declare const WebSocket: WebSocketConstructor | undefined;

const OPEN = 1;

export const RUN_EVENTS = {
	log: 'infer_log_message',
	error: 'infer_error_message',
	result: 'infer_result_message',
	canceled: 'infer_canceled_message',
} as const;

/** How the run's event stream ended. `lost`: the socket failed, so the caller polls the status instead. */
export type RunEventsOutcome =
	| { kind: 'result'; data: unknown }
	| { kind: 'error'; data: unknown }
	| { kind: 'canceled'; data: unknown }
	| { kind: 'lost'; reason: string }
	| { kind: 'closed' };

export interface RunEvents {
	/** The Socket.IO id: send it as the submit's `sid` field. */
	sid: string;
	/** Settles once, with the run's end or the socket's loss; never rejects. */
	outcome: Promise<RunEventsOutcome>;
	/** Disconnects (idempotent); a pending outcome becomes `closed`. */
	close(): void;
}

export type OpenRunEventsResult = { ok: true; events: RunEvents } | { ok: false; reason: string };

export interface OpenRunEventsOptions {
	/**
	 * The hosted API's origin, e.g. `https://api.viewcomfy.com` (the credential's own origin), as
	 * HostedApiClient.reachOrigin hands it out after reaching it through n8n's helpers.
	 */
	origin: ReachedOrigin;
	clientId: string;
	clientSecret: string;
	/** Stops connecting, or closes the socket (the execution's cancel signal). */
	signal?: AbortSignal;
	/** Each log line the run sends. */
	onLog?: (line: string) => void;
	/** Give up connecting after this long. Default 10 s. */
	connectTimeoutMs?: number;
	/** Tests on Node 20 pass one; the node always uses the runtime's global. */
	webSocket?: WebSocketConstructor;
}

/** Whether this runtime has a global WebSocket (Node 22+), i.e. whether live hosted logs are possible. */
export function hasGlobalWebSocket(): boolean {
	return typeof WebSocket !== 'undefined';
}

/** The WebSocket a socket would use: the one given (tests on Node 20), else the runtime's global. */
export function webSocketImpl(given?: WebSocketConstructor): WebSocketConstructor | undefined {
	return given ?? (typeof WebSocket === 'undefined' ? undefined : WebSocket);
}

export const NO_WEBSOCKET = 'this runtime has no WebSocket (Node 22 or later has one)';

export function socketUrl(origin: string): string {
	const url = new URL('/socket.io/', origin);
	url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
	url.search = 'EIO=4&transport=websocket';
	return url.toString();
}

/** Log lines from an `infer_log_message` payload: a text, or an object holding one. */
export function logLines(data: unknown): string[] {
	let text: string;
	if (typeof data === 'string') text = data;
	else if (data && typeof data === 'object') {
		const record = data as Record<string, unknown>;
		const field = ['message', 'log', 'text', 'line'].find((key) => typeof record[key] === 'string');
		text = field ? (record[field] as string) : JSON.stringify(data);
	} else text = String(data);
	return text.split(/\r?\n/).filter((line) => line.trim() !== '');
}

interface EngineOpen {
	pingInterval: number;
	pingTimeout: number;
}

/**
 * Connects and authenticates. Resolves `{ok: false, reason}` (never rejects) when there is no
 * WebSocket, the origin was not just reached through n8n's helpers, the server refuses the
 * credentials, or the connection fails: the caller then polls.
 * No reason ever contains the secret, even when a server echoes it.
 */
export function openRunEvents(options: OpenRunEventsOptions): Promise<OpenRunEventsResult> {
	const Impl = webSocketImpl(options.webSocket);
	if (!Impl) return Promise.resolve({ ok: false, reason: NO_WEBSOCKET });
	// The one place a socket is opened, and only to the origin a request through n8n's helpers
	// (so n8n's SSRF protection) has just reached: any other origin, or a second use, is refused.
	const origin = useReachedOrigin(options.origin);
	if (origin === undefined) {
		return Promise.resolve({ ok: false, reason: "the socket's origin was not just reached through n8n's request helpers" });
	}
	const redact = (text: string) => (options.clientSecret ? text.split(options.clientSecret).join('***') : text);

	if (options.signal?.aborted) return Promise.resolve({ ok: false, reason: 'stopped before the socket connected' });

	return new Promise<OpenRunEventsResult>((resolveOpen) => {
		let socket: WebSocketLike;
		try {
			socket = new Impl(socketUrl(origin));
		} catch (error) {
			resolveOpen({ ok: false, reason: redact(`the socket could not be opened (${(error as Error).message})`) });
			return;
		}
		let connected = false;
		let settled = false;
		let resolveOutcome: (outcome: RunEventsOutcome) => void = () => undefined;
		const outcome = new Promise<RunEventsOutcome>((resolve) => (resolveOutcome = resolve));
		let pingDeadline: AbortSignal | null = null;
		const connectDeadline = AbortSignal.timeout(options.connectTimeoutMs ?? 10_000);

		const cleanup = () => {
			pingDeadline?.removeEventListener('abort', onPingTimeout);
			connectDeadline.removeEventListener('abort', onConnectTimeout);
			options.signal?.removeEventListener('abort', onAbort);
		};
		/**
		 * Ends everything once: before the connect ack it is a failed open, after it the run's outcome.
		 * `sayGoodbye`: send Socket.IO's disconnect first; `socketIsDead`: the WebSocket already failed or closed.
		 */
		const finish = (end: RunEventsOutcome, sayGoodbye: boolean, socketIsDead = false) => {
			if (settled) return;
			settled = true;
			cleanup();
			if (sayGoodbye && socket.readyState === OPEN) socket.send('41');
			if (!socketIsDead && socket.readyState <= OPEN) socket.close(1000);
			if (connected) resolveOutcome(end);
			else resolveOpen({ ok: false, reason: end.kind === 'lost' ? end.reason : 'stopped before the socket connected' });
		};
		const close = () => finish({ kind: 'closed' }, true);

		function onPingTimeout() {
			finish({ kind: 'lost', reason: 'the server stopped answering (no ping within its ping timeout)' }, false);
		}
		function onConnectTimeout() {
			finish({ kind: 'lost', reason: `no connection within ${options.connectTimeoutMs ?? 10_000} ms` }, false);
		}
		function onAbort() {
			close();
		}
		const expectPing = (open: EngineOpen) => {
			pingDeadline?.removeEventListener('abort', onPingTimeout);
			pingDeadline = AbortSignal.timeout(open.pingInterval + open.pingTimeout);
			pingDeadline.addEventListener('abort', onPingTimeout);
		};

		options.signal?.addEventListener('abort', onAbort);
		connectDeadline.addEventListener('abort', onConnectTimeout);

		let engine: EngineOpen | null = null;
		socket.addEventListener('message', (event) => {
			if (settled || typeof event.data !== 'string') return;
			const frame = event.data;
			const type = frame[0];
			if (type === '0') {
				engine = parseEngineOpen(frame.slice(1));
				if (!engine) return finish({ kind: 'lost', reason: 'the server sent an Engine.IO open packet this client cannot read' }, false);
				expectPing(engine);
				socket.send(`40${JSON.stringify({ client_id: options.clientId, client_secret: options.clientSecret })}`);
			} else if (type === '2') {
				if (engine) expectPing(engine);
				socket.send('3');
			} else if (type === '1') {
				finish({ kind: 'lost', reason: 'the server closed the connection' }, false);
			} else if (type === '4') {
				onSocketIoPacket(frame.slice(1));
			}
		});
		socket.addEventListener('error', () => {
			finish({ kind: 'lost', reason: 'the WebSocket connection failed' }, false, true);
		});
		socket.addEventListener('close', (event) => {
			finish({ kind: 'lost', reason: `the WebSocket closed (code ${event.code ?? 'none'})` }, false, true);
		});

		function onSocketIoPacket(packet: string) {
			const type = packet[0];
			// Only the default namespace is used; its packets carry no "/nsp," prefix.
			const body = packet.slice(1);
			if (type === '0' && !connected) {
				const ack = parseJson(body) as { sid?: unknown } | undefined;
				if (typeof ack?.sid !== 'string') return finish({ kind: 'lost', reason: 'the server accepted the connection without a socket id' }, false);
				connected = true;
				connectDeadline.removeEventListener('abort', onConnectTimeout);
				resolveOpen({ ok: true, events: { sid: ack.sid, outcome, close } });
			} else if (type === '4') {
				const refusal = parseJson(body) as { message?: unknown } | undefined;
				const message = typeof refusal?.message === 'string' ? refusal.message : body;
				finish({ kind: 'lost', reason: redact(`the server refused the connection: ${message}`) }, false);
			} else if (type === '1') {
				finish({ kind: 'lost', reason: 'the server disconnected the socket' }, false);
			} else if (type === '2') {
				onEvent(body.replace(/^\d+/, ''));
			}
		}

		function onEvent(json: string) {
			const list = parseJson(json);
			if (!Array.isArray(list) || typeof list[0] !== 'string') return;
			const [name, data] = list as [string, unknown];
			if (name === RUN_EVENTS.log) {
				for (const line of logLines(data)) options.onLog?.(redact(line));
			} else if (name === RUN_EVENTS.result) finish({ kind: 'result', data }, true);
			else if (name === RUN_EVENTS.error) finish({ kind: 'error', data }, true);
			else if (name === RUN_EVENTS.canceled) finish({ kind: 'canceled', data }, true);
		}
	});
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

function parseEngineOpen(text: string): EngineOpen | null {
	const open = parseJson(text) as Partial<EngineOpen> | undefined;
	if (typeof open?.pingInterval !== 'number' || typeof open.pingTimeout !== 'number') return null;
	return { pingInterval: open.pingInterval, pingTimeout: open.pingTimeout };
}
