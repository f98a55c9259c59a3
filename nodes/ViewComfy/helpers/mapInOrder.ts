export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Runs `task` for indexes 0..count-1 with at most `concurrency` in flight and returns the
 * outcomes in index order, whatever order they finish in.
 *
 * With `stopOnError`, no new task starts after a failure, but tasks already running are awaited:
 * they may be paid generations, and abandoning them would leave requests dangling.
 * Indexes never started stay undefined.
 */
export async function mapInOrder<T>(
	count: number,
	concurrency: number,
	task: (index: number) => Promise<T>,
	{ stopOnError = false }: { stopOnError?: boolean } = {},
): Promise<Array<Settled<T> | undefined>> {
	const results: Array<Settled<T> | undefined> = Array.from({ length: count }, () => undefined);
	let next = 0;
	let failed = false;

	async function worker(): Promise<void> {
		while (next < count && !(stopOnError && failed)) {
			const index = next++;
			try {
				results[index] = { ok: true, value: await task(index) };
			} catch (error) {
				failed = true;
				results[index] = { ok: false, error };
			}
		}
	}

	const workers = Math.max(1, Math.min(Math.floor(concurrency) || 1, count));
	await Promise.all(Array.from({ length: workers }, worker));
	return results;
}
