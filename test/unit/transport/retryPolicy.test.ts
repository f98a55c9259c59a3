import {
	backoffDelayMs,
	decideRetry,
	isRetryableConnectionCode,
	isRetryableStatus,
	parseRetryAfter,
	type RetrySettings,
} from '../../../nodes/ViewComfy/transport/http/retryPolicy';

const settings: RetrySettings = { maxRetries: 3, maxRetryWaitMs: 10_000, baseDelayMs: 1000, maxDelayMs: 8000 };
const fresh = { retriesDone: 0, waitedMs: 0 };
const alwaysMax = () => 0.999999;

describe('retryPolicy', () => {
	it('retries only the statuses that mean "not now"', () => {
		expect([429, 502, 503, 504].every(isRetryableStatus)).toBe(true);
		expect([400, 401, 403, 404, 413, 422, 500, 501, 505].some(isRetryableStatus)).toBe(false);
	});

	it('retries connection failures that a second attempt can cure, not others', () => {
		for (const code of ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'EAI_AGAIN']) {
			expect([code, isRetryableConnectionCode(code)]).toEqual([code, true]);
		}
		for (const code of ['ENOTFOUND', 'CERT_HAS_EXPIRED', 'UND_ERR_INVALID_ARG', undefined]) {
			expect([code, isRetryableConnectionCode(code)]).toEqual([code, false]);
		}
	});

	it('waits a full-jitter backoff whose ceiling doubles and is capped', () => {
		expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, settings, alwaysMax))).toEqual([999, 1999, 3999, 7999, 7999, 7999]);
		expect(backoffDelayMs(3, settings, () => 0)).toBe(0);
		expect(backoffDelayMs(1, settings, () => 0.5)).toBe(1000);
	});

	it('does not retry what is not retryable', () => {
		expect(decideRetry({ retryable: false }, fresh, settings)).toEqual({ retry: false, why: 'not retryable' });
	});

	it('stops after maxRetries', () => {
		expect(decideRetry({ retryable: true }, { retriesDone: 2, waitedMs: 0 }, settings, () => 0.5).retry).toBe(true);
		expect(decideRetry({ retryable: true }, { retriesDone: 3, waitedMs: 0 }, settings)).toEqual({ retry: false, why: 'no retries left' });
	});

	it('clips a backoff wait to what is left of the wait budget', () => {
		expect(decideRetry({ retryable: true }, { retriesDone: 2, waitedMs: 9500 }, settings, alwaysMax)).toEqual({ retry: true, delayMs: 500 });
	});

	it('honours Retry-After exactly, and gives up when it exceeds the budget left', () => {
		expect(decideRetry({ retryable: true, retryAfterMs: 4000 }, fresh, settings)).toEqual({ retry: true, delayMs: 4000 });
		expect(decideRetry({ retryable: true, retryAfterMs: 4000 }, { retriesDone: 1, waitedMs: 7000 }, settings)).toEqual({
			retry: false,
			why: 'wait budget used up',
		});
	});

	it('reads Retry-After as seconds or as an HTTP date', () => {
		const now = Date.parse('2025-01-01T00:00:00Z');
		expect(parseRetryAfter('7', now)).toBe(7000);
		expect(parseRetryAfter(' 0 ', now)).toBe(0);
		expect(parseRetryAfter('1.5', now)).toBe(1500);
		expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
		expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
		expect(parseRetryAfter(['3', '9'], now)).toBe(3000);
		expect(parseRetryAfter('soon', now)).toBeUndefined();
		expect(parseRetryAfter('-5', now)).toBeUndefined();
		expect(parseRetryAfter(undefined, now)).toBeUndefined();
	});
});
