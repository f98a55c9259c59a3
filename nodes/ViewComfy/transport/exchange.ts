/**
 * One HTTP exchange (one hop) with undici's `request()`: send, and hand back status, headers
 * and the body stream. Failures before any response headers become InferNetworkError.
 */
import { request, type Dispatcher, type FormData } from 'undici';
import { getSharedDispatcher } from './agent';
import { InferNetworkError } from './errors';
import type { HopRequest } from './redirects';

export type HopResponse = Dispatcher.ResponseData;
export type ResponseBody = HopResponse['body'];

/** How much of an error body is read: enough for any JSON error, bounded for an HTML page. */
export const ERROR_BODY_LIMIT = 64 * 1024;

export async function sendHop(
	hop: HopRequest,
	credentials: Record<string, string>,
	buildBody: () => FormData,
	signal: AbortSignal,
): Promise<HopResponse> {
	try {
		return await request(hop.url, {
			method: hop.method as Dispatcher.HttpMethod,
			headers: hop.withCredentials ? credentials : {},
			body: hop.sendBody ? buildBody() : undefined,
			dispatcher: getSharedDispatcher(),
			signal,
		});
	} catch (err) {
		// The abort reason is already the error to report (timeout or cancel).
		if (signal.aborted) throw signal.reason;
		throw new InferNetworkError(hop.url.host, networkErrorCode(err), 1);
	}
}

/** The start of a body (at most `limit` bytes) as text; the rest is not downloaded. */
export async function readBodyStart(body: ResponseBody, limit = ERROR_BODY_LIMIT): Promise<string> {
	const parts: Buffer[] = [];
	let size = 0;
	try {
		for await (const chunk of body) {
			parts.push(chunk as Buffer);
			size += (chunk as Buffer).length;
			if (size >= limit) break;
		}
	} catch {
		// A body cut short still tells something; keep what arrived.
	}
	return Buffer.concat(parts).subarray(0, limit).toString('utf8');
}

/** Drops a body that is not needed (redirects, probe answers) without reading much of it. */
export async function discardBody(body: ResponseBody): Promise<void> {
	try {
		await body.dump({ limit: ERROR_BODY_LIMIT });
	} catch {
		// Nothing to learn from a body we did not want.
	}
}

/** The system or undici error code (`ECONNREFUSED`, `UND_ERR_SOCKET`, …) behind a failure. */
export function networkErrorCode(err: unknown): string | undefined {
	const seen = new Set<unknown>();
	let current: unknown = err;
	while (current !== null && typeof current === 'object' && !seen.has(current)) {
		seen.add(current);
		const { code, cause, errors } = current as { code?: unknown; cause?: unknown; errors?: unknown };
		if (typeof code === 'string') return code;
		current = cause ?? (Array.isArray(errors) ? errors[0] : undefined);
	}
	return undefined;
}
