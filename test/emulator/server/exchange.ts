/**
 * One request/response pair: every answer goes through here so the record learns its status and fault.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { maskHeaders, type RequestLog } from './record';
import type { RecordedRequest } from './types';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
	const text = JSON.stringify(body);
	res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
	res.end(text);
}

export class Exchange {
	readonly record: RecordedRequest;
	private readonly started = performance.now();

	constructor(
		readonly req: IncomingMessage,
		readonly res: ServerResponse,
		log: RequestLog,
		kind: RecordedRequest['kind'],
	) {
		this.record = log.add({
			time: new Date().toISOString(),
			method: req.method ?? 'GET',
			path: req.url ?? '/',
			headers: maskHeaders(req.headers),
			contentType: req.headers['content-type'] ?? null,
			kind,
			form: null,
			files: [],
			status: null,
			fault: null,
			durationMs: null,
		});
		// Stamped when our side ends the answer, before the client can see its last byte, so a test
		// that reads the record right after a response finds it filled ('close' may come later).
		const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
		res.end = ((...args: unknown[]) => {
			this.stampDuration();
			return end(...args);
		}) as ServerResponse['end'];
		res.on('close', () => this.stampDuration());
	}

	private stampDuration(): void {
		this.record.durationMs ??= Math.round(performance.now() - this.started);
	}

	/** Path without the query string. */
	get pathname(): string {
		return new URL(this.req.url ?? '/', 'http://emulator').pathname;
	}

	/** The origin the client used to reach us, so same-origin redirects stay same-origin for it. */
	get clientOrigin(): string {
		return `http://${this.req.headers.host ?? 'localhost'}`;
	}

	markFault(fault: string): void {
		this.record.fault = fault;
	}

	head(status: number, headers: OutgoingHttpHeaders): void {
		this.record.status = status;
		this.res.writeHead(status, headers);
	}

	json(status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
		this.record.status = status;
		sendJson(this.res, status, body, headers);
	}

	text(status: number, contentType: string, body: string, headers: OutgoingHttpHeaders = {}): void {
		this.head(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), ...headers });
		this.res.end(body);
	}

	redirect(status: number, location: string): void {
		this.text(status, 'text/plain; charset=utf-8', `Redirecting to ${location}`, { location });
	}

	/** Destroys the connection with no response at all. */
	reset(fault: string): void {
		this.markFault(fault);
		this.stampDuration();
		this.req.socket.destroy();
	}

	/** Writes `chunk` (after the headers already sent) and destroys the connection once it is flushed. */
	writeThenReset(chunk: Buffer | string, fault: string): void {
		this.markFault(fault);
		this.res.write(chunk, () => {
			this.stampDuration();
			this.req.socket.destroy();
		});
	}
}
