/**
 * Writing response bodies: the result JSON assembled from pieces (so a base64 payload of hundreds
 * of MB is never one JS string), written in slices that honour backpressure, optionally dripped.
 */
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunResult } from './types';

/** The result JSON as buffers; each output's base64 is its own piece, shared, never copied. */
export function resultJsonPieces(result: RunResult): Buffer[] {
	const { outputs, ...rest } = result;
	// `outputs` is the last key, so the head is everything before its closing `]}`.
	const head = JSON.stringify({ ...rest, outputs: [] }).slice(0, -2);
	const pieces: Buffer[] = [Buffer.from(head, 'utf8')];
	outputs.forEach((output, i) => {
		const open = `${i ? ',' : ''}{"filename":${JSON.stringify(output.filename)},"content_type":${JSON.stringify(output.content_type)},"data":"`;
		pieces.push(Buffer.from(open, 'utf8'), output.base64, Buffer.from(`","size":${output.size}}`, 'utf8'));
	});
	pieces.push(Buffer.from(']}', 'utf8'));
	return pieces;
}

export const piecesLength = (pieces: readonly Buffer[]): number => pieces.reduce((n, p) => n + p.length, 0);

/** The first `keep` bytes of the pieces. */
export function truncatePieces(pieces: readonly Buffer[], keep: number): Buffer[] {
	const out: Buffer[] = [];
	let left = keep;
	for (const piece of pieces) {
		if (left <= 0) break;
		out.push(piece.length <= left ? piece : piece.subarray(0, left));
		left -= piece.length;
	}
	return out;
}

/** JSON cut in the middle: what a client sees when a proxy truncates the body. */
export const malformed = (pieces: readonly Buffer[]): Buffer[] => truncatePieces(pieces, Math.floor(piecesLength(pieces) * 0.6));

const SLICE = 1024 * 1024;
/** Drip timer period: small enough to look continuous, large enough not to spin. */
const DRIP_TICK_MS = 50;

/** Writes slices into a response, waiting for `drain` and optionally limiting the rate. */
export class BodyWriter {
	private sentAny = false;

	constructor(
		private readonly res: ServerResponse,
		private readonly dripBytesPerSecond: number | null,
		private readonly signal: AbortSignal,
	) {}

	get open(): boolean {
		return !this.res.destroyed && !this.res.writableEnded;
	}

	/** False when the client went away and writing stopped. */
	async write(data: Buffer | string): Promise<boolean> {
		const buffer = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
		const slice = this.dripBytesPerSecond
			? Math.max(1, Math.floor((this.dripBytesPerSecond * DRIP_TICK_MS) / 1000))
			: SLICE;
		for (let offset = 0; offset < buffer.length; offset += slice) {
			const part = buffer.subarray(offset, offset + slice);
			// Paced before each slice rather than after, so the body ends as soon as its last byte is out.
			if (this.dripBytesPerSecond && this.sentAny) {
				await sleep((part.length * 1000) / this.dripBytesPerSecond, undefined, { signal: this.signal });
			}
			if (!this.open) return false;
			this.sentAny = true;
			if (!this.res.write(part)) await this.drained();
		}
		return this.open;
	}

	async writeAll(pieces: readonly Buffer[]): Promise<boolean> {
		for (const piece of pieces) if (!(await this.write(piece))) return false;
		return true;
	}

	end(): void {
		if (this.open) this.res.end();
	}

	private drained(): Promise<void> {
		return new Promise((resolve) => {
			const done = () => {
				this.res.off('drain', done);
				this.res.off('close', done);
				resolve();
			};
			this.res.on('drain', done);
			this.res.on('close', done);
		});
	}
}
