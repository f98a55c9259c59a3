import type { IExecuteFunctions } from 'n8n-workflow';

import {
	DEFAULT_MAX_POLL_INTERVAL_SECONDS,
	DEFAULT_POLL_BACKOFF,
	DEFAULT_POLL_INTERVAL_SECONDS,
} from '../transport/hosted/hostedPollPolicy';
import type { HostedCallOptions } from '../transport/hosted/hostedRun';

/** The node options the hosted API calls read (a subset of the Options collection). */
export interface HostedOptionValues {
	timeoutMinutes?: number;
	maxRetries?: number;
	maxRetryWaitSeconds?: number;
	maxOutputSizeMb?: number;
	pollIntervalSeconds?: number;
	maxPollIntervalSeconds?: number;
	/** Download Files: off outputs the pre-signed links instead of the files. */
	downloadFiles?: boolean;
}

/** Timeouts, retries and polling from the options; progress and retries go to n8n's log. */
export function hostedCallOptions(
	ctx: IExecuteFunctions,
	options: HostedOptionValues,
	itemIndex?: number,
): HostedCallOptions {
	const meta = { node: ctx.getNode().name, ...(itemIndex === undefined ? {} : { itemIndex }) };
	return {
		timeoutMs: (options.timeoutMinutes ?? 40) * 60_000,
		signal: ctx.getExecutionCancelSignal?.(),
		maxRetries: options.maxRetries ?? 8,
		maxRetryWaitMs: (options.maxRetryWaitSeconds ?? 600) * 1000,
		maxOutputBytes: Math.floor((options.maxOutputSizeMb ?? 2048) * 1024 * 1024),
		downloadFiles: options.downloadFiles ?? true,
		poll: {
			intervalMs: (options.pollIntervalSeconds ?? DEFAULT_POLL_INTERVAL_SECONDS) * 1000,
			maxIntervalMs: (options.maxPollIntervalSeconds ?? DEFAULT_MAX_POLL_INTERVAL_SECONDS) * 1000,
			backoff: DEFAULT_POLL_BACKOFF,
		},
		onRetry: ({ attempt, delayMs, reason }) =>
			ctx.logger.warn(`[ViewComfy] ${reason}; retry ${attempt} in ${Math.round(delayMs / 100) / 10} s`, meta),
		onStatus: (record) =>
			ctx.logger.debug(`[ViewComfy] run ${record.promptId}: ${record.status}${record.completed ? ' (completed)' : ''}`, meta),
		onCancelSent: ({ promptId, ok, message }) =>
			ok
				? ctx.logger.info(`[ViewComfy] execution stopped: asked ViewComfy to cancel run ${promptId} (${message})`, meta)
				: ctx.logger.warn(`[ViewComfy] execution stopped, but cancelling run ${promptId} failed: ${message}`, meta),
	};
}
