/**
 * The infer call of ViewComfy's direct deployment protocol: POST the multipart request, follow
 * the 303 chain of long runs, retry what is safe to retry, and stream the answer (JSON or SSE)
 * into decoded output bytes without ever holding the body as one string.
 */
import { parseEndpointUrl } from '../../helpers/endpointUrl';
import type { InferRequest, InferResult, OutputSinkFactory } from '../../helpers/interfaces';
import { CallDeadline } from '../http/callDeadline';
import { callFollowingRedirects } from '../http/call';
import { InferRedirectError, InterruptedResponseError, ViewComfyTransportError, redactSecret, redactText } from '../http/errors';
import { declaredBodyBytes, networkErrorCode } from '../http/exchange';
import type { HttpAnswer, N8nHttp } from '../http/n8nHttp';
import { MAX_REDIRECTS, type HopRequest } from '../http/redirects';
import type { RetryOptions } from '../http/retry';
import { checkedCredentials, type InferConnection } from './inferConnection';
import { InferNetworkError, directHttpFailure } from './directErrors';
import { buildInferForm } from './inferForm';
import { ResultStreamParser } from './resultStreamParser';
import { SseResultReader } from './sseResultReader';

export type { InferConnection } from './inferConnection';
export type { RetryInfo } from '../http/retry';

export interface InferCallOptions extends RetryOptions {
	/** n8n's request helpers. */
	http: N8nHttp;
	/** Whole call, all redirects and retries included. The official clients wait 40 minutes. */
	timeoutMs: number;
	/** n8n's cancel signal: stops the call at once. */
	signal?: AbortSignal;
	/** Cap on decoded output bytes (plus the small result JSON around them). */
	maxOutputBytes: number;
	onLog?: (line: string) => void;
	/** Retry when the connection breaks mid-answer. Off by default: the run may be charged twice. */
	retryInterruptedStreams?: boolean;
	/**
	 * Where each output's bytes go as they are decoded (the body is read only as fast as the
	 * sinks take them); without it they are collected in memory. Sinks of a failed attempt are
	 * destroyed before the error is thrown.
	 */
	openOutputSink?: OutputSinkFactory;
}

export async function infer(conn: InferConnection, req: InferRequest, opts: InferCallOptions): Promise<InferResult> {
	const secret = conn.clientSecret ?? '';
	return await inferUnredacted(conn, req, opts).catch(
		async (err: unknown) => await Promise.reject(redactSecret(err, secret)),
	);
}

async function inferUnredacted(conn: InferConnection, req: InferRequest, opts: InferCallOptions): Promise<InferResult> {
	const endpoint = parseEndpointUrl(conn.endpointUrl);
	const { clientSecret: secret } = checkedCredentials(conn);
	const { onLog } = opts;
	const logLine = onLog && ((line: string) => onLog(redactText(line, secret)));
	const deadline = new CallDeadline(opts.timeoutMs, opts.signal);
	try {
		const result = await callFollowingRedirects({
			http: opts.http,
			url: endpoint,
			method: 'POST',
			target: { kind: 'endpoint' },
			body: { build: () => buildInferForm(req) },
			credentialsOrigin: endpoint.origin,
			maxRedirects: MAX_REDIRECTS,
			tooManyRedirects: () =>
				new InferRedirectError(
					`ViewComfy redirected more than ${MAX_REDIRECTS} times without giving a result; the run may be stuck. Check it on the ViewComfy dashboard.`,
				),
			deadline,
			retry: { ...opts, kind: 'run', deadline, secret },
			statusError: (status, body, retryAfterMs) => directHttpFailure(status, body, secret, retryAfterMs),
			connectionError: (failure) => new InferNetworkError(failure.host, failure.code, 1),
			read: async (answer, hop) => await readResult(answer, hop, opts, deadline, logLine),
		});
		return redactResultTexts(result, secret);
	} finally {
		deadline.dispose();
	}
}

/** Streams the success body into the decoder that fits its content type. */
async function readResult(
	answer: HttpAnswer,
	hop: HopRequest,
	opts: InferCallOptions,
	deadline: CallDeadline,
	onLog: ((line: string) => void) | undefined,
): Promise<InferResult> {
	const contentType = String(answer.headers['content-type'] ?? '');
	const { maxOutputBytes, openOutputSink: openSink } = opts;
	// Content type, not the `logs` flag, decides: a server may answer JSON to a logs=true request.
	const sse = /^\s*text\/event-stream/i.test(contentType) ? new SseResultReader({ onLog, maxOutputBytes, openSink }) : undefined;
	const json = sse ? undefined : new ResultStreamParser({ maxOutputBytes, openSink, bodyBytes: declaredBodyBytes(answer) });
	const reader = (sse ?? json) as SseResultReader | ResultStreamParser;
	const read = await readBody(answer, hop, deadline, reader, sse).then(
		() => finish(sse, json as ResultStreamParser),
		(error: unknown) => ({ ok: false as const, error }),
	);
	if (read.ok) return read.result;
	// Sinks of a failed attempt are destroyed before the error goes on (n8n stops waiting on them).
	reader.abort(read.error instanceof Error ? read.error : new Error(String(read.error)));
	return await Promise.reject(read.error);
}

/** The result once the body is read; the decoder's error if it is incomplete or invalid. */
function finish(
	sse: SseResultReader | undefined,
	json: ResultStreamParser,
): { ok: true; result: InferResult } | { ok: false; error: unknown } {
	try {
		return { ok: true, result: sse ? sse.end() : { ...json.end(), logs: [], errorEvents: [] } };
	} catch (error) {
		return { ok: false, error };
	}
}

async function readBody(
	answer: HttpAnswer,
	hop: HopRequest,
	deadline: CallDeadline,
	reader: SseResultReader | ResultStreamParser,
	sse: SseResultReader | undefined,
): Promise<void> {
	// The parser's own errors, and a sink's (n8n could not store the file), say what happened.
	let readerError: unknown;
	const consumed = await (async () => {
		for await (const chunk of answer.body) {
			const pushed = pushChunk(reader, chunk);
			if (pushed !== undefined) {
				readerError = pushed;
				return;
			}
			// prompt_result is terminal: whatever follows is not read.
			if (sse?.finished) break;
			// Backpressure: a sink that holds too much stops reading until it has caught up.
			const wait = reader.waitForSinks();
			if (wait) await deadline.until(wait);
		}
	})().then(
		() => undefined,
		(error: unknown) => ({ error }),
	);
	answer.body.destroy();
	if (readerError !== undefined) return await Promise.reject(readerError);
	const stopped = deadline.stopError;
	if (consumed === undefined) return await (stopped ? Promise.reject(stopped) : Promise.resolve());
	if (consumed.error instanceof ViewComfyTransportError) return await Promise.reject(consumed.error);
	if (stopped) return await Promise.reject(stopped);
	return await Promise.reject(new InterruptedResponseError(hop.url.host, networkErrorCode(consumed.error), sse ? sse.logs : []));
}

/** Hands a chunk to the decoder; its error, if it refused the chunk. */
function pushChunk(reader: SseResultReader | ResultStreamParser, chunk: Buffer): unknown {
	try {
		reader.push(chunk);
		return undefined;
	} catch (err) {
		return err ?? new Error('the decoder failed');
	}
}

function redactResultTexts(result: InferResult, secret: string): InferResult {
	return {
		...result,
		logs: result.logs.map((line) => redactText(line, secret)),
		errorEvents: result.errorEvents.map((text) => redactText(text, secret)),
	};
}
