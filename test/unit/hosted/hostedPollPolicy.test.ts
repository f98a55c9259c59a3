import fc from 'fast-check';
import { pollDelayMs, type PollSettings } from '../../../nodes/ViewComfy/transport/hosted/hostedPollPolicy';
import { isRetryableReadStatus } from '../../../nodes/ViewComfy/transport/http/retryPolicy';

const settings: PollSettings = { intervalMs: 2000, maxIntervalMs: 30_000, backoff: 1.5 };

describe('pollDelayMs', () => {
	it('starts at the interval and grows by the factor up to the ceiling', () => {
		expect([0, 1, 2, 3, 6, 7, 50, 10_000].map((n) => pollDelayMs(n, settings))).toEqual([
			2000, 3000, 4500, 6750, 22781, 30000, 30000, 30000,
		]);
	});

	it('backoff 1 keeps the interval; a ceiling below the interval is the interval', () => {
		expect(pollDelayMs(5, { ...settings, backoff: 1 })).toBe(2000);
		expect(pollDelayMs(5, { intervalMs: 2000, maxIntervalMs: 500, backoff: 2 })).toBe(2000);
	});

	it('on any settings: never negative, never above max(interval, ceiling), never shrinking', () => {
		fc.assert(
			fc.property(
				fc.record({ intervalMs: fc.integer({ min: -10, max: 100_000 }), maxIntervalMs: fc.integer({ min: -10, max: 1_000_000 }), backoff: fc.double({ min: -2, max: 10, noNaN: true }) }),
				fc.nat(2000),
				(s, n) => {
					const delay = pollDelayMs(n, s);
					expect(Number.isFinite(delay)).toBe(true);
					expect(delay).toBeGreaterThanOrEqual(0);
					expect(delay).toBeLessThanOrEqual(Math.max(0, s.intervalMs, s.maxIntervalMs));
					expect(pollDelayMs(n + 1, s)).toBeGreaterThanOrEqual(delay);
				},
			),
			{ numRuns: 500 },
		);
	});
});

describe('isRetryableReadStatus', () => {
	it.each([
		[500, true],
		[502, true],
		[503, true],
		[599, true],
		[429, true],
		[408, true],
		[400, false],
		[401, false],
		[403, false],
		[404, false],
		[422, false],
	])('%i → %s', (status, retryable) => {
		expect(isRetryableReadStatus(status)).toBe(retryable);
	});
});
