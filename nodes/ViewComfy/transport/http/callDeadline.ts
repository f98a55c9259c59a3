/**
 * One AbortSignal for a whole call (all hops, retries and waits) that fires on the overall
 * timeout or when n8n cancels the execution. The abort reason is the error to report, so a
 * caller that catches anything can ask `stopError` which of the two happened.
 *
 * n8n's authenticated helper replaces a request's abortSignal with the execution's cancel
 * signal; `remainingMs` is what such a request gets as its `timeout` instead, and the body of a
 * streamed answer is destroyed when this signal fires (see exchange.ts).
 */

import { InferAbortedError, InferTimeoutError, type ViewComfyTransportError } from './errors';

/** The largest delay a timer takes; longer timeouts would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class CallDeadline {
	private readonly controller = new AbortController();
	private readonly expiresAt: number;
	private readonly timeoutSignal: AbortSignal | undefined;
	private readonly onTimeout = () => this.stop(new InferTimeoutError(this.timeoutMs));
	private readonly onCancel = () => this.stop(new InferAbortedError());

	constructor(
		private readonly timeoutMs: number,
		private readonly cancelSignal?: AbortSignal,
	) {
		const bounded = Number.isFinite(timeoutMs) && timeoutMs > 0;
		this.expiresAt = bounded ? Date.now() + timeoutMs : Number.POSITIVE_INFINITY;
		if (bounded) {
			this.timeoutSignal = AbortSignal.timeout(Math.min(timeoutMs, MAX_TIMER_MS));
			this.timeoutSignal.addEventListener('abort', this.onTimeout, { once: true });
		}
		if (cancelSignal?.aborted) this.onCancel();
		else cancelSignal?.addEventListener('abort', this.onCancel, { once: true });
	}

	get signal(): AbortSignal {
		return this.controller.signal;
	}

	/** The timeout or cancel error once either happened (or the time is up). */
	get stopError(): ViewComfyTransportError | undefined {
		if (!this.controller.signal.aborted && Date.now() >= this.expiresAt) this.onTimeout();
		return this.controller.signal.aborted ? (this.controller.signal.reason as ViewComfyTransportError) : undefined;
	}

	/** Time left, for a request whose own abort signal n8n replaces. */
	get remainingMs(): number {
		return Math.max(1, Math.min(MAX_TIMER_MS, this.expiresAt - Date.now()));
	}

	/** Waits `ms`, or rejects with the stop error as soon as the call is stopped. */
	async sleep(ms: number): Promise<void> {
		const stopped = this.stopError;
		if (stopped) return await Promise.reject(stopped);
		try {
			await abortableSleep(ms, this.signal);
		} catch {
			return await Promise.reject(this.stopError);
		}
	}

	/** Waits for `wait`, or less if the call is stopped meanwhile (the next body read then fails). */
	async until(wait: Promise<void>): Promise<void> {
		const signal = this.signal;
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

	dispose(): void {
		this.timeoutSignal?.removeEventListener('abort', this.onTimeout);
		this.cancelSignal?.removeEventListener('abort', this.onCancel);
	}

	private stop(reason: ViewComfyTransportError): void {
		if (!this.controller.signal.aborted) this.controller.abort(reason);
	}
}

/**
 * Waits `ms` unless `signal` fires first, and leaves no listener behind either way (the call's
 * signal sees many waits). Not n8n-workflow's sleepWithAbort: the n8n-workflow that n8n 2.40 ships
 * (2.40.1) does not export it, so a wait there would throw `undefined`.
 */
async function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
	await new Promise<void>((resolve, reject) => {
		if (signal.aborted) return reject(new Error('aborted'));
		const timer = AbortSignal.timeout(Math.min(Math.max(0, ms), MAX_TIMER_MS));
		const onAbort = () => {
			timer.removeEventListener('abort', onTimer);
			reject(new Error('aborted'));
		};
		const onTimer = () => {
			signal.removeEventListener('abort', onAbort);
			resolve();
		};
		timer.addEventListener('abort', onTimer, { once: true });
		signal.addEventListener('abort', onAbort, { once: true });
	});
}
