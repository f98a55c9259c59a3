/**
 * One HTTP exchange (one hop) through n8n's request helpers: send, and hand back status, headers
 * and the body stream, unread. Redirects are not followed here (redirects.ts decides where each
 * hop goes and whether it carries the credentials); HTTP statuses are not errors here either.
 * Failures before any response headers become a NetworkFailure that names the host and code, or,
 * when n8n's SSRF protection refused the address, an SsrfRefusedError that names the URL.
 */
import type { IHttpRequestMethods, IHttpRequestOptions } from 'n8n-workflow';

import { urlForMessages } from '../../helpers/inputFile';
import type { CallDeadline } from './callDeadline';
import { NetworkFailure, SsrfRefusedError, type RequestTarget } from './errors';
import { asHttpAnswer, type HttpAnswer, type N8nHttp, type ResponseBody } from './n8nHttp';
import type { HopRequest } from './redirects';

/** How much of an error body is read: enough for any JSON error, bounded for an HTML page. */
export const ERROR_BODY_LIMIT = 64 * 1024;

/** A request body: a spec FormData (multipart) or a JSON text. */
export type RequestBody = FormData | string;

export interface HopBody {
	/** Built once per hop that sends it: a streamed body cannot be sent twice. */
	build: () => RequestBody;
	/** For a string body; FormData sets its own multipart type. */
	contentType?: string;
}

/**
 * @param target what the call is for: a refusal by n8n's SSRF protection names it.
 * @param ownCredentials headers sent instead of n8n's authenticated helper, for the one request
 *   made after n8n stopped the execution: that helper would abort it with the cancel signal.
 */
export async function sendHop(
	http: N8nHttp,
	hop: HopRequest,
	body: HopBody | undefined,
	deadline: CallDeadline,
	target: RequestTarget,
	ownCredentials?: Record<string, string>,
): Promise<HttpAnswer> {
	const stopped = deadline.stopError;
	if (stopped) return await Promise.reject(stopped);
	const options: IHttpRequestOptions = {
		url: hop.url.href,
		method: hop.method as IHttpRequestMethods,
		encoding: 'stream',
		returnFullResponse: true,
		disableFollowRedirect: true,
		ignoreHttpStatusErrors: true,
		// The signal stops the request at the deadline or on Stop (n8nHttp.ts hands it to the
		// authenticated helper too); the time left also bounds the wait for the headers.
		timeout: deadline.remainingMs,
		abortSignal: deadline.signal,
	};
	if (hop.sendBody && body) {
		options.body = body.build();
		if (body.contentType) options.headers = { 'content-type': body.contentType };
	}
	let sent: Promise<unknown>;
	if (!hop.withCredentials) sent = http.plain(options);
	else if (ownCredentials) sent = http.plain({ ...options, headers: { ...options.headers, ...ownCredentials } });
	else sent = http.withCredentials(options);
	const answer = await sent.then(asHttpAnswer, (err: unknown) => failedHop(err, hop, deadline, target));
	// Past the headers, the body stream is all that is left to stop at the deadline or on cancel.
	const stopBody = () => answer.body.destroy();
	if (deadline.signal.aborted) stopBody();
	else {
		deadline.signal.addEventListener('abort', stopBody, { once: true });
		answer.body.once('close', () => deadline.signal.removeEventListener('abort', stopBody));
	}
	return answer;
}

/**
 * The stop error when the call was stopped; n8n's SSRF refusal, named; otherwise which connection
 * failed, and how.
 */
async function failedHop(err: unknown, hop: HopRequest, deadline: CallDeadline, target: RequestTarget): Promise<never> {
	closeAbandonedRequest(err);
	const stopped = deadline.stopError;
	if (stopped) throw stopped;
	const refusal = ssrfRefusal(err);
	if (refusal) {
		const kind = hop.redirected ? 'redirect' : target.kind;
		throw new SsrfRefusedError(urlForMessages(hop.url), hop.url.hostname, kind, refusal.ip, target.field);
	}
	throw new NetworkFailure(hop.url.host, networkErrorCode(err));
}

/**
 * The names of the errors n8n's SSRF protection refuses a connection with (@n8n/backend-network,
 * n8n 2.12 and later). A verified node may not import them: they are known by name and shape.
 */
const SSRF_ERROR_NAMES = new Set(['SsrfBlockedIpError', 'SsrfBlockedHostnameError']);

/**
 * n8n's SSRF refusal behind a failure, with the address it refused (`ip`), or undefined. Axios
 * wraps it (as `cause`), and n8n's authenticated helper wraps that again.
 */
export function ssrfRefusal(err: unknown): { ip?: string } | undefined {
	const seen = new Set<unknown>();
	let current: unknown = err;
	while (current !== null && typeof current === 'object' && !seen.has(current)) {
		seen.add(current);
		const { name, ip, cause, errors } = current as { name?: unknown; ip?: unknown; cause?: unknown; errors?: unknown };
		if (typeof name === 'string' && SSRF_ERROR_NAMES.has(name)) return typeof ip === 'string' && ip !== '' ? { ip } : {};
		current = cause ?? (Array.isArray(errors) ? errors[0] : undefined);
	}
	return undefined;
}

/**
 * axios rejects on its `timeout` but leaves the request, and so the connection, open (measured
 * with n8n-core 2.8's helper): the server would go on waiting on a call nobody reads. The
 * request travels on the error (directly, or as the cause of n8n's NodeApiError).
 */
function closeAbandonedRequest(err: unknown): void {
	const seen = new Set<unknown>();
	let current: unknown = err;
	while (current !== null && typeof current === 'object' && !seen.has(current)) {
		seen.add(current);
		const { request, cause } = current as { request?: { destroyed?: boolean; destroy?: () => void }; cause?: unknown };
		if (request && request.destroyed === false && typeof request.destroy === 'function') {
			request.destroy();
			return;
		}
		current = cause;
	}
}

/** The start of a body (at most `limit` bytes) as text; the rest is not downloaded. */
export async function readBodyStart(body: ResponseBody, limit = ERROR_BODY_LIMIT): Promise<string> {
	const parts: Buffer[] = [];
	let size = 0;
	try {
		for await (const chunk of body) {
			parts.push(chunk);
			size += chunk.length;
			if (size >= limit) break;
		}
	} catch {
		// A body cut short still tells something; keep what arrived.
	}
	body.destroy();
	return Buffer.concat(parts).subarray(0, limit).toString('utf8');
}

/**
 * The body's length as its Content-Length declares it, or undefined. A hint, not a promise: the
 * request helper decompresses a compressed answer and drops its Content-Encoding, but the length
 * it leaves is the compressed one.
 */
export function declaredBodyBytes(answer: HttpAnswer): number | undefined {
	const value = answer.headers['content-length'];
	const text = Array.isArray(value) ? value[0] : value;
	return text !== undefined && /^\d+$/.test(text.trim()) ? Number(text) : undefined;
}

/** Drops a body that is not needed (redirects, probe answers) without reading it. */
export function discardBody(body: ResponseBody): void {
	body.destroy();
}

/** The system or client error code (`ECONNREFUSED`, `ECONNRESET`, …) behind a failure. */
export function networkErrorCode(err: unknown): string | undefined {
	const seen = new Set<unknown>();
	let current: unknown = err;
	while (current !== null && typeof current === 'object' && !seen.has(current)) {
		seen.add(current);
		const { code, httpCode, cause, errors } = current as { code?: unknown; httpCode?: unknown; cause?: unknown; errors?: unknown };
		if (typeof code === 'string' && code !== '') return code;
		// n8n's authenticated helper wraps the client's error in a NodeApiError that keeps the
		// system code (ECONNREFUSED, …) as its `httpCode`, without the original error.
		if (typeof httpCode === 'string' && /^[A-Z][A-Z_]+$/.test(httpCode)) return httpCode;
		current = cause ?? (Array.isArray(errors) ? errors[0] : undefined);
	}
	return undefined;
}
