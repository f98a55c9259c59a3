/**
 * The one retry routine of the transport, for direct infer and for every hosted call: run an
 * attempt, and on a failure the policy calls retryable wait (within the retry budget and the
 * call's deadline) and try again. The final error says how many attempts were made.
 */
import type { CallDeadline } from './callDeadline';
import {
	ConnectionError,
	HttpStatusError,
	InterruptedResponseError,
	StreamEndedError,
	describeNetworkCode,
} from './errors';
import {
	DEFAULT_RETRY_BASE_DELAY_MS,
	DEFAULT_RETRY_MAX_DELAY_MS,
	decideRetry,
	isRetryableConnectionCode,
	isRetryableReadStatus,
	isRetryableStatus,
	type RetryableFailure,
	type RetrySettings,
} from './retryPolicy';

export interface RetryInfo {
	/** 1 for the first retry, 2 for the second, … */
	attempt: number;
	delayMs: number;
	/** Why the previous attempt failed, e.g. `HTTP 503`. */
	reason: string;
}

/** The retry options a call takes from the node's options. */
export interface RetryOptions {
	maxRetries: number;
	/** Total time all retry waits together may take. */
	maxRetryWaitMs: number;
	/** First backoff ceiling (doubles per retry); 1 s when unset. */
	retryBaseDelayMs?: number;
	onRetry?: (info: RetryInfo) => void;
}

/**
 * What a repeat of the request would do. `run`: it may start a paid generation, so only answers
 * that say it did not run are retried. `read`: it changes nothing (status, cancel, download).
 */
export type RequestKind = 'run' | 'read';

export interface RetryRoutine extends RetryOptions {
	kind: RequestKind;
	deadline: CallDeadline;
	/** Retry when a direct answer breaks mid-stream (the run may be charged twice). */
	retryInterruptedStreams?: boolean;
	/** For redaction when an HTTP error is reworded with its attempt count. */
	secret: string;
}

export async function withRetries<T>(attempt: () => Promise<T>, routine: RetryRoutine): Promise<T> {
	const settings: RetrySettings = {
		maxRetries: routine.maxRetries,
		maxRetryWaitMs: routine.maxRetryWaitMs,
		baseDelayMs: routine.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS,
		maxDelayMs: DEFAULT_RETRY_MAX_DELAY_MS,
	};
	const state = { retriesDone: 0, waitedMs: 0 };
	for (;;) {
		const outcome = await attempt().then(
			(value) => ({ ok: true as const, value }),
			(error: unknown) => ({ ok: false as const, error }),
		);
		if (outcome.ok) return outcome.value;
		const stopped = routine.deadline.stopError;
		if (stopped) return await Promise.reject(stopped);
		const decision = decideRetry(classifyFailure(outcome.error, routine), state, settings);
		if (!decision.retry) return await Promise.reject(withAttemptCount(outcome.error, state.retriesDone + 1, routine.secret));
		routine.onRetry?.({ attempt: state.retriesDone + 1, delayMs: decision.delayMs, reason: retryReason(outcome.error) });
		await routine.deadline.sleep(decision.delayMs);
		state.retriesDone++;
		state.waitedMs += decision.delayMs;
	}
}

/** The one classification of failures: which are worth another attempt. */
export function classifyFailure(err: unknown, routine: Pick<RetryRoutine, 'kind' | 'retryInterruptedStreams'>): RetryableFailure {
	if (err instanceof HttpStatusError) {
		const retryable = routine.kind === 'run' ? isRetryableStatus(err.status) : isRetryableReadStatus(err.status);
		return { retryable, retryAfterMs: err.retryAfterMs };
	}
	if (err instanceof ConnectionError) return { retryable: isRetryableConnectionCode(err.code) };
	if (err instanceof InterruptedResponseError) return { retryable: routine.retryInterruptedStreams === true };
	// A stream cut before its result is an interruption too; one that carried an `error` event
	// is ViewComfy reporting a failed run, which another try would only repeat.
	if (err instanceof StreamEndedError) return { retryable: routine.retryInterruptedStreams === true && err.errorEvents.length === 0 };
	return { retryable: false };
}

function retryReason(err: unknown): string {
	if (err instanceof HttpStatusError) return `HTTP ${err.status}`;
	if (err instanceof ConnectionError) return describeNetworkCode(err.code);
	if (err instanceof InterruptedResponseError) return 'the answer was interrupted';
	if (err instanceof StreamEndedError) return 'the stream ended before the result';
	return 'failure';
}

/** The final error says how often it was tried, so users know retries already happened. */
function withAttemptCount(err: unknown, attempts: number, secret: string): unknown {
	if (attempts <= 1) return err;
	if (err instanceof HttpStatusError) return err.afterAttempts(attempts, secret);
	if (err instanceof ConnectionError) return err.afterAttempts(attempts);
	return err;
}
