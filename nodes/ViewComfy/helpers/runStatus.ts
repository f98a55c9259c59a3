import type { InferResultMeta } from './interfaces';

/** ViewComfy answered, but the run itself did not finish well. */
export class RunFailedError extends Error {
	constructor(
		readonly status: string | undefined,
		readonly completed: boolean | undefined,
		readonly promptId: string | undefined,
	) {
		super(
			`ViewComfy reported the run as failed (status: ${status ?? 'unknown'}, completed: ${String(completed)})`,
		);
		this.name = 'RunFailedError';
	}
}

/** A result counts as a success unless ViewComfy says it is incomplete or errored. */
export function assertRunSucceeded(meta: InferResultMeta): void {
	const status = typeof meta.status === 'string' ? meta.status : undefined;
	if (meta.completed === false || status?.toLowerCase() === 'error' || status?.toLowerCase() === 'failed') {
		throw new RunFailedError(status, meta.completed, meta.prompt_id);
	}
}
