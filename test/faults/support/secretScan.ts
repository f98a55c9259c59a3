/**
 * Everything a user or an operator can read after a run, as text, so a test can prove the client
 * secret is in none of it: the error as thrown and as n8n stored it, every output item, the logs.
 */
import { inspect } from 'node:util';

import type { RunResult } from '../../harness';

function safeJson(value: unknown): string {
	try {
		return JSON.stringify(value) ?? '';
	} catch {
		return inspect(value, { depth: 12 });
	}
}

/** Named texts of one run; the names say where a leak was found. */
export function readableTexts(run: RunResult): Array<[string, string]> {
	const error = run.error as (Error & { description?: unknown }) | undefined;
	return [
		['error message', error?.message ?? ''],
		['error description', typeof error?.description === 'string' ? error.description : ''],
		// inspect shows the stack, the cause chain and every own field of the error classes.
		['error object', error ? inspect(error, { depth: 12, showHidden: false }) : ''],
		['error as n8n stored it', safeJson(run.taskData?.error)],
		['output items', safeJson(run.outputs)],
		['execution record', safeJson(run.run.data.resultData)],
		['n8n log', run.logText],
	];
}

/** Where `secret` appears in the run's readable texts (empty when nowhere). */
export function secretLeaks(run: RunResult, secret: string, extra: Array<[string, string]> = []): string[] {
	return [...readableTexts(run), ...extra].filter(([, text]) => text.includes(secret)).map(([where]) => where);
}
