/**
 * infer() when things go wrong, against real loopback servers: which failures are retried and
 * how often, broken connections before and after the answer started, cancel and timeout,
 * and that the client secret appears in no error.
 */
import { InferHttpError, InferNetworkError } from '../../../nodes/ViewComfy/transport/direct/directErrors';
import {
	InferAbortedError,
	InferTimeoutError,
	InterruptedResponseError,
	ResultFormatError,
	StreamEndedError,
} from '../../../nodes/ViewComfy/transport/http/errors';
import { infer, type RetryInfo } from '../../../nodes/ViewComfy/transport/direct/infer';
import { CLIENT_SECRET, connectionTo, errorTexts, options, rejectionOf, request, resultJson } from './fixtures';
import { closedPort, serversPerTest, sha256 } from './loopback';
import { seededBytes } from '../../unit/transport/pieces';

const server = serversPerTest();

const png = seededBytes(2000, 31);
const goodResult = resultJson([{ filename: 'a.png', contentType: 'image/png', bytes: png }]);

function answerResult(res: import('node:http').ServerResponse): void {
	res.writeHead(201, { 'content-type': 'application/json' });
	res.end(goodResult);
}

/** Every error a test saw, checked for the secret at the end. */
const seenErrors: Error[] = [];
async function failureOf(action: Promise<unknown>): Promise<Error> {
	const err = await rejectionOf(action);
	seenErrors.push(err);
	return err;
}

afterAll(() => {
	expect(seenErrors.length).toBeGreaterThan(10);
	for (const err of seenErrors) expect(errorTexts(err)).not.toContain(CLIENT_SECRET);
});

describe('infer: retries', () => {
	it('retries 503 and returns exactly one result', async () => {
		const srv = await server((_req, res, n) => {
			if (n <= 3) {
				res.writeHead(503, { 'content-type': 'text/plain' });
				res.end('warming up');
				return;
			}
			answerResult(res);
		});
		const retries: RetryInfo[] = [];
		const result = await infer(connectionTo(srv.url('/')), request(), options({ onRetry: (info) => retries.push(info) }));
		expect(sha256(result.outputs[0].chunks)).toBe(sha256(png));
		expect(srv.requests).toHaveLength(4);
		expect(retries.map((r) => [r.attempt, r.reason])).toEqual([
			[1, 'HTTP 503'],
			[2, 'HTTP 503'],
			[3, 'HTTP 503'],
		]);
		// Each retry rebuilt the multipart body.
		expect(srv.requests.map((r) => r.fields.params)).toEqual(Array(4).fill(JSON.stringify(request().params)));
	});

	it.each([502, 504])('retries %i too', async (status) => {
		const srv = await server((_req, res, n) => {
			if (n === 1) {
				res.writeHead(status);
				res.end();
				return;
			}
			answerResult(res);
		});
		await infer(connectionTo(srv.url('/')), request(), options());
		expect(srv.requests).toHaveLength(2);
	});

	it('gives up after maxRetries with the last status and the number of attempts', async () => {
		const srv = await server((_req, res) => {
			res.writeHead(503, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ detail: 'No capacity' }));
		});
		const err = await failureOf(infer(connectionTo(srv.url('/')), request(), options({ maxRetries: 2 })));
		expect(err).toBeInstanceOf(InferHttpError);
		expect((err as InferHttpError).status).toBe(503);
		expect(err.message).toContain('No capacity');
		expect(err.message).toContain('after 3 attempts');
		expect(srv.requests).toHaveLength(3);
	});

	it('waits what Retry-After asks on 429', async () => {
		const srv = await server((_req, res, n) => {
			if (n === 1) {
				res.writeHead(429, { 'retry-after': '1' });
				res.end();
				return;
			}
			answerResult(res);
		});
		const retries: RetryInfo[] = [];
		await infer(connectionTo(srv.url('/')), request(), options({ onRetry: (info) => retries.push(info) }));
		expect(retries).toEqual([{ attempt: 1, delayMs: 1000, reason: 'HTTP 429' }]);
		expect(srv.requests).toHaveLength(2);
	});

	it('does not retry a 429 whose Retry-After exceeds the wait budget', async () => {
		const srv = await server((_req, res) => {
			res.writeHead(429, { 'retry-after': '120' });
			res.end();
		});
		const err = await failureOf(infer(connectionTo(srv.url('/')), request(), options({ maxRetryWaitMs: 10_000 })));
		expect(err).toBeInstanceOf(InferHttpError);
		expect((err as InferHttpError).retryAfterMs).toBe(120_000);
		expect(srv.requests).toHaveLength(1);
	});

	it.each([500, 400, 401, 404, 422])('never retries %i (the generation may have run)', async (status) => {
		const srv = await server((_req, res) => {
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ detail: `failure ${status}` }));
		});
		const err = await failureOf(infer(connectionTo(srv.url('/')), request(), options()));
		expect(err).toBeInstanceOf(InferHttpError);
		expect((err as InferHttpError).status).toBe(status);
		expect((err as InferHttpError).body).toContain(`failure ${status}`);
		expect(srv.requests).toHaveLength(1);
	});

	it('reads only the start of a huge error body', async () => {
		const srv = await server((_req, res) => {
			res.writeHead(500, { 'content-type': 'text/html' });
			res.end(`<html><body><h1>Internal error</h1>${'x'.repeat(5 * 1024 * 1024)}</body></html>`);
		});
		const err = await failureOf(infer(connectionTo(srv.url('/')), request(), options()));
		expect((err as InferHttpError).body.length).toBeLessThanOrEqual(4096);
		expect(err.message).toContain('Internal error');
	});

	it('retries a connection reset before any answer', async () => {
		const srv = await server((req, res, n) => {
			if (n === 1) {
				req.socket.destroy();
				return;
			}
			answerResult(res);
		});
		const retries: RetryInfo[] = [];
		const result = await infer(connectionTo(srv.url('/')), request(), options({ onRetry: (info) => retries.push(info) }));
		expect(result.outputs).toHaveLength(1);
		expect(srv.requests).toHaveLength(2);
		expect(retries).toHaveLength(1);
		expect(retries[0].reason).toMatch(/connection/);
	});

	it('retries a connection dropped while the upload is still being sent', async () => {
		const upload = seededBytes(4 * 1024 * 1024, 3);
		const srv = await server(
			(req, res, n) => {
				if (n === 1) {
					req.socket.destroy();
					return;
				}
				req.resume();
				req.on('end', () => answerResult(res));
			},
			{ readBody: false },
		);
		const result = await infer(
			connectionTo(srv.url('/')),
			request({ files: [{ key: '10-inputs-video', fileName: 'in.mp4', mimeType: 'video/mp4', data: upload }] }),
			options(),
		);
		expect(result.outputs).toHaveLength(1);
		expect(srv.requests).toHaveLength(2);
	});

	it('retries a refused connection, then names the host', async () => {
		const port = await closedPort();
		const retries: RetryInfo[] = [];
		const err = await failureOf(
			infer(connectionTo(`http://127.0.0.1:${port}/api`), request(), options({ maxRetries: 2, onRetry: (info) => retries.push(info) })),
		);
		expect(err).toBeInstanceOf(InferNetworkError);
		expect((err as InferNetworkError).code).toBe('ECONNREFUSED');
		expect(err.message).toContain(`127.0.0.1:${port}`);
		expect(err.message).toContain('refused');
		expect(err.message).toContain('tried 3 times');
		expect(retries).toHaveLength(2);
	});
});

describe('infer: broken answers', () => {
	it('reports InterruptedResponseError, with the logs so far, when the stream breaks', async () => {
		const srv = await server((req, res) => {
			res.writeHead(201, { 'content-type': 'text/event-stream' });
			res.write('event: log_message\ndata: sampling 3/20\n\nevent: prompt_result\ndata: {"outputs":[{"data":"QUJD');
			setTimeout(() => req.socket.destroy(), 20);
		});
		const err = await failureOf(infer(connectionTo(srv.url('/')), request({ logs: true }), options()));
		expect(err).toBeInstanceOf(InterruptedResponseError);
		expect((err as InterruptedResponseError).logs).toEqual(['sampling 3/20']);
		expect(err.message).toContain('sampling 3/20');
		expect(srv.requests).toHaveLength(1);
	});

	it('reports InterruptedResponseError when a JSON answer is cut short', async () => {
		const srv = await server((req, res) => {
			res.writeHead(201, { 'content-type': 'application/json', 'content-length': String(goodResult.length) });
			res.write(goodResult.slice(0, 100));
			setTimeout(() => req.socket.destroy(), 20);
		});
		const err = await failureOf(infer(connectionTo(srv.url('/')), request(), options()));
		expect(err).toBeInstanceOf(InterruptedResponseError);
		expect(srv.requests).toHaveLength(1);
	});

	it('retries a broken stream when retryInterruptedStreams is on', async () => {
		const srv = await server((req, res, n) => {
			if (n === 1) {
				res.writeHead(201, { 'content-type': 'text/event-stream' });
				res.write('event: log_message\ndata: hi\n\n');
				setTimeout(() => req.socket.destroy(), 20);
				return;
			}
			answerResult(res);
		});
		const result = await infer(connectionTo(srv.url('/')), request({ logs: true }), options({ retryInterruptedStreams: true }));
		expect(sha256(result.outputs[0].chunks)).toBe(sha256(png));
		expect(srv.requests).toHaveLength(2);
	});

	it('reports StreamEndedError with the error event when the stream ends without a result', async () => {
		const srv = await server((_req, res) => {
			res.writeHead(201, { 'content-type': 'text/event-stream' });
			res.end('event: log_message\ndata: loading checkpoint\n\nevent: error\ndata: {"error":"model not found"}\n\n');
		});
		const err = await failureOf(infer(connectionTo(srv.url('/')), request({ logs: true }), options()));
		expect(err).toBeInstanceOf(StreamEndedError);
		expect(err.message).toContain('model not found');
		expect(err.message).toContain('loading checkpoint');
		expect(srv.requests).toHaveLength(1);
	});

	it('reports ResultFormatError for a success answer that is not the result JSON', async () => {
		const srv = await server((_req, res) => {
			res.writeHead(201, { 'content-type': 'text/html' });
			res.end('<html>Welcome to nginx</html>');
		});
		const err = await failureOf(infer(connectionTo(srv.url('/')), request(), options()));
		expect(err).toBeInstanceOf(ResultFormatError);
		expect(err.message).toContain('<html>Welcome to nginx</html>');
	});
});

describe('infer: cancel and timeout', () => {
	it('aborts the socket and rejects with InferAbortedError when n8n cancels while waiting', async () => {
		let arrived!: () => void;
		const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
		const srv = await server(() => arrived());
		const controller = new AbortController();
		const call = failureOf(infer(connectionTo(srv.url('/')), request(), options({ signal: controller.signal })));
		await requestArrived;
		controller.abort();
		const err = await call;
		expect(err).toBeInstanceOf(InferAbortedError);
		expect(err.message).toContain('canceled');
		await waitFor(() => srv.closedSockets() >= 1);
	});

	it('aborts while the answer streams in', async () => {
		let streaming!: () => void;
		const started = new Promise<void>((resolve) => (streaming = resolve));
		const srv = await server((_req, res) => {
			res.writeHead(201, { 'content-type': 'text/event-stream' });
			res.write('event: log_message\ndata: step 1\n\n');
			streaming();
		});
		const controller = new AbortController();
		const lines: string[] = [];
		const call = failureOf(
			infer(connectionTo(srv.url('/')), request({ logs: true }), options({ signal: controller.signal, onLog: (l) => lines.push(l) })),
		);
		await started;
		await waitFor(() => lines.length === 1);
		controller.abort();
		expect(await call).toBeInstanceOf(InferAbortedError);
		await waitFor(() => srv.closedSockets() >= 1);
	});

	it.each(['timeout', 'stop'] as const)(
		'%s during the long wait after a 303 (the follow-up GET, where n8n\'s cancel signal replaces ours) ends the call',
		async (how) => {
			let waiting!: () => void;
			const secondHopArrived = new Promise<void>((resolve) => (waiting = resolve));
			// The first hop answers 303 after a wait, as a long run does; the result URL then never answers.
			const srv = await server(async (_req, res, n) => {
				if (n === 1) {
					await new Promise((resolve) => setTimeout(resolve, 150));
					res.writeHead(303, { location: '/result/1' });
					res.end();
				} else waiting();
			});
			const controller = new AbortController();
			const started = Date.now();
			const call = failureOf(
				infer(connectionTo(srv.url('/')), request(), options({ signal: controller.signal, timeoutMs: how === 'timeout' ? 1_500 : 60_000 })),
			);
			await secondHopArrived;
			if (how === 'stop') controller.abort();
			const err = await call;
			expect(err).toBeInstanceOf(how === 'timeout' ? InferTimeoutError : InferAbortedError);
			expect(srv.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /', 'GET /result/1']);
			if (how === 'timeout') expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
			await waitFor(() => srv.closedSockets() >= 1);
		},
	);

	it('rejects at once when cancelled before the call', async () => {
		const srv = await server((_req, res) => answerResult(res));
		const controller = new AbortController();
		controller.abort();
		expect(await failureOf(infer(connectionTo(srv.url('/')), request(), options({ signal: controller.signal })))).toBeInstanceOf(
			InferAbortedError,
		);
		expect(srv.requests).toHaveLength(0);
	});

	it('cancels a retry wait', async () => {
		const srv = await server((_req, res) => {
			res.writeHead(503);
			res.end();
		});
		const controller = new AbortController();
		const call = failureOf(
			infer(
				connectionTo(srv.url('/')),
				request(),
				options({ signal: controller.signal, retryBaseDelayMs: 60_000, maxRetryWaitMs: 600_000, onRetry: () => controller.abort() }),
			),
		);
		expect(await call).toBeInstanceOf(InferAbortedError);
		expect(srv.requests).toHaveLength(1);
	});

	it('names the timeout setting when the answer takes too long', async () => {
		const srv = await server(() => {
			// Never answers.
		});
		const err = await failureOf(infer(connectionTo(srv.url('/')), request(), options({ timeoutMs: 300 })));
		expect(err).toBeInstanceOf(InferTimeoutError);
		expect((err as InferTimeoutError).timeoutMs).toBe(300);
		expect(err.message).toContain('0.3 seconds');
		expect(err.message).toContain('Timeout (Minutes)');
		await waitFor(() => srv.closedSockets() >= 1);
	});
});

describe('infer: the secret stays secret', () => {
	it('scrubs a secret the server echoes in an error body and in log lines', async () => {
		const srv = await server((req, res, n) => {
			if (n === 1) {
				res.writeHead(401, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ detail: `bad secret ${String(req.headers.client_secret)}` }));
				return;
			}
			res.writeHead(201, { 'content-type': 'text/event-stream' });
			res.end(`event: log_message\ndata: using ${String(req.headers.client_secret)}\n\nevent: error\ndata: ${String(req.headers.client_secret)}\n\nevent: prompt_result\ndata: ${goodResult}\n\n`);
		});
		const err = await failureOf(infer(connectionTo(srv.url('/')), request(), options()));
		expect((err as InferHttpError).status).toBe(401);
		expect(err.message).toContain('bad secret');

		const lines: string[] = [];
		const result = await infer(connectionTo(srv.url('/')), request({ logs: true }), options({ onLog: (l) => lines.push(l) }));
		expect(JSON.stringify([lines, result.logs, result.errorEvents])).not.toContain(CLIENT_SECRET);
		expect(lines).toEqual(['using [redacted]']);
	});
});

async function waitFor(condition: () => boolean): Promise<void> {
	while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}
