/**
 * Which failures are worth another attempt, and how long to wait before it. Pure: the clock and
 * the random source are parameters.
 *
 * Only failures that say "the request did not run" retry: gateway/overload statuses and
 * connections that failed before any answer. A 500 or any other 4xx may come after the
 * generation ran (GPU time was spent), so those never retry.
 */

export interface RetrySettings {
	/** Retries after the first attempt. */
	maxRetries: number;
	/** Total time all waits together may take. */
	maxRetryWaitMs: number;
	/** First backoff ceiling; doubles on each retry. */
	baseDelayMs: number;
	/** Ceiling of a single backoff wait (Retry-After may ask for more). */
	maxDelayMs: number;
}

export const DEFAULT_RETRY_BASE_DELAY_MS = 1000;
export const DEFAULT_RETRY_MAX_DELAY_MS = 30_000;

export interface RetryState {
	/** Retries already made. */
	retriesDone: number;
	/** Time already spent waiting between attempts. */
	waitedMs: number;
}

export interface RetryableFailure {
	retryable: boolean;
	/** What the server asked for in Retry-After, in ms. */
	retryAfterMs?: number;
}

export type RetryDecision =
	| { retry: true; delayMs: number }
	| { retry: false; why: 'not retryable' | 'no retries left' | 'wait budget used up' };

export function decideRetry(
	failure: RetryableFailure,
	state: RetryState,
	settings: RetrySettings,
	random: () => number = Math.random,
): RetryDecision {
	if (!failure.retryable) return { retry: false, why: 'not retryable' };
	if (state.retriesDone >= settings.maxRetries) return { retry: false, why: 'no retries left' };
	const budgetLeft = Math.max(0, settings.maxRetryWaitMs - state.waitedMs);
	if (failure.retryAfterMs !== undefined) {
		// Coming back sooner than asked would only earn another refusal.
		if (failure.retryAfterMs > budgetLeft) return { retry: false, why: 'wait budget used up' };
		return { retry: true, delayMs: failure.retryAfterMs };
	}
	const delay = backoffDelayMs(state.retriesDone, settings, random);
	return { retry: true, delayMs: Math.min(delay, budgetLeft) };
}

/** "Full jitter": a uniform wait between 0 and an exponentially growing ceiling. */
export function backoffDelayMs(
	retriesDone: number,
	settings: Pick<RetrySettings, 'baseDelayMs' | 'maxDelayMs'>,
	random: () => number = Math.random,
): number {
	const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** retriesDone);
	return Math.floor(random() * ceiling);
}

/** Statuses that mean "not now": the gateway or the service is busy or restarting. */
export function isRetryableStatus(status: number): boolean {
	return status === 429 || status === 502 || status === 503 || status === 504;
}

const RETRYABLE_CONNECTION_CODES = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'EPIPE',
	'ETIMEDOUT',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'UND_ERR_SOCKET',
	'UND_ERR_CLOSED',
	'UND_ERR_CONNECT_TIMEOUT',
]);

/** Connection failures before any answer that a second attempt can cure. */
export function isRetryableConnectionCode(code: string | undefined): boolean {
	return code !== undefined && RETRYABLE_CONNECTION_CODES.has(code);
}

/**
 * Retry-After as milliseconds to wait: delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
	const text = (Array.isArray(value) ? value[0] : value)?.trim();
	if (!text) return undefined;
	if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
	// Date.parse also reads bare numbers such as "-5" as years: a date must name its day or month.
	if (!/[a-z]/i.test(text)) return undefined;
	const at = Date.parse(text);
	if (Number.isNaN(at)) return undefined;
	return Math.max(0, at - nowMs);
}

/**
 * Asking about a run changes nothing on ViewComfy, so every server-side failure is worth another
 * try; only answers about the request itself (401, 404, 422…) are final.
 */
export function isRetryableReadStatus(status: number): boolean {
	return status === 408 || status === 429 || status >= 500;
}
