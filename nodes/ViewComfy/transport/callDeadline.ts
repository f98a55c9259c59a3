/**
 * One AbortSignal for a whole call (all hops, retries and waits) that fires on the overall
 * timeout or when n8n cancels the execution. The abort reason is the error to report, so a
 * caller that catches anything can ask `stopError` which of the two happened.
 */
import { InferAbortedError, InferTimeoutError, type ViewComfyTransportError } from './errors';

/** setTimeout's largest delay; longer timeouts would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class CallDeadline {
	private readonly controller = new AbortController();
	private readonly timer: NodeJS.Timeout | undefined;
	private readonly onCancel = () => this.stop(new InferAbortedError());

	constructor(
		timeoutMs: number,
		private readonly cancelSignal?: AbortSignal,
	) {
		if (Number.isFinite(timeoutMs) && timeoutMs > 0) {
			this.timer = setTimeout(() => this.stop(new InferTimeoutError(timeoutMs)), Math.min(timeoutMs, MAX_TIMER_MS));
		}
		if (cancelSignal?.aborted) this.onCancel();
		else cancelSignal?.addEventListener('abort', this.onCancel, { once: true });
	}

	get signal(): AbortSignal {
		return this.controller.signal;
	}

	/** The timeout or cancel error once either happened. */
	get stopError(): ViewComfyTransportError | undefined {
		return this.controller.signal.aborted ? (this.controller.signal.reason as ViewComfyTransportError) : undefined;
	}

	/** Waits `ms`, or rejects with the stop error as soon as the call is stopped. */
	sleep(ms: number): Promise<void> {
		return new Promise((resolve, reject) => {
			const stopped = this.stopError;
			if (stopped) {
				reject(stopped);
				return;
			}
			const onAbort = () => {
				clearTimeout(timer);
				reject(this.stopError);
			};
			const timer = setTimeout(() => {
				this.signal.removeEventListener('abort', onAbort);
				resolve();
			}, ms);
			this.signal.addEventListener('abort', onAbort, { once: true });
		});
	}

	dispose(): void {
		if (this.timer) clearTimeout(this.timer);
		this.cancelSignal?.removeEventListener('abort', this.onCancel);
	}

	private stop(reason: ViewComfyTransportError): void {
		if (!this.controller.signal.aborted) this.controller.abort(reason);
	}
}
