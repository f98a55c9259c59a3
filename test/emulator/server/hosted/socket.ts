/**
 * The hosted API's Socket.IO endpoint (a real `socket.io` server on the same origin): a client
 * connects with `auth: {client_id, client_secret}`, sends its socket id as the submit's `sid`
 * field, and receives that run's events: `infer_log_message` lines while it runs, then
 * `infer_result_message` (snake_case result with pre-signed links), `infer_error_message` or
 * `infer_canceled_message`. Timed on the run's own clock, so a status poll and the pushed
 * result agree on when the run ended.
 */
import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { BehaviourState } from '../behaviour';
import { consoleLines } from '../console-log';
import { samplerSteps } from '../outputs';
import type { RecordedSocket } from '../types';
import type { LinkSigner } from './links';
import { runRecord, type HostedRun } from './runs';

export const SOCKET_EVENTS = {
	log: 'infer_log_message',
	error: 'infer_error_message',
	result: 'infer_result_message',
	canceled: 'infer_canceled_message',
} as const;

interface HubOptions {
	state: BehaviourState;
	clientId: string;
	clientSecret: string;
	signer: LinkSigner;
}

interface RoutedRun {
	socket: Socket;
	record: RecordedSocket;
	timers: NodeJS.Timeout[];
}

export class HostedSocketHub {
	private readonly io: Server;
	private readonly records: RecordedSocket[] = [];
	private readonly routed = new Map<string, RoutedRun>();
	/** The record of each open socket, by id (kept even when the log is cleared). */
	private readonly open = new Map<string, RecordedSocket>();
	private nextId = 1;

	constructor(
		httpServer: HttpServer,
		private readonly options: HubOptions,
	) {
		this.io = new Server(httpServer, { serveClient: false });
		this.io.use((socket, next) => {
			const record = this.recordConnect(socket);
			const refusal = this.refusal(socket.handshake.auth, record);
			if (refusal) {
				record.refusal = refusal;
				return next(new Error(refusal));
			}
			record.accepted = true;
			record.sid = socket.id;
			this.open.set(socket.id, record);
			socket.on('disconnect', (reason) => {
				this.open.delete(socket.id);
				record.closedBy = reason === 'server namespace disconnect' ? 'server' : 'client';
				record.disconnectReason = reason;
			});
			next();
		});
	}

	/** Every socket connection attempt, in arrival order (the secret is never stored). */
	get all(): RecordedSocket[] {
		return this.records;
	}

	clear(): void {
		this.records.length = 0;
	}

	/** Whether a connected socket has this id, i.e. a submit naming it as `sid` gets the run's events. */
	has(sid: string): boolean {
		return this.io.of('/').sockets.has(sid);
	}

	/**
	 * Sends the run's events to socket `sid` on the run's clock: log lines spread over the run,
	 * then its end. `origin` is where the submit came from, for the download links.
	 */
	route(run: HostedRun, sid: string, origin: string): boolean {
		const socket = this.io.of('/').sockets.get(sid);
		const record = this.open.get(sid);
		if (!socket || !record) return false;
		const b = this.options.state.current;
		const dropMidRun = this.options.state.take('socketDropMidRun');
		const withholdResult = this.options.state.take('socketResultNeverSent');
		const routed: RoutedRun = { socket, record, timers: [] };
		this.routed.set(run.promptId, routed);

		const lines = consoleLines(samplerSteps(run.prompt), run.durationMs / 1000);
		const gap = run.durationMs / lines.length;
		// A timer may fire a millisecond before Date.now() reaches the time it was set for (the event
		// loop's clock is not the wall clock): waits again until it has, so a run's end is never
		// pushed while a status request at that moment would still find it running.
		const at = (ms: number, action: () => void) => {
			const wait = () => routed.timers.push(setTimeout(due, Math.max(0, run.createdAtMs + ms - Date.now())));
			const due = () => (Date.now() < run.createdAtMs + ms ? wait() : action());
			wait();
		};
		lines.forEach((line, i) => {
			at(i * gap, () => {
				this.emit(routed, SOCKET_EVENTS.log, line);
				if (dropMidRun && i === 1) {
					record.fault = 'socketDropMidRun';
					this.stop(run.promptId);
					socket.disconnect(true);
				}
			});
		});
		if (run.outcome === 'stuck') return true;
		at(run.durationMs, () => {
			this.routed.delete(run.promptId);
			if (withholdResult) {
				record.fault = 'socketResultNeverSent';
				return;
			}
			const link = { signer: this.options.signer, origin, ttlSeconds: b.hostedLinkTtlSeconds };
			const finished = runRecord(run, Date.now(), link);
			if (run.outcome === 'error') {
				this.emit(routed, SOCKET_EVENTS.error, { prompt_id: run.promptId, status: 'error', error_data: finished.errorData });
				return;
			}
			this.emit(routed, SOCKET_EVENTS.result, {
				prompt_id: finished.promptId,
				status: finished.status,
				completed: finished.completed,
				execution_time_seconds: finished.executionTimeSeconds,
				prompt: finished.prompt,
				outputs: finished.outputs.map((o) => ({ filename: o.filename, content_type: o.contentType, size: o.size, filepath: o.filepath })),
				error_data: finished.errorData,
			});
		});
		return true;
	}

	/** A cancel arrived for a run that was still going: its socket hears so, and nothing more. */
	cancelled(run: HostedRun): void {
		const routed = this.routed.get(run.promptId);
		if (!routed) return;
		this.stop(run.promptId);
		this.emit(routed, SOCKET_EVENTS.canceled, { prompt_id: run.promptId, message: 'The run was cancelled' });
	}

	close(): void {
		for (const promptId of [...this.routed.keys()]) this.stop(promptId);
		this.io.disconnectSockets(true);
		this.io.engine.close();
	}

	private stop(promptId: string): void {
		for (const timer of this.routed.get(promptId)?.timers ?? []) clearTimeout(timer);
		this.routed.delete(promptId);
	}

	private emit(routed: RoutedRun, event: string, payload: unknown): void {
		if (!routed.socket.connected) return;
		routed.record.events.push({ event, time: new Date().toISOString(), atMs: Date.now() });
		routed.socket.emit(event, payload);
	}

	private recordConnect(socket: Socket): RecordedSocket {
		const auth = socket.handshake.auth as Record<string, unknown>;
		const record: RecordedSocket = {
			id: this.nextId++,
			time: new Date().toISOString(),
			sid: null,
			accepted: false,
			refusal: null,
			fault: null,
			transport: socket.conn.transport.name,
			authKeys: Object.keys(auth ?? {}),
			events: [],
			closedBy: null,
			disconnectReason: null,
		};
		this.records.push(record);
		return record;
	}

	private refusal(auth: unknown, record: RecordedSocket): string | null {
		if (this.options.state.take('socketAuthRefused')) {
			record.fault = 'socketAuthRefused';
			return 'Authentication failed: the server refused this connection.';
		}
		const given = (auth ?? {}) as Record<string, unknown>;
		if (given.client_id !== this.options.clientId || given.client_secret !== this.options.clientSecret) {
			// Never repeats what was sent: a wrong secret may be a real one for something else.
			return 'Authentication failed: send auth {client_id, client_secret} with the deployment\'s API keys.';
		}
		return null;
	}
}
