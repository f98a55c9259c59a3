/**
 * The infer call of ViewComfy's direct deployment protocol: POST the multipart request, follow
 * the 303 chain of long runs, retry what is safe to retry, and stream the answer (JSON or SSE)
 * into decoded output bytes without ever holding the body as one string.
 */
import { parseEndpointUrl } from '../helpers/endpointUrl';
import type { InferRequest, InferResult, OutputSinkFactory } from '../helpers/interfaces';
import { ResultStreamParser } from '../helpers/resultStreamParser';
import { SseResultReader } from '../helpers/sseResultReader';
import { CallDeadline } from './callDeadline';
import { credentialHeaders, type InferConnection } from './connection';
import {
	InferHttpError,
	InferNetworkError,
	InferRedirectError,
	InterruptedResponseError,
	StreamEndedError,
	ViewComfyTransportError,
	describeNetworkCode,
	redactSecret,
	redactText,
} from './errors';
import { discardBody, networkErrorCode, readBodyStart, sendHop, type HopResponse } from './exchange';
import { httpFailure } from './httpFailure';
import { buildInferForm } from './inferForm';
import { MAX_REDIRECTS, firstHop, isRedirectStatus, nextHop, type HopRequest } from './redirects';
import {
	DEFAULT_RETRY_BASE_DELAY_MS,
	DEFAULT_RETRY_MAX_DELAY_MS,
	decideRetry,
	isRetryableConnectionCode,
	isRetryableStatus,
	parseRetryAfter,
	type RetryableFailure,
	type RetrySettings,
} from './retryPolicy';

export type { InferConnection } from './connection';
export { testCredentials } from './testCredentials';

export interface RetryInfo {
	/** 1 for the first retry, 2 for the second, … */
	attempt: number;
	delayMs: number;
	/** Why the previous attempt failed, e.g. `HTTP 503`. */
	reason: string;
}

export interface InferCallOptions {
	/** Whole call, all redirects and retries included. The official clients wait 40 minutes. */
	timeoutMs: number;
	/** n8n's cancel signal: aborts the socket at once. */
	signal?: AbortSignal;
	maxRetries: number;
	/** Total time all retry waits together may take. */
	maxRetryWaitMs: number;
	/** Cap on decoded output bytes (plus the small result JSON around them). */
	maxOutputBytes: number;
	onLog?: (line: string) => void;
	onRetry?: (info: RetryInfo) => void;
	/** Retry when the connection breaks mid-answer. Off by default: the run may be charged twice. */
	retryInterruptedStreams?: boolean;
	/** First backoff ceiling (doubles per retry); 1 s when unset. */
	retryBaseDelayMs?: number;
	/**
	 * Where each output's bytes go as they are decoded (the body is read only as fast as the
	 * sinks take them); without it they are collected in memory. Sinks of a failed attempt are
	 * destroyed before the error is thrown.
	 */
	openOutputSink?: OutputSinkFactory;
}

export async function infer(conn: InferConnection, req: InferRequest, opts: InferCallOptions): Promise<InferResult> {
	try {
		return await inferUnredacted(conn, req, opts);
	} catch (err) {
		throw redactSecret(redactSecret(err, conn.clientSecret ?? ''), (conn.clientSecret ?? '').trim());
	}
}

type HopOutcome = { kind: 'redirect'; status: number; location: string | string[] | undefined } | { kind: 'result'; result: InferResult };

interface CallContext {
	req: InferRequest;
	opts: InferCallOptions;
	credentials: Record<string, string>;
	deadline: CallDeadline;
	onLog?: (line: string) => void;
}

async function inferUnredacted(conn: InferConnection, req: InferRequest, opts: InferCallOptions): Promise<InferResult> {
	const endpoint = parseEndpointUrl(conn.endpointUrl);
	const credentials = credentialHeaders(conn);
	const secret = credentials.client_secret;
	const { onLog } = opts;
	const settings: RetrySettings = {
		maxRetries: opts.maxRetries,
		maxRetryWaitMs: opts.maxRetryWaitMs,
		baseDelayMs: opts.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS,
		maxDelayMs: DEFAULT_RETRY_MAX_DELAY_MS,
	};
	const deadline = new CallDeadline(opts.timeoutMs, opts.signal);
	const ctx: CallContext = {
		req,
		opts,
		credentials,
		deadline,
		onLog: onLog && ((line) => onLog(redactText(line, secret))),
	};
	const state = { retriesDone: 0, waitedMs: 0 };
	try {
		let hop = firstHop(endpoint);
		let redirects = 0;
		for (;;) {
			let outcome: HopOutcome;
			try {
				outcome = await runHop(hop, ctx);
			} catch (err) {
				const stopped = deadline.stopError;
				if (stopped) throw stopped;
				const decision = decideRetry(classifyFailure(err, opts.retryInterruptedStreams === true), state, settings);
				if (!decision.retry) throw withAttemptCount(err, state.retriesDone + 1, secret);
				opts.onRetry?.({ attempt: state.retriesDone + 1, delayMs: decision.delayMs, reason: retryReason(err) });
				await deadline.sleep(decision.delayMs);
				state.retriesDone++;
				state.waitedMs += decision.delayMs;
				continue;
			}
			if (outcome.kind === 'result') return redactResultTexts(outcome.result, secret);
			if (++redirects > MAX_REDIRECTS) {
				throw new InferRedirectError(
					`ViewComfy redirected more than ${MAX_REDIRECTS} times without giving a result; the run may be stuck. Check it on the ViewComfy dashboard.`,
				);
			}
			hop = nextHop(hop, outcome.status, outcome.location, endpoint.origin);
		}
	} finally {
		deadline.dispose();
	}
}

async function runHop(hop: HopRequest, ctx: CallContext): Promise<HopOutcome> {
	const res = await sendHop(hop, ctx.credentials, () => buildInferForm(ctx.req), ctx.deadline.signal);
	const status = res.statusCode;
	if (isRedirectStatus(status)) {
		await discardBody(res.body);
		return { kind: 'redirect', status, location: res.headers.location };
	}
	if (status >= 200 && status < 300) return { kind: 'result', result: await readResult(res, hop, ctx) };
	const text = await readBodyStart(res.body);
	const retryAfterMs = isRetryableStatus(status) ? parseRetryAfter(res.headers['retry-after'], Date.now()) : undefined;
	throw httpFailure(status, text, ctx.credentials.client_secret, retryAfterMs);
}

/** Streams the success body into the decoder that fits its content type. */
async function readResult(res: HopResponse, hop: HopRequest, ctx: CallContext): Promise<InferResult> {
	const contentType = String(res.headers['content-type'] ?? '');
	const { maxOutputBytes, openOutputSink: openSink } = ctx.opts;
	// Content type, not the `logs` flag, decides: a server may answer JSON to a logs=true request.
	const sse = /^\s*text\/event-stream/i.test(contentType)
		? new SseResultReader({ onLog: ctx.onLog, maxOutputBytes, openSink })
		: undefined;
	const json = sse ? undefined : new ResultStreamParser({ maxOutputBytes, openSink });
	const reader = (sse ?? json) as SseResultReader | ResultStreamParser;
	try {
		await readBody(res, hop, ctx, reader, sse);
		if (sse) return sse.end();
		return { ...(json as ResultStreamParser).end(), logs: [], errorEvents: [] };
	} catch (err) {
		reader.abort(err instanceof Error ? err : new Error(String(err)));
		throw err;
	}
}

async function readBody(
	res: HopResponse,
	hop: HopRequest,
	ctx: CallContext,
	reader: SseResultReader | ResultStreamParser,
	sse: SseResultReader | undefined,
): Promise<void> {
	let readerError: unknown;
	try {
		for await (const chunk of res.body) {
			try {
				reader.push(chunk as Buffer);
			} catch (err) {
				readerError = err;
				throw err;
			}
			// prompt_result is terminal: whatever follows is not read.
			if (sse?.finished) break;
			// Backpressure: a sink that holds too much stops reading until it has caught up.
			const wait = reader.waitForSinks();
			if (wait) await untilAborted(wait, ctx.deadline.signal);
		}
	} catch (err) {
		// The parser's own errors, and a sink's (n8n could not store the file), say what happened.
		if (err instanceof ViewComfyTransportError || (err !== undefined && err === readerError)) throw err;
		const stopped = ctx.deadline.stopError;
		if (stopped) throw stopped;
		throw new InterruptedResponseError(hop.url.host, networkErrorCode(err), sse ? sse.logs : []);
	}
}

/** Waits for `wait`, or less if the call is stopped meanwhile (the next body read then fails). */
async function untilAborted(wait: Promise<void>, signal: AbortSignal): Promise<void> {
	if (signal.aborted) return;
	let onAbort: (() => void) | undefined;
	const aborted = new Promise<void>((resolve) => {
		onAbort = () => resolve();
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		await Promise.race([wait, aborted]);
	} finally {
		if (onAbort) signal.removeEventListener('abort', onAbort);
	}
}

function classifyFailure(err: unknown, retryInterruptedStreams: boolean): RetryableFailure {
	if (err instanceof InferHttpError) return { retryable: isRetryableStatus(err.status), retryAfterMs: err.retryAfterMs };
	if (err instanceof InferNetworkError) return { retryable: isRetryableConnectionCode(err.code) };
	if (err instanceof InterruptedResponseError) return { retryable: retryInterruptedStreams };
	// A stream cut before its result is an interruption too; one that carried an `error` event
	// is ViewComfy reporting a failed run, which another try would only repeat.
	if (err instanceof StreamEndedError) return { retryable: retryInterruptedStreams && err.errorEvents.length === 0 };
	return { retryable: false };
}

function retryReason(err: unknown): string {
	if (err instanceof InferHttpError) return `HTTP ${err.status}`;
	if (err instanceof InferNetworkError) return describeNetworkCode(err.code);
	if (err instanceof InterruptedResponseError) return 'the answer was interrupted';
	if (err instanceof StreamEndedError) return 'the stream ended before the result';
	return 'failure';
}

/** The final error says how often it was tried, so users know retries already happened. */
function withAttemptCount(err: unknown, attempts: number, secret: string): unknown {
	if (attempts <= 1) return err;
	if (err instanceof InferHttpError) return httpFailure(err.status, err.body, secret, err.retryAfterMs, attempts);
	if (err instanceof InferNetworkError) return new InferNetworkError(err.host, err.code, attempts);
	return err;
}

function redactResultTexts(result: InferResult, secret: string): InferResult {
	return {
		...result,
		logs: result.logs.map((line) => redactText(line, secret)),
		errorEvents: result.errorEvents.map((text) => redactText(text, secret)),
	};
}
