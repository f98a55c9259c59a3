/**
 * The benchmark's big output (`outputBytes`): an MP4-looking file of exactly N bytes, kept
 * base64-encoded in memory so repeated requests send the same buffer without encoding again.
 */
import type { OutputFile } from '../types';
import { seededBytes } from './bytes';
import { mediaHeader } from './media';

export const LARGE_OUTPUT_NAME = 'large_00001.mp4';

// A multiple of 3, so each slice encodes to base64 without padding and slices concatenate cleanly.
const ENCODE_SLICE = 3 * 1024 * 1024;
const PATTERN = seededBytes(Buffer.from('viewcomfy-emulator-large-output'), 64 * 1024);

// Only the latest size is kept: a benchmark sweeps sizes one after another.
let cached: OutputFile | null = null;

export function largeOutput(size: number): OutputFile {
	if (cached?.size === size) return cached;
	cached = null;
	const raw = Buffer.allocUnsafe(size);
	raw.fill(PATTERN);
	mediaHeader('mp4', size).copy(raw, 0, 0, size);
	// Encoded slice by slice: one base64 string of a few hundred MB would hit V8's string limit.
	const base64 = Buffer.allocUnsafe(Math.ceil(size / 3) * 4);
	let written = 0;
	for (let offset = 0; offset < size; offset += ENCODE_SLICE) {
		written += base64.write(raw.subarray(offset, offset + ENCODE_SLICE).toString('base64'), written, 'latin1');
	}
	cached = { filename: LARGE_OUTPUT_NAME, content_type: 'video/mp4', size, base64 };
	return cached;
}
