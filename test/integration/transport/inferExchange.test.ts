/**
 * infer() against real loopback servers: what goes on the wire, how JSON and SSE answers of
 * several MB arriving in small pieces are decoded, and how redirects are followed.
 */
import { InferRedirectError, OutputTooLargeError } from '../../../nodes/ViewComfy/transport/http/errors';
import { infer } from '../../../nodes/ViewComfy/transport/direct/infer';
import { CLIENT_ID, CLIENT_SECRET, connectionTo, errorTexts, options, rejectionOf, request, resultJson } from './fixtures';
import { serversPerTest, sha256, writeInPieces } from './loopback';
import { seededBytes } from '../../unit/transport/pieces';

const server = serversPerTest();

const png = seededBytes(3000, 21);

describe('infer: the request on the wire', () => {
	it('sends the credentials and a multipart body with params, logs, workflow_api and files', async () => {
		const mask = seededBytes(777, 5);
		const srv = await server((_req, res) => {
			res.writeHead(201, { 'content-type': 'application/json' });
			res.end(resultJson([{ filename: 'out.png', contentType: 'image/png', bytes: png }]));
		});
		const workflowApi = JSON.stringify({ '3': { inputs: { seed: 1 }, class_type: 'KSampler' } });
		const result = await infer(
			connectionTo(srv.url('/api/infer')),
			request({
				workflowApi,
				files: [
					{ key: '52-inputs-image', fileName: 'chat noir é.png', mimeType: 'image/png', data: png },
					{ key: '52-inputs-image-viewcomfymask', fileName: 'mask.png', mimeType: 'image/png', data: mask },
				],
			}),
			options(),
		);

		expect(srv.requests).toHaveLength(1);
		const [received] = srv.requests;
		expect(received.method).toBe('POST');
		expect(received.path).toBe('/api/infer');
		expect(received.headers.client_id).toBe(CLIENT_ID);
		expect(received.headers.client_secret).toBe(CLIENT_SECRET);
		expect(received.headers.authorization).toBeUndefined();
		expect(received.fields).toEqual({
			params: JSON.stringify({ '6-inputs-text': 'a cat', '3-inputs-seed': 42 }),
			logs: 'false',
			workflow_api: workflowApi,
		});
		expect(received.files).toEqual([
			{ name: '52-inputs-image', filename: 'chat noir é.png', mimeType: 'image/png', size: png.length, sha256: sha256(png) },
			{ name: '52-inputs-image-viewcomfymask', filename: 'mask.png', mimeType: 'image/png', size: mask.length, sha256: sha256(mask) },
		]);

		expect(result.meta).toEqual({
			prompt_id: 'prompt-1',
			status: 'success',
			completed: true,
			execution_time_seconds: 2.5,
			prompt: { '3': { inputs: { seed: 42 }, class_type: 'KSampler' } },
		});
		expect(result.outputs.map((o) => [o.filename, o.contentType, o.declaredSize, sha256(o.chunks)])).toEqual([
			['out.png', 'image/png', png.length, sha256(png)],
		]);
		expect(result.logs).toEqual([]);
	});

	it('leaves workflow_api out when there is none, and sends logs=true for a stream', async () => {
		const srv = await server((_req, res) => {
			res.writeHead(201, { 'content-type': 'application/json' });
			res.end(resultJson([]));
		});
		await infer(connectionTo(srv.url('/')), request({ logs: true }), options());
		expect(Object.keys(srv.requests[0].fields).sort()).toEqual(['logs', 'params']);
		expect(srv.requests[0].fields.logs).toBe('true');
	});
});

describe('infer: answers of several MB in small pieces', () => {
	const video = seededBytes(3 * 1024 * 1024 + 11, 77);
	const outputs = [
		{ filename: 'clip.mp4', contentType: 'video/mp4', bytes: video },
		{ filename: 'still.png', contentType: 'image/png', bytes: png },
	];

	it('decodes a JSON answer', async () => {
		const srv = await server(async (_req, res) => {
			res.writeHead(201, { 'content-type': 'application/json' });
			await writeInPieces(res, Buffer.from(resultJson(outputs)), 1021);
		});
		const result = await infer(connectionTo(srv.url('/')), request(), options());
		expect(result.outputs.map((o) => [o.filename, o.byteLength, sha256(o.chunks)])).toEqual([
			['clip.mp4', video.length, sha256(video)],
			['still.png', png.length, sha256(png)],
		]);
	});

	it('decodes an SSE answer and passes the log lines on as they come', async () => {
		const srv = await server(async (_req, res) => {
			res.writeHead(201, { 'content-type': 'text/event-stream; charset=utf-8' });
			const events =
				'event: log_message\ndata: got prompt\n\n' +
				'event: log_message\ndata:  50%|█████     | 10/20\n\n' +
				`event: prompt_result\ndata: ${resultJson(outputs)}\n\n`;
			await writeInPieces(res, Buffer.from(events), 997);
		});
		const lines: string[] = [];
		const result = await infer(connectionTo(srv.url('/')), request({ logs: true }), options({ onLog: (line) => lines.push(line) }));
		expect(lines).toEqual(['got prompt', ' 50%|█████     | 10/20']);
		expect(result.logs).toEqual(lines);
		expect(result.outputs.map((o) => [o.filename, sha256(o.chunks)])).toEqual([
			['clip.mp4', sha256(video)],
			['still.png', sha256(png)],
		]);
	});

	it('stops reading an SSE answer at prompt_result, even if the server keeps the stream open', async () => {
		let serverSawClose = false;
		const srv = await server((req, res) => {
			res.writeHead(201, { 'content-type': 'text/event-stream' });
			res.write(`event: prompt_result\ndata: ${resultJson([{ filename: 'a.png', contentType: 'image/png', bytes: png }])}\n\n`);
			req.socket.on('close', () => {
				serverSawClose = true;
			});
			// Never ends: a reader that waited for the end would hang until the test timeout.
		});
		const result = await infer(connectionTo(srv.url('/')), request({ logs: true }), options());
		expect(sha256(result.outputs[0].chunks)).toBe(sha256(png));
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(serverSawClose).toBe(true);
	});

	it('reads a JSON answer to a logs=true request as JSON', async () => {
		const srv = await server((_req, res) => {
			res.writeHead(201, { 'content-type': 'application/json' });
			res.end(resultJson([{ filename: 'a.png', contentType: 'image/png', bytes: png }]));
		});
		const result = await infer(connectionTo(srv.url('/')), request({ logs: true }), options());
		expect(sha256(result.outputs[0].chunks)).toBe(sha256(png));
	});

	it('accepts 200 as well as 201', async () => {
		const srv = await server((_req, res) => {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(resultJson([{ filename: 'a.png', contentType: 'image/png', bytes: png }]));
		});
		expect((await infer(connectionTo(srv.url('/')), request(), options())).outputs).toHaveLength(1);
	});

	it('stops with OutputTooLargeError and does not retry', async () => {
		const srv = await server(async (_req, res) => {
			res.writeHead(201, { 'content-type': 'application/json' });
			await writeInPieces(res, Buffer.from(resultJson(outputs)), 4096);
		});
		const err = await rejectionOf(infer(connectionTo(srv.url('/')), request(), options({ maxOutputBytes: 1024 * 1024 })));
		expect(err).toBeInstanceOf(OutputTooLargeError);
		expect(err.message).toContain('1 MB');
		expect(srv.requests).toHaveLength(1);
	});
});

describe('infer: redirects', () => {
	it('follows a 303 chain with GETs that carry the credentials on the same origin', async () => {
		const srv = await server((_req, res, n) => {
			if (n < 4) {
				// Absolute path, then relative forms resolved against the previous URL.
				res.writeHead(303, { location: ['/result/abc', 'abc?poll=2', '?poll=3'][n - 1] });
				res.end();
				return;
			}
			res.writeHead(201, { 'content-type': 'application/json' });
			res.end(resultJson([{ filename: 'a.png', contentType: 'image/png', bytes: png }]));
		});
		const result = await infer(connectionTo(srv.url('/api/infer')), request(), options());
		expect(sha256(result.outputs[0].chunks)).toBe(sha256(png));
		expect(srv.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
			'POST /api/infer',
			'GET /result/abc',
			'GET /result/abc?poll=2',
			'GET /result/abc?poll=3',
		]);
		for (const get of srv.requests.slice(1)) {
			expect(get.headers.client_id).toBe(CLIENT_ID);
			expect(get.headers.client_secret).toBe(CLIENT_SECRET);
			expect(get.headers['content-type']).toBeUndefined();
			expect(get.bodyBytes).toBe(0);
		}
	});

	it('sends no credentials to another origin (another port)', async () => {
		const other = await server((_req, res) => {
			res.writeHead(201, { 'content-type': 'application/json' });
			res.end(resultJson([{ filename: 'a.png', contentType: 'image/png', bytes: png }]));
		});
		const srv = await server((_req, res) => {
			res.writeHead(303, { location: other.url('/signed/result?token=t') });
			res.end();
		});
		const result = await infer(connectionTo(srv.url('/api/infer')), request(), options());
		expect(result.outputs).toHaveLength(1);
		expect(other.requests).toHaveLength(1);
		expect(other.requests[0].method).toBe('GET');
		expect(other.requests[0].headers.client_id).toBeUndefined();
		expect(other.requests[0].headers.client_secret).toBeUndefined();
		expect(JSON.stringify(other.requests[0].headers)).not.toContain(CLIENT_SECRET);
	});

	it('resends the multipart body on a 307 and 308', async () => {
		const srv = await server((_req, res, n) => {
			if (n <= 2) {
				res.writeHead(n === 1 ? 307 : 308, { location: `/moved/${n}` });
				res.end();
				return;
			}
			res.writeHead(201, { 'content-type': 'application/json' });
			res.end(resultJson([]));
		});
		await infer(connectionTo(srv.url('/api/infer')), request(), options());
		expect(srv.requests.map((r) => [r.method, r.path, r.fields.logs, r.headers.client_secret])).toEqual([
			['POST', '/api/infer', 'false', CLIENT_SECRET],
			['POST', '/moved/1', 'false', CLIENT_SECRET],
			['POST', '/moved/2', 'false', CLIENT_SECRET],
		]);
	});

	it('gives up after 50 redirects', async () => {
		const srv = await server((_req, res, n) => {
			res.writeHead(303, { location: `/again/${n}` });
			res.end();
		});
		const err = await rejectionOf(infer(connectionTo(srv.url('/')), request(), options()));
		expect(err).toBeInstanceOf(InferRedirectError);
		expect(err.message).toContain('more than 50 times');
		expect(srv.requests).toHaveLength(51);
		expect(errorTexts(err)).not.toContain(CLIENT_SECRET);
	});

	it('explains a redirect without Location', async () => {
		const srv = await server((_req, res) => {
			res.writeHead(302);
			res.end();
		});
		const err = await rejectionOf(infer(connectionTo(srv.url('/')), request(), options()));
		expect(err).toBeInstanceOf(InferRedirectError);
		expect(err.message).toMatch(/HTTP 302 .*without a Location/);
	});
});
