/**
 * How often the hosted API is asked about a run: a first interval that grows by a factor after
 * each poll up to a ceiling, so short runs are seen soon and long ones cost few requests. Pure.
 */

export interface PollSettings {
	/** Wait before the second poll (the first one goes at once). */
	intervalMs: number;
	/** Ceiling of the wait between polls. */
	maxIntervalMs: number;
	/** Factor the wait grows by after each poll; 1 keeps it constant. */
	backoff: number;
}

export const DEFAULT_POLL_INTERVAL_SECONDS = 2;
export const DEFAULT_MAX_POLL_INTERVAL_SECONDS = 30;
export const DEFAULT_POLL_BACKOFF = 1.5;

/** The wait after poll number `pollsDone` (0 after the first poll). */
export function pollDelayMs(pollsDone: number, settings: PollSettings): number {
	const first = Math.max(0, settings.intervalMs);
	const ceiling = Math.max(first, settings.maxIntervalMs);
	const factor = Math.max(1, settings.backoff) ** Math.max(0, pollsDone);
	// 0 × an overflowed factor would be NaN; no interval stays no interval.
	return first === 0 ? 0 : Math.round(Math.min(ceiling, first * factor));
}
