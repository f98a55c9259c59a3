/**
 * Files a test puts up for the node to fetch by URL (file inputs given as links), on the
 * emulator's own loopback origin: `PUT /__emulator/input-files/<name>` stores the body with its
 * Content-Type; `GET /__input-files/<mode>/<name>` serves it. The mode shapes the answer:
 * `file` (200, as stored), `404` (an S3 NoSuchKey), `slow` (dripped at `dripBytesPerSecond`,
 * 1 kB/s by default), `html` (a sign-in page with 200), `oversize` (the file, then zeros without a
 * Content-Length, until the client hangs up or `INPUT_OVERSIZE_BYTES` went out).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorContext } from './context';
import { BodyWriter } from './body';
import { sendJson, type Exchange } from './exchange';

export const INPUT_FILES_PREFIX = '/__input-files';
export const INPUT_FILE_MODES = ['file', '404', 'slow', 'html', 'oversize'] as const;
export type InputFileMode = (typeof INPUT_FILE_MODES)[number];

/** More than the node's largest default Max Input Size (512 MB), so the default limit is what stops it. */
export const INPUT_OVERSIZE_BYTES = 600 * 1024 * 1024;
const SLOW_DEFAULT_BYTES_PER_SECOND = 1024;
const MAX_INPUT_FILE_BYTES = 256 * 1024 * 1024;

export interface StoredInputFile {
	bytes: Buffer;
	contentType: string;
}

export class InputFiles {
	private readonly files = new Map<string, StoredInputFile>();

	put(name: string, file: StoredInputFile): void {
		this.files.set(name, file);
	}

	get(name: string): StoredInputFile | undefined {
		return this.files.get(name);
	}

	clear(): void {
		this.files.clear();
	}
}

/** Control route: stores the request body as input file `name`. */
export async function putInputFile(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		size += (chunk as Buffer).length;
		if (size > MAX_INPUT_FILE_BYTES) {
			req.resume();
			return sendJson(res, 413, { error: `An input file may have at most ${MAX_INPUT_FILE_BYTES} bytes.` });
		}
		chunks.push(chunk as Buffer);
	}
	const contentType = req.headers['content-type'] ?? 'application/octet-stream';
	ctx.inputFiles.put(name, { bytes: Buffer.concat(chunks), contentType });
	const paths = Object.fromEntries(INPUT_FILE_MODES.map((mode) => [mode, `${INPUT_FILES_PREFIX}/${mode}/${encodeURIComponent(name)}`]));
	sendJson(res, 201, { name, size, contentType, paths });
}

export async function serveInputFile(ctx: EmulatorContext, ex: Exchange): Promise<void> {
	ex.req.resume();
	const [, , mode, namePart] = ex.pathname.split('/');
	const name = decodeURIComponent(namePart ?? '');
	const file = ctx.inputFiles.get(name);
	if (mode === '404' || !file || !(INPUT_FILE_MODES as readonly string[]).includes(mode)) {
		if (mode === '404') ex.markFault('inputFile404');
		return ex.text(404, 'application/xml', '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>');
	}
	if (mode === 'html') {
		ex.markFault('inputFileHtml');
		return ex.text(200, 'text/html; charset=utf-8', '<!doctype html><html><head><title>Sign in</title></head><body><form>Sign in to see this file</form></body></html>');
	}
	if (mode === 'oversize') {
		ex.markFault('inputFileOversize');
		ex.head(200, { 'content-type': file.contentType });
		const writer = new BodyWriter(ex.res, null, ctx.signal);
		const zeros = Buffer.alloc(1024 * 1024);
		if (!(await writer.write(file.bytes))) return;
		for (let sent = file.bytes.length; sent < INPUT_OVERSIZE_BYTES; sent += zeros.length) if (!(await writer.write(zeros))) return;
		return writer.end();
	}
	const drip = mode === 'slow' ? (ctx.state.current.dripBytesPerSecond ?? SLOW_DEFAULT_BYTES_PER_SECOND) : null;
	if (mode === 'slow') ex.markFault('inputFileSlow');
	ex.head(200, { 'content-type': file.contentType, 'content-length': file.bytes.length });
	const writer = new BodyWriter(ex.res, drip, ctx.signal);
	if (await writer.write(file.bytes)) writer.end();
}
