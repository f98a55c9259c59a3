/** Ways to cut a byte stream into pieces, for feeding incremental readers. */

/** The bytes cut at `positions` (ascending, within bounds). */
export function cutAt(bytes: Buffer, positions: number[]): Buffer[] {
	const pieces: Buffer[] = [];
	let from = 0;
	for (const at of positions) {
		pieces.push(bytes.subarray(from, at));
		from = at;
	}
	pieces.push(bytes.subarray(from));
	return pieces;
}

/** Pieces of `size` bytes (the last one shorter). */
export function cutEvery(bytes: Buffer, size: number): Buffer[] {
	const pieces: Buffer[] = [];
	for (let i = 0; i < bytes.length; i += size) pieces.push(bytes.subarray(i, i + size));
	return pieces;
}

/** Every way to cut `bytes` in two, including an empty first or last piece. */
export function* everySplit(bytes: Buffer): Generator<[number, Buffer[]]> {
	for (let at = 0; at <= bytes.length; at++) yield [at, cutAt(bytes, [at])];
}

/** Deterministic pseudo-random bytes (a test must fail the same way twice). */
export function seededBytes(length: number, seed = 1): Buffer {
	const out = Buffer.alloc(length);
	let x = seed >>> 0 || 1;
	for (let i = 0; i < length; i++) {
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		out[i] = x & 0xff;
	}
	return out;
}
