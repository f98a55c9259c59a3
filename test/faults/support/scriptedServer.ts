/**
 * A loopback server that plays a fixed script of answers, for the few faults the emulator cannot
 * produce: Retry-After on a cold-start status, outputs without `content_type`, output names with
 * `/` in them (the emulator keeps only the last path segment of a prefix, and busboy strips
 * directories from upload names before they could be echoed).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PNG } from 'pngjs';

export interface ScriptedOutput {
	filename: string;
	/** Omitted: the output has no `content_type` key at all. */
	contentType?: string;
	data: Buffer;
}

export type ScriptedAnswer =
	| { kind: 'status'; status: number; headers?: Record<string, string>; body: string }
	| { kind: 'result'; mode: 'wait' | 'stream'; outputs: ScriptedOutput[] };

export interface ScriptedRequest {
	time: string;
	method: string;
	headers: IncomingHttpHeaders;
	status: number;
}

export interface ScriptedServer {
	url: string;
	requests: ScriptedRequest[];
	close(): Promise<void>;
}

/** A real 2×2 PNG, so outputs are actual image bytes. */
export function tinyPng(): Buffer {
	const png = new PNG({ width: 2, height: 2 });
	png.data.fill(0x7f);
	return PNG.sync.write(png);
}

export function resultJson(outputs: readonly ScriptedOutput[]): string {
	return JSON.stringify({
		prompt_id: 'scripted-prompt',
		status: 'success',
		completed: true,
		execution_time_seconds: 0.1,
		prompt: {},
		outputs: outputs.map((o) => ({
			filename: o.filename,
			...(o.contentType === undefined ? {} : { content_type: o.contentType }),
			data: o.data.toString('base64'),
			size: o.data.length,
		})),
	});
}

/** Answers the n-th request with `script[n]`, and every later one with the last entry. */
export async function startScriptedServer(script: readonly ScriptedAnswer[]): Promise<ScriptedServer> {
	const requests: ScriptedRequest[] = [];
	const server = createServer((req, res) => {
		const answer = script[Math.min(requests.length, script.length - 1)];
		const status = answer.kind === 'status' ? answer.status : 201;
		requests.push({ time: new Date().toISOString(), method: req.method ?? 'GET', headers: req.headers, status });
		req.resume();
		req.on('end', () => {
			if (answer.kind === 'status') {
				res.writeHead(answer.status, { 'content-type': 'text/html; charset=utf-8', ...answer.headers });
				res.end(answer.body);
			} else if (answer.mode === 'wait') {
				res.writeHead(201, { 'content-type': 'application/json' });
				res.end(resultJson(answer.outputs));
			} else {
				res.writeHead(201, { 'content-type': 'text/event-stream' });
				res.end(`event: log_message\ndata: got prompt\n\nevent: prompt_result\ndata: ${resultJson(answer.outputs)}\n\n`);
			}
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/`,
		requests,
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}
