/**
 * "Did you mean …?" for parameter keys: the known keys closest to one the workflow does not have.
 */

/** Longer unknown keys are not typos of a parameter key; comparing them would only cost time. */
const MAX_COMPARED_LENGTH = 120;

/** Edit distance (insert, delete, substitute), giving up with `limit + 1` once it must exceed `limit`. */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
	if (Math.abs(a.length - b.length) > limit) return limit + 1;
	let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
	for (let i = 1; i <= a.length; i++) {
		const current = [i];
		let rowMin = i;
		for (let j = 1; j <= b.length; j++) {
			const substitute = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
			current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitute);
			if (current[j] < rowMin) rowMin = current[j];
		}
		if (rowMin > limit) return limit + 1;
		previous = current;
	}
	return previous[b.length];
}

const SEPARATOR = '-inputs-';

/** `3-inputs-seed` → node `3`, input `seed`; text without the separator is taken as an input name. */
function parts(key: string): { nodeId: string; inputName: string } {
	const at = key.lastIndexOf(SEPARATOR);
	return at === -1 ? { nodeId: '', inputName: key } : { nodeId: key.slice(0, at), inputName: key.slice(at + SEPARATOR.length) };
}

/**
 * Up to `max` known keys that the user probably meant, best first: the same input name on another
 * node (`5-inputs-seed` for `3-inputs-seed`), then a close spelling of the input name (preferring the
 * same node), then a close spelling of the whole key (`3_inputs_seed`). Case is ignored.
 */
export function suggestKeys(unknown: string, known: string[], max = 3): string[] {
	if (max <= 0 || typeof unknown !== 'string') return [];
	const wanted = unknown.toLowerCase();
	if (wanted.length > MAX_COMPARED_LENGTH) return [];
	const want = parts(wanted);
	const inputLimit = Math.max(1, Math.floor(want.inputName.length / 3));
	const keyLimit = Math.max(2, Math.floor(wanted.length / 5));
	const scored: Array<{ key: string; rank: number[] }> = [];
	for (const key of new Set(known)) {
		if (key === unknown) continue;
		const lower = key.toLowerCase();
		const have = parts(lower);
		const sameNode = want.nodeId !== '' && have.nodeId === want.nodeId ? 0 : 1;
		const inputDistance = editDistance(want.inputName, have.inputName, inputLimit);
		const keyDistance = editDistance(wanted, lower, keyLimit);
		if (inputDistance > inputLimit && keyDistance > keyLimit) continue;
		const tier = inputDistance === 0 ? 0 : inputDistance <= inputLimit ? 1 : 2;
		scored.push({ key, rank: [tier, sameNode, inputDistance, keyDistance] });
	}
	scored.sort((x, y) => {
		for (let i = 0; i < x.rank.length; i++) if (x.rank[i] !== y.rank[i]) return x.rank[i] - y.rank[i];
		return x.key < y.key ? -1 : x.key > y.key ? 1 : 0;
	});
	return scored.slice(0, max).map((entry) => entry.key);
}
