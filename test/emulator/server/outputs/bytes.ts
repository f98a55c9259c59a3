/**
 * Deterministic bytes: the same seed always gives the same output, a different seed different bytes.
 */
import { createHash } from 'node:crypto';

/** JSON with sorted object keys, so equal workflows hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	if (value !== null && typeof value === 'object') {
		const entries = Object.keys(value as object)
			.sort()
			.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
		return `{${entries.join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

export function sha256(...parts: Array<string | Buffer>): Buffer {
	const hash = createHash('sha256');
	for (const part of parts) hash.update(part);
	return hash.digest();
}

/** `length` pseudo-random bytes from sha256 in counter mode. */
export function seededBytes(seed: Buffer, length: number): Buffer {
	const out = Buffer.alloc(length);
	const counter = Buffer.alloc(4);
	for (let offset = 0, block = 0; offset < length; offset += 32, block++) {
		counter.writeUInt32BE(block);
		sha256(seed, counter).copy(out, offset);
	}
	return out;
}
