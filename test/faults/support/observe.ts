/**
 * Reading facts out of a run and a server's record, phrased for the "observed" column.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import type { RecordedRequest } from '../../emulator/server';
import type { RunResult } from '../../harness';
import { runError } from './nodeRun';

/** `3 requests (503, 503, 201)`; a socket destroyed before any status shows as `reset`. */
export function requestSummary(requests: readonly Pick<RecordedRequest, 'status' | 'method'>[]): string {
	const statuses = requests.map((r) => (r.status === null ? 'reset' : String(r.status)));
	return `${requests.length} request${requests.length === 1 ? '' : 's'} (${statuses.join(', ')})`;
}

export function itemCount(run: RunResult): string {
	return `${run.items.length} item${run.items.length === 1 ? '' : 's'}`;
}

/** Waits the node announced before each retry (`retry 2 in 0.4 s`), in seconds, in order. */
export function retryWaits(run: RunResult): number[] {
	return run.logs
		.map((line) => /retry (\d+) in ([\d.]+) s/.exec(line.message))
		.filter((match): match is RegExpExecArray => match !== null)
		.map((match) => Number(match[2]));
}

export function describeWaits(waits: readonly number[]): string {
	return waits.length ? `retried after ${waits.map((s) => `${s} s`).join(', ')}` : 'no retry';
}

/** ms between consecutive request arrivals, from the record's timestamps. */
export function arrivalGaps(requests: readonly Pick<RecordedRequest, 'time'>[]): number[] {
	const times = requests.map((r) => Date.parse(r.time));
	return times.slice(1).map((t, i) => t - times[i]);
}

/** The first line of the run's error, shortened, in quotes; `no error` when it succeeded. */
export function errorSummary(run: RunResult, max = 140): string {
	const error = runError(run);
	if (!error) return 'no error';
	const line = error.message.split('\n')[0];
	return `error "${line.length > max ? `${line.slice(0, max - 1)}…` : line}"`;
}

/** Polls `check` until it holds; fails with `what` after `timeoutMs` (a generous bound). */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
	const until = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > until) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
		await sleep(10);
	}
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
