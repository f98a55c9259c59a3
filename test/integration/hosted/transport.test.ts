/**
 * The hosted transport against scripted loopback servers: what goes on the wire (form fields,
 * query strings, JSON cancel body), where the credentials go on redirects, and how downloads are
 * bounded and retried. Real HTTP on 127.0.0.1, real multipart parsed by busboy.
 */
import { randomUUID } from 'node:crypto';
import { HostedApiClient, STATUS_IDS_PER_REQUEST, type CallScope } from '../../../nodes/ViewComfy/transport/hosted/hostedClient';
import { CallDeadline } from '../../../nodes/ViewComfy/transport/http/callDeadline';
import { n8nHttp } from '../transport/n8nHttp';
import { HostedHttpError, HostedNetworkError } from '../../../nodes/ViewComfy/transport/hosted/hostedErrors';
import { fetchHostedRuns, runHosted, type HostedCallOptions } from '../../../nodes/ViewComfy/transport/hosted/hostedRun';
import { OutputTooLargeError } from '../../../nodes/ViewComfy/transport/http/errors';
import { OutputByteStream } from '../../../nodes/ViewComfy/actions/binaryDataSinks';
import type { OutputSinkRequest } from '../../../nodes/ViewComfy/helpers/interfaces';
import { CLIENT_ID, CLIENT_SECRET, errorTexts, rejectionOf } from '../transport/fixtures';
import { closedPort, serversPerTest, sha256, type LoopbackServer } from '../transport/loopback';

const server = serversPerTest();
const DEPLOYMENT = 'https://team--deployment.modal.run/';

function client(apiUrl: string): HostedApiClient {
	return new HostedApiClient(
		{ hostedApiUrl: apiUrl, endpointUrl: DEPLOYMENT, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
		n8nHttp({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }),
	);
}

/** One call's deadline and retries, as hostedRun gives them. */
function scope(): CallScope {
	return { deadline: new CallDeadline(10_000), retry: { maxRetries: 0, maxRetryWaitMs: 0 } };
}

function options(overrides: Partial<HostedCallOptions> = {}): HostedCallOptions {
	return {
		timeoutMs: 10_000,
		maxRetries: 3,
		maxRetryWaitMs: 2_000,
		retryBaseDelayMs: 5,
		maxOutputBytes: 1024 * 1024,
		poll: { intervalMs: 5, maxIntervalMs: 20, backoff: 2 },
		...overrides,
	};
}

const json = (res: import('node:http').ServerResponse, status: number, body: unknown) => {
	res.writeHead(status, { 'content-type': 'application/json' });
	res.end(JSON.stringify(body));
};

/** A status record of a finished run whose single output is `link`. */
const finished = (promptId: string, link: string, size?: number) => ({
	promptId,
	status: 'success',
	completed: true,
	executionTimeSeconds: 1.5,
	outputs: [{ filename: 'out.png', contentType: 'image/png', filepath: link, ...(size === undefined ? {} : { size }) }],
});

/** A hosted API that accepts any submit and reports every run as finished with `link`. */
async function hostedApi(link: (promptId: string) => string, size?: number): Promise<LoopbackServer> {
	return await server((req, res, _n, received) => {
		const url = new URL(req.url ?? '/', 'http://x');
		if (req.method === 'POST' && url.pathname === '/api/workflow/infer') {
			return json(res, 201, { data: { prompt_id: received.fields.prompt_id, message: 'ok' } });
		}
		if (req.method === 'GET' && url.pathname === '/api/workflow/infer/') {
			return json(res, 200, url.searchParams.getAll('prompt_ids').map((id) => finished(id, link(id), size)));
		}
		json(res, 404, { detail: 'Not Found' });
	});
}

describe('on the wire', () => {
	it('submit: multipart with prompt_id, view_comfy_api_url, params, workflow_api and files; no logs; credentials', async () => {
		const files = await server((_req, res) => {
			res.writeHead(200, { 'content-type': 'image/png' });
			res.end(Buffer.from('png bytes'));
		});
		const api = await hostedApi(() => files.url('/f/out.png'));
		const upload = Buffer.from('an upload');
		const { record, result } = await runHosted(
			client(`${api.origin}/`),
			{ params: { '3-inputs-seed': 1 }, workflowApi: '{"3":{}}', files: [{ key: '10-inputs-image', fileName: 'in.png', mimeType: 'image/png', data: upload }] },
			options(),
		);
		const submit = api.requests[0];
		expect(submit.method).toBe('POST');
		expect(submit.path).toBe('/api/workflow/infer');
		expect(submit.headers.client_id).toBe(CLIENT_ID);
		expect(submit.headers.client_secret).toBe(CLIENT_SECRET);
		expect(Object.keys(submit.fields)).toEqual(['prompt_id', 'view_comfy_api_url', 'params', 'workflow_api']);
		expect(submit.fields).toMatchObject({ prompt_id: record.promptId, view_comfy_api_url: DEPLOYMENT, params: '{"3-inputs-seed":1}' });
		expect(submit.files).toEqual([expect.objectContaining({ name: '10-inputs-image', filename: 'in.png', sha256: sha256(upload) })]);
		expect(result.meta).toMatchObject({ prompt_id: record.promptId, status: 'success', completed: true, execution_time_seconds: 1.5 });
		expect(Buffer.concat(result.outputs[0].chunks).toString()).toBe('png bytes');
		expect(api.requests[1].path).toBe(`/api/workflow/infer/?prompt_ids=${record.promptId}`);
		expect(files.requests[0].headers).not.toHaveProperty('client_id');
		expect(files.requests[0].headers).not.toHaveProperty('client_secret');
	});

	it('status: GET on the trailing-slash route with repeated prompt_ids, in batches of 50', async () => {
		const api = await server((_req, res) => json(res, 200, []));
		const ids = Array.from({ length: STATUS_IDS_PER_REQUEST + 3 }, () => randomUUID());
		expect(await client(api.origin).status(ids, scope())).toEqual([]);
		expect(api.requests.map((r) => r.method)).toEqual(['GET', 'GET']);
		const first = new URL(api.requests[0].path, 'http://x');
		expect(first.pathname).toBe('/api/workflow/infer/');
		expect(first.searchParams.getAll('prompt_ids')).toEqual(ids.slice(0, 50));
		expect(new URL(api.requests[1].path, 'http://x').searchParams.getAll('prompt_ids')).toEqual(ids.slice(50));
	});

	it('a Hosted API URL with a path keeps it; one with the route pasted in is cut back to the base', async () => {
		const api = await server((_req, res) => json(res, 200, []));
		await client(`${api.origin}/proxy/viewcomfy/`).status(['a'], scope());
		await client(`${api.origin}/api/workflow/infer/`).status(['b'], scope());
		expect(api.requests.map((r) => r.path)).toEqual(['/proxy/viewcomfy/api/workflow/infer/?prompt_ids=a', '/api/workflow/infer/?prompt_ids=b']);
	});

	it('cancel: JSON {prompt_id, view_comfy_api_url} and the message from data.message', async () => {
		const api = await server((_req, res) => json(res, 200, { data: { message: 'Cancellation requested' } }));
		expect(await client(api.origin).cancel('run-1', scope())).toBe('Cancellation requested');
		expect(api.requests[0]).toMatchObject({ method: 'POST', path: '/api/workflow/infer/cancel' });
		expect(api.requests[0].headers['content-type']).toBe('application/json');
		expect(api.requests[0].headers.client_id).toBe(CLIENT_ID);
	});
});

describe('redirects', () => {
	it('the API redirecting to another origin: followed without the credentials', async () => {
		const other = await server((_req, res) => json(res, 200, []));
		const api = await server((req, res) => {
			res.writeHead(307, { location: other.url(req.url ?? '/') });
			res.end();
		});
		await client(api.origin).status(['x'], scope());
		expect(api.requests[0].headers.client_secret).toBe(CLIENT_SECRET);
		expect(other.requests[0].headers).not.toHaveProperty('client_secret');
		expect(other.requests[0].headers).not.toHaveProperty('client_id');
	});

	it('a download link redirecting, even to the API origin itself: never with credentials', async () => {
		const late: { api?: LoopbackServer } = {};
		const storage = await server((_req, res) => {
			res.writeHead(302, { location: late.api!.url('/storage/out.png') });
			res.end();
		});
		late.api = await server((req, res) => {
			const url = new URL(req.url ?? '/', 'http://x');
			if (url.pathname === '/storage/out.png') {
				res.writeHead(200, { 'content-type': 'image/png' });
				res.end('from storage');
				return;
			}
			if (url.pathname === '/api/workflow/infer/') return json(res, 200, [finished('p1', storage.url('/signed'))]);
			json(res, 404, {});
		});
		const api = late.api;
		const outcomes = await fetchHostedRuns(client(api.origin), ['p1'], { ...options(), wait: false });
		const outcome = outcomes.get('p1')!;
		expect(outcome.ok && Buffer.concat(outcome.value.result.outputs[0].chunks).toString()).toBe('from storage');
		const fetched = api.requests.find((r) => r.path === '/storage/out.png')!;
		expect(fetched.headers).not.toHaveProperty('client_id');
		expect(fetched.headers).not.toHaveProperty('client_secret');
	});
});

describe('downloads', () => {
	it('counts streamed bytes against Max Output Size when no size is declared', async () => {
		const files = await server((_req, res) => {
			res.writeHead(200, { 'content-type': 'video/mp4' });
			res.end(Buffer.alloc(300_000));
		});
		const api = await hostedApi(() => files.url('/big.mp4'));
		const outcomes = await fetchHostedRuns(client(api.origin), ['p'], { ...options({ maxOutputBytes: 100_000 }), wait: false });
		const outcome = outcomes.get('p')!;
		expect(outcome.ok).toBe(false);
		expect(!outcome.ok && outcome.error).toBeInstanceOf(OutputTooLargeError);
	});

	it('retries a link whose body broke off, and a storage 503, then delivers the whole file', async () => {
		const body = Buffer.alloc(64 * 1024, 7);
		const files = await server((_req, res, n) => {
			if (n === 1) {
				res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
				res.write(body.subarray(0, 1000), () => res.destroy());
				return;
			}
			if (n === 2) {
				res.writeHead(503, { 'content-type': 'text/plain' });
				res.end('SlowDown');
				return;
			}
			res.writeHead(200, { 'content-type': 'application/octet-stream' });
			res.end(body);
		});
		const api = await hostedApi(() => files.url('/f.bin'));
		const outcome = (await fetchHostedRuns(client(api.origin), ['p'], { ...options(), wait: false })).get('p')!;
		expect(outcome.ok).toBe(true);
		expect(outcome.ok && Buffer.concat(outcome.value.result.outputs[0].chunks)).toEqual(body);
		expect(files.requests).toHaveLength(3);
	});
});

/** What a reader of one sink got: every byte once it ended, or the error it was destroyed with. */
type SinkOutcome = { ok: true; bytes: Buffer } | { ok: false; error: unknown };

/** A sink factory whose sinks are read as n8n reads them (pulling), recording each one's outcome. */
function readSinks() {
	const opened: Array<{ request: OutputSinkRequest; outcome: Promise<SinkOutcome> }> = [];
	const open = (request: OutputSinkRequest) => {
		const sink = new OutputByteStream();
		const outcome = (async (): Promise<SinkOutcome> => {
			const chunks: Buffer[] = [];
			for await (const chunk of sink) chunks.push(chunk);
			return { ok: true, bytes: Buffer.concat(chunks) };
		})().catch((error: unknown) => ({ ok: false as const, error }));
		opened.push({ request, outcome });
		return sink;
	};
	return { opened, open };
}

describe('downloads into output sinks', () => {
	it('writes each file into its own sink as it arrives, named as the run listed it; no chunks kept', async () => {
		// Several times the sinks' 1 MB buffer, sent in pieces: the reader has to wait for the sink.
		const body = Buffer.alloc(5 * 1024 * 1024 + 7);
		for (let i = 0; i < body.length; i += 4096) body[i] = i % 251;
		const files = await server((_req, res) => {
			res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': body.length });
			res.end(body);
		});
		const api = await hostedApi(() => files.url('/v.mp4'));
		const sinks = readSinks();
		const outcome = (await fetchHostedRuns(client(api.origin), ['p'], { ...options({ maxOutputBytes: 8 * 1024 * 1024, openOutputSink: sinks.open }), wait: false })).get('p')!;
		expect(outcome.ok).toBe(true);
		const [output] = outcome.ok ? outcome.value.result.outputs : [];
		expect(output).toMatchObject({ filename: 'out.png', contentType: 'image/png', chunks: [], byteLength: body.length });
		expect(output.sink).toBeInstanceOf(OutputByteStream);
		// The download's Content-Length is announced, so a sink can reserve the file's exact size.
		expect(sinks.opened.map((s) => s.request)).toEqual([{ position: 0, filename: 'out.png', contentType: 'image/png', expectedBytes: body.length, pieces: true }]);
		const read = await sinks.opened[0].outcome;
		expect(read.ok && sha256(read.bytes)).toBe(sha256(body));
	});

	it('a file that outgrows Max Output Size mid-download destroys its sink with the limit error', async () => {
		const files = await server(async (_req, res) => {
			res.writeHead(200, { 'content-type': 'video/mp4' });
			// No declared size: only the streamed bytes can tell.
			for (let i = 0; i < 40 && !res.destroyed; i++) {
				await new Promise<void>((resolve) => res.write(Buffer.alloc(64 * 1024, 1), () => resolve()));
			}
			res.end();
		});
		const api = await hostedApi(() => files.url('/big.mp4'));
		const sinks = readSinks();
		const outcome = (await fetchHostedRuns(client(api.origin), ['p'], { ...options({ maxOutputBytes: 1024 * 1024, openOutputSink: sinks.open }), wait: false })).get('p')!;
		expect(!outcome.ok && outcome.error).toBeInstanceOf(OutputTooLargeError);
		expect(sinks.opened).toHaveLength(1);
		const read = await sinks.opened[0].outcome;
		expect(!read.ok && read.error).toBeInstanceOf(OutputTooLargeError);
	});

	it('a retried download destroys the failed attempt’s sink and writes the whole file into a fresh one', async () => {
		const body = Buffer.alloc(3 * 1024 * 1024, 9);
		const files = await server((_req, res, n) => {
			res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
			if (n === 1) {
				res.write(body.subarray(0, 1024 * 1024 + 5), () => res.destroy());
				return;
			}
			res.end(body);
		});
		const api = await hostedApi(() => files.url('/f.bin'));
		const sinks = readSinks();
		// Room for the file once, not for the failed attempt's bytes as well: the retry gives them back.
		const limit = body.length + 512 * 1024;
		const outcome = (await fetchHostedRuns(client(api.origin), ['p'], { ...options({ maxOutputBytes: limit, openOutputSink: sinks.open }), wait: false })).get('p')!;
		expect(outcome.ok).toBe(true);
		expect(files.requests).toHaveLength(2);
		expect(sinks.opened).toHaveLength(2);
		const [failed, fresh] = await Promise.all(sinks.opened.map(async (s) => await s.outcome));
		expect(failed.ok).toBe(false);
		expect(!failed.ok && (failed.error as Error).message).toMatch(/Could not get an answer from 127\.0\.0\.1/);
		expect(fresh.ok && fresh.bytes).toEqual(body);
		expect(outcome.ok && outcome.value.result.outputs[0].byteLength).toBe(body.length);
	});
});

describe('errors', () => {
	it('a refused submit is a HostedHttpError that quotes the server and never the secret', async () => {
		const api = await server((_req, res) => json(res, 401, { detail: `bad secret ${CLIENT_SECRET}` }));
		const err = await rejectionOf(runHosted(client(api.origin), { params: { a: 1 }, files: [] }, options()));
		expect(err).toBeInstanceOf(HostedHttpError);
		expect(err.message).toMatch(/^The ViewComfy hosted API answered HTTP 401 Unauthorized: bad secret \[redacted\] \(submitting the run\)$/);
		expect(errorTexts(err)).not.toContain(CLIENT_SECRET);
	});

	it('nothing listening: a HostedNetworkError naming the host and the setting to check', async () => {
		const port = await closedPort();
		const err = await rejectionOf(runHosted(client(`http://127.0.0.1:${port}`), { params: { a: 1 }, files: [] }, options({ maxRetries: 1 })));
		expect(err).toBeInstanceOf(HostedNetworkError);
		expect(err.message).toBe(`Could not get an answer from 127.0.0.1:${port}: the connection was refused (ECONNREFUSED) (tried 2 times)`);
		expect((err as HostedNetworkError).hint).toContain('Hosted API URL');
	});
});

