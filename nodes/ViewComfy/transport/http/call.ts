/**
 * The one redirect loop, shared by direct infer and the hosted API: send a hop (with retries),
 * follow 3xx answers ourselves (303 becomes GET; credentials only to their own origin), turn other
 * non-2xx answers into the protocol's HTTP error, and hand a 2xx answer to the caller's reader.
 */
import type { CallDeadline } from './callDeadline';
import { ConnectionError, HttpStatusError, InferRedirectError, NetworkFailure, type RequestTarget } from './errors';
import { discardBody, readBodyStart, sendHop, type HopBody } from './exchange';
import type { HttpAnswer, N8nHttp } from './n8nHttp';
import { isRedirectStatus, nextHop, type HopRequest } from './redirects';
import { withRetries, type RetryRoutine } from './retry';
import { isRetryableReadStatus, isRetryableStatus, parseRetryAfter } from './retryPolicy';

export interface HttpCall<T> {
	http: N8nHttp;
	url: URL;
	method: 'GET' | 'POST';
	/** What the URL is, for the message when n8n's SSRF protection refuses it. */
	target: RequestTarget;
	body?: HopBody;
	/** The only origin trusted with the credentials; '' trusts none (download links). */
	credentialsOrigin: string;
	maxRedirects: number;
	/** The error when a chain is longer than `maxRedirects`. */
	tooManyRedirects: () => InferRedirectError;
	deadline: CallDeadline;
	retry: RetryRoutine;
	/** The protocol's error for an answer that is neither success nor redirect. */
	statusError: (status: number, body: string, retryAfterMs: number | undefined) => HttpStatusError | Error;
	/** The protocol's error for a hop that got no answer. */
	connectionError: (failure: NetworkFailure) => ConnectionError;
	/** See sendHop: only for the cancel request sent after n8n stopped the execution. */
	ownCredentials?: Record<string, string>;
	/** Reads a 2xx answer; what it throws is retried when the routine calls it retryable. */
	read: (answer: HttpAnswer, hop: HopRequest) => Promise<T>;
}

type HopOutcome<T> = { kind: 'redirect'; status: number; location: string | string[] | undefined } | { kind: 'result'; value: T };

export async function callFollowingRedirects<T>(call: HttpCall<T>): Promise<T> {
	let hop: HopRequest = {
		url: call.url,
		method: call.method,
		sendBody: call.body !== undefined,
		withCredentials: call.credentialsOrigin !== '' && call.url.origin === call.credentialsOrigin,
	};
	for (let redirects = 0; ; redirects++) {
		const current = hop;
		// A retry repeats this hop only: after a 303, the POST that started the run is not sent again.
		const outcome = await withRetries(async () => await exchange(call, current), call.retry);
		if (outcome.kind === 'result') return outcome.value;
		if (redirects >= call.maxRedirects) return await Promise.reject(call.tooManyRedirects());
		hop = nextHop(hop, outcome.status, outcome.location, call.credentialsOrigin);
	}
}

async function exchange<T>(call: HttpCall<T>, hop: HopRequest): Promise<HopOutcome<T>> {
	const answer = await sendHop(call.http, hop, call.body, call.deadline, call.target, call.ownCredentials).catch(async (err: unknown) =>
		await Promise.reject(err instanceof NetworkFailure ? call.connectionError(err) : err),
	);
	const status = answer.statusCode;
	if (isRedirectStatus(status)) {
		discardBody(answer.body);
		return { kind: 'redirect', status, location: answer.headers.location };
	}
	if (status >= 200 && status < 300) return { kind: 'result', value: await call.read(answer, hop) };
	const text = await readBodyStart(answer.body);
	const worthWaiting = call.retry.kind === 'run' ? isRetryableStatus(status) : isRetryableReadStatus(status);
	const retryAfterMs = worthWaiting ? parseRetryAfter(answer.headers['retry-after'], Date.now()) : undefined;
	return await Promise.reject(call.statusError(status, text, retryAfterMs));
}
