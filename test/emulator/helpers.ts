/**
 * Small clients for the emulator's own tests: real fetch/http requests, real PNG and SSE decoding.
 */
import { request as httpRequest } from 'node:http';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { PNG } from 'pngjs';
import { startEmulator, type EmulatorHandle, type StartEmulatorOptions } from './server';

export const CREDENTIALS = { client_id: 'test-id', client_secret: 'test-secret-value-123' };

export function startTestEmulator(options: StartEmulatorOptions = {}): Promise<EmulatorHandle> {
	return startEmulator({ clientId: CREDENTIALS.client_id, clientSecret: CREDENTIALS.client_secret, ...options });
}

/**
 * One emulator for a test file: started before all tests, closed after, and back to its starting
 * behaviour with an empty record before each test. `use` receives the handle once it is up.
 */
export function useSharedEmulator(use: (emu: EmulatorHandle) => void, options: StartEmulatorOptions = {}): void {
	let emu: EmulatorHandle;
	beforeAll(async () => {
		emu = await startTestEmulator(options);
		use(emu);
	});
	afterAll(() => emu.close());
	beforeEach(() => {
		emu.resetBehaviour();
		emu.clearRequests();
	});
}

export interface FilePartSpec {
	field: string;
	filename: string;
	type: string;
	data: Buffer;
}

export interface InferSpec {
	params?: unknown;
	logs?: boolean;
	workflowApi?: string;
	files?: FilePartSpec[];
	headers?: Record<string, string>;
	/** Send the right credentials (default true). */
	auth?: boolean;
	redirect?: 'follow' | 'manual' | 'error';
	path?: string;
}

/** A multipart infer call the way ViewComfy's TypeScript client builds it (global FormData + fetch). */
export function infer(emu: EmulatorHandle, spec: InferSpec = {}): Promise<Response> {
	const form = new FormData();
	if (spec.params !== undefined) form.set('params', typeof spec.params === 'string' ? spec.params : JSON.stringify(spec.params));
	form.set('logs', String(spec.logs ?? false));
	if (spec.workflowApi !== undefined) form.set('workflow_api', spec.workflowApi);
	for (const f of spec.files ?? []) form.set(f.field, new Blob([new Uint8Array(f.data)], { type: f.type }), f.filename);
	const url = new URL(spec.path ?? '/', emu.url).toString();
	return fetch(url, {
		method: 'POST',
		body: form,
		headers: { ...(spec.auth === false ? {} : CREDENTIALS), ...spec.headers },
		redirect: spec.redirect ?? 'follow',
	});
}

export interface ResultOutput {
	filename: string;
	content_type: string;
	data: string;
	size: number;
}

export interface ResultJson {
	prompt_id: string;
	status: string;
	completed: boolean;
	execution_time_seconds: number;
	prompt: Record<string, { inputs: Record<string, unknown>; class_type: string }>;
	outputs: ResultOutput[];
}

export async function inferJson(emu: EmulatorHandle, spec: InferSpec = {}): Promise<ResultJson> {
	const res = await infer(emu, spec);
	const text = await res.text();
	if (res.status !== 201) throw new Error(`expected 201, got ${res.status}: ${text}`);
	return JSON.parse(text) as ResultJson;
}

/** The JSON body of a response, as JSON.parse gives it: these tests inspect error and result shapes freely. */
export const json = async (res: Response) => JSON.parse(await res.text());

export const outputBytes = (output: ResultOutput): Buffer => Buffer.from(output.data, 'base64');

export function decodePng(bytes: Buffer): PNG {
	return PNG.sync.read(bytes);
}

/** Every SSE event of a finished response body. */
export function parseSse(body: string): EventSourceMessage[] {
	const events: EventSourceMessage[] = [];
	const parser = createParser({ onEvent: (e) => events.push(e) });
	parser.feed(body);
	return events;
}

export interface RawResult {
	status?: number;
	headers?: Record<string, string | string[] | undefined>;
	body: Buffer;
	/** The error that ended the exchange, e.g. ECONNRESET. */
	error?: NodeJS.ErrnoException;
}

/** A POST with node:http that reports what arrived before a connection failure instead of throwing. */
export function rawPost(url: string, body: string, headers: Record<string, string>): Promise<RawResult> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		const result: RawResult = { body: Buffer.alloc(0) };
		let settled = false;
		const finish = (error?: NodeJS.ErrnoException) => {
			if (settled) return;
			settled = true;
			result.body = Buffer.concat(chunks);
			result.error = error;
			resolve(result);
		};
		const req = httpRequest(url, { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body), connection: 'close' } }, (res) => {
			result.status = res.statusCode;
			result.headers = res.headers;
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => finish());
			res.on('error', finish);
			res.on('aborted', () => finish(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
		});
		req.on('error', finish);
		req.end(body);
	});
}

/** A urlencoded infer body, like Python httpx's `data=` without files. */
export function urlencoded(fields: Record<string, string>): string {
	return new URLSearchParams(fields).toString();
}
