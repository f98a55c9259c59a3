/**
 * Real HTTP servers on 127.0.0.1 for the transport tests: every request is recorded (method,
 * path, headers, and the multipart body parsed by busboy) before the test's handler answers.
 */
import busboy from 'busboy';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedFile {
	name: string;
	filename: string;
	mimeType: string;
	size: number;
	sha256: string;
}

export interface ReceivedRequest {
	method: string;
	path: string;
	headers: IncomingMessage['headers'];
	/** Multipart fields, when the request had a multipart body. */
	fields: Record<string, string>;
	files: ReceivedFile[];
	/** Bytes of a body that was not multipart. */
	bodyBytes: number;
}

/** `n` counts requests to this server from 1. */
export type Handler = (req: IncomingMessage, res: ServerResponse, n: number, received: ReceivedRequest) => void | Promise<void>;

export interface LoopbackServer {
	/** `http://127.0.0.1:<port>` */
	origin: string;
	url(path: string): string;
	requests: ReceivedRequest[];
	/** Sockets that closed, counted: proves an abort reached the server. */
	closedSockets(): number;
	close(): Promise<void>;
}

export interface StartOptions {
	/** Read and parse the body before calling the handler (default true). */
	readBody?: boolean;
}

export async function startServer(handler: Handler, opts: StartOptions = {}): Promise<LoopbackServer> {
	const requests: ReceivedRequest[] = [];
	let closed = 0;
	const server: Server = createServer((req, res) => {
		const received: ReceivedRequest = {
			method: req.method ?? '',
			path: req.url ?? '',
			headers: req.headers,
			fields: {},
			files: [],
			bodyBytes: 0,
		};
		requests.push(received);
		const n = requests.length;
		const run = async () => {
			if (opts.readBody !== false) await readBody(req, received);
			await handler(req, res, n, received);
		};
		run().catch((err: unknown) => {
			if (!res.headersSent) res.writeHead(599, { 'content-type': 'text/plain' });
			res.end(`test server failure: ${(err as Error).message}`);
		});
	});
	server.on('connection', (socket) => {
		socket.setNoDelay(true);
		socket.on('close', () => closed++);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	const origin = `http://127.0.0.1:${port}`;
	return {
		origin,
		url: (path) => `${origin}${path}`,
		requests,
		closedSockets: () => closed,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

/**
 * `startServer` for one test file: each server is closed after its test.
 */
export function serversPerTest(): typeof startServer {
	const started: LoopbackServer[] = [];
	afterEach(async () => {
		await Promise.all(started.splice(0).map((s) => s.close()));
	});
	return async (handler, opts) => {
		const srv = await startServer(handler, opts);
		started.push(srv);
		return srv;
	};
}

/** A port nothing listens on. */
export async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

async function readBody(req: IncomingMessage, into: ReceivedRequest): Promise<void> {
	if (!String(req.headers['content-type'] ?? '').startsWith('multipart/form-data')) {
		for await (const chunk of req) into.bodyBytes += (chunk as Buffer).length;
		return;
	}
	await new Promise<void>((resolve, reject) => {
		const parser = busboy({ headers: req.headers, defParamCharset: 'utf8' });
		parser.on('field', (name, value) => {
			into.fields[name] = value;
		});
		parser.on('file', (name, stream, info) => {
			const hash = createHash('sha256');
			let size = 0;
			stream.on('data', (chunk: Buffer) => {
				hash.update(chunk);
				size += chunk.length;
			});
			stream.on('end', () => {
				into.files.push({ name, filename: info.filename ?? '', mimeType: info.mimeType, size, sha256: hash.digest('hex') });
			});
		});
		parser.on('close', resolve);
		parser.on('error', reject);
		req.pipe(parser);
	});
}

/** Writes `body` in pieces of `size` bytes, yielding between pieces so they travel apart. */
export async function writeInPieces(res: ServerResponse, body: Buffer, size: number): Promise<void> {
	for (let i = 0; i < body.length; i += size) {
		if (!res.write(body.subarray(i, i + size))) await new Promise((resolve) => res.once('drain', resolve));
		if ((i / size) % 16 === 0) await new Promise((resolve) => setImmediate(resolve));
	}
	res.end();
}

export function sha256(bytes: Buffer | Buffer[]): string {
	const hash = createHash('sha256');
	for (const chunk of Array.isArray(bytes) ? bytes : [bytes]) hash.update(chunk);
	return hash.digest('hex');
}
