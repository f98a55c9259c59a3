/**
 * Results waiting behind 303 redirects, the way Modal parks a long call: the client gets a
 * same-origin URL carrying the call id and keeps following it until the result is ready.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

/** The query parameter Modal puts in its result URL. */
export const RESULT_QUERY = '__modal_function_call_id';

export interface PendingResult {
	id: string;
	/** Path of the original request: the result URL lives on the same path. */
	path: string;
	/** The JSON body to send once ready. */
	pieces: Buffer[];
	/** Resolves when the simulated execution is over. */
	ready: Promise<void>;
	done: boolean;
	/** 303s sent so far. */
	hops: number;
}

export class PendingResults {
	private readonly byId = new Map<string, PendingResult>();

	constructor(private readonly signal: AbortSignal) {}

	create(path: string, pieces: Buffer[], executionMs: number): PendingResult {
		const id = `fc-${randomUUID()}`;
		const entry: PendingResult = { id, path, pieces, ready: Promise.resolve(), done: false, hops: 0 };
		entry.ready = sleep(executionMs, undefined, { signal: this.signal }).then(
			() => {
				entry.done = true;
			},
			() => undefined,
		);
		this.byId.set(id, entry);
		return entry;
	}

	get(id: string): PendingResult | undefined {
		return this.byId.get(id);
	}

	/** A delivered result is gone: a second GET of its URL is a 404, like an expired call. */
	take(id: string): void {
		this.byId.delete(id);
	}
}

export function resultLocation(origin: string, entry: PendingResult): string {
	return `${origin}${entry.path}?${RESULT_QUERY}=${encodeURIComponent(entry.id)}`;
}
