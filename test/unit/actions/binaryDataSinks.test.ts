/**
 * OutputByteStream, read by the very code n8n reads it with: fs.promises.writeFile (n8n's
 * filesystem mode pulls it as an async iterable) and n8n-core's binaryToBuffer (its in-memory,
 * database and S3 modes listen for 'data', 'end' and 'error').
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { binaryToBuffer } from 'n8n-core';

import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { BinaryDataSink, BinaryDataSinks, OutputByteStream, rememberStore, WholeFileSink } from '../../../nodes/ViewComfy/actions/binaryDataSinks';

const MB = 1024 * 1024;

/** A block the way the decoder hands it out: views of one buffer, one per network piece. */
function block(bytes: number, seed: number): Buffer {
	const data = Buffer.alloc(bytes);
	for (let i = 0; i < bytes; i++) data[i] = (i * 31 + seed) & 0xff;
	return data;
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** Writes `data` in 64 kB views, waiting whenever the stream asks to, as infer's body loop does. */
async function writeAll(stream: OutputByteStream, data: Buffer, piece = 64 * 1024): Promise<void> {
	for (let offset = 0; offset < data.length; offset += piece) {
		stream.write(data.subarray(offset, offset + piece));
		const wait = stream.ready();
		if (wait) await wait;
	}
}

/** Lets queued microtasks and I/O callbacks run. */
const tick = async (): Promise<void> => await new Promise((resolve) => setImmediate(resolve));

let dir: string;
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'viewcomfy-bytestream-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('OutputByteStream read by pulling (n8n filesystem mode: fs.promises.writeFile)', () => {
	it('writes the same bytes to disk, in joined writes of about 1 MB', async () => {
		const data = block(5 * MB + 123, 1);
		const stream = new OutputByteStream();
		const sizes: number[] = [];
		const reading = (async () => {
			const chunks: Buffer[] = [];
			for await (const chunk of stream) {
				sizes.push(chunk.length);
				chunks.push(chunk);
			}
			return Buffer.concat(chunks);
		})();
		await writeAll(stream, data);
		stream.end();
		const read = await reading;
		expect(sha256(read)).toBe(sha256(data));
		expect(stream.size).toBe(data.length);
		// 64 kB views of one block are joined: five 1 MB writes and the rest.
		expect(sizes).toEqual([MB, MB, MB, MB, MB, 123]);
	});

	it('holds the writer back while more than 1 MB is unread, and the file grows before the end', async () => {
		const path = join(dir, 'out.bin');
		const stream = new OutputByteStream();
		const first = block(3 * MB, 2);
		// Separate blocks (not views of one) are never joined: three 1 MB writes queued unread.
		for (let i = 0; i < 3; i++) stream.write(first.subarray(i * MB, (i + 1) * MB));
		const wait = stream.ready();
		expect(wait).toBeInstanceOf(Promise);
		let released = false;
		void wait?.then(() => (released = true));
		await tick();
		expect(released).toBe(false);

		const stored = writeFile(path, stream as unknown as AsyncIterable<Buffer>);
		await wait;
		expect(released).toBe(true);
		const second = block(2 * MB + 7, 3);
		await writeAll(stream, second);
		// Before end(): n8n has already written most of the output to disk.
		for (let i = 0; i < 50 && statSync(path).size < 3 * MB; i++) await tick();
		expect(statSync(path).size).toBeGreaterThanOrEqual(3 * MB);
		stream.end();
		await stored;
		expect(sha256(await readFile(path))).toBe(sha256(Buffer.concat([first, second])));
	});

	it('destroy mid-way rejects the reader with the error, and later writes throw it', async () => {
		const stream = new OutputByteStream();
		const stored = writeFile(join(dir, 'cut.bin'), stream as unknown as AsyncIterable<Buffer>);
		await writeAll(stream, block(3 * MB, 4));
		const cut = new Error('the answer was cut off');
		stream.destroy(cut);
		await expect(stored).rejects.toBe(cut);
		expect(() => stream.write(Buffer.from('more'))).toThrow(cut);
		expect(stream.ready()).toBeUndefined();
	});

	it('a reader that stops early makes the next write fail instead of piling bytes up', async () => {
		const stream = new OutputByteStream();
		stream.write(block(MB, 5));
		stream.write(block(MB, 6));
		for await (const chunk of stream) {
			expect(chunk.length).toBe(MB);
			break;
		}
		expect(() => stream.write(Buffer.from('x'))).toThrow(/n8n stopped reading/);
		// n8n's own reason, once it reports it, is what the decoder is told.
		const disk = new Error('ENOSPC: no space left on device');
		stream.destroy(disk);
		expect(() => stream.write(Buffer.from('x'))).toThrow(disk);
	});

	it('a zero-length output is an empty file', async () => {
		const path = join(dir, 'empty.bin');
		const stream = new OutputByteStream();
		stream.end();
		await writeFile(path, stream as unknown as AsyncIterable<Buffer>);
		expect(statSync(path).size).toBe(0);
	});
});

/** Network pieces the way a download brings them: each its own buffer, of odd sizes. */
function separatePieces(data: Buffer): Buffer[] {
	const pieces: Buffer[] = [];
	for (let offset = 0, i = 0; offset < data.length; i++) {
		const size = 40_000 + ((i * 7919) % 30_000);
		pieces.push(Buffer.from(data.subarray(offset, offset + size)));
		offset += size;
	}
	return pieces;
}

async function writePieces(stream: OutputByteStream, pieces: Buffer[]): Promise<void> {
	for (const piece of pieces) {
		stream.write(piece);
		const wait = stream.ready();
		if (wait) await wait;
	}
	stream.end();
}

describe('OutputByteStream with network pieces (hosted downloads)', () => {
	it('fs.promises.writeFile gets the exact bytes in 1 MB blocks, and the stream fills the written blocks again', async () => {
		const data = block(9 * MB + 777, 5);
		const stream = new OutputByteStream(true);
		const path = join(dir, 'pieces.bin');
		const blocks = new Set<ArrayBufferLike>();
		const sizes: number[] = [];
		// writeFile as n8n's filesystem store calls it, seeing every chunk it is handed.
		const seen = (async function* () {
			for await (const chunk of stream) {
				blocks.add(chunk.buffer);
				sizes.push(chunk.length);
				yield chunk;
			}
		})();
		await Promise.all([writeFile(path, seen), writePieces(stream, separatePieces(data))]);
		expect(sha256(await readFile(path))).toBe(sha256(data));
		expect(sizes).toEqual([...Array.from({ length: 9 }, () => MB), 777]);
		// Ten blocks handed over, a few distinct memory blocks behind them.
		expect(blocks.size).toBeLessThanOrEqual(4);
	});

	it("a reader through 'data' events keeps every block intact (none is filled again)", async () => {
		const data = block(6 * MB + 5, 6);
		const stream = new OutputByteStream(true);
		const reading = binaryToBuffer(stream as unknown as Buffer);
		await writePieces(stream, separatePieces(data));
		expect(sha256(await reading)).toBe(sha256(data));
	});

	it('a reader that keeps pulled chunks without writing them still gets every byte once', async () => {
		const data = block(4 * MB + 9, 7);
		const stream = new OutputByteStream(true);
		const reading = (async () => {
			const chunks: Buffer[] = [];
			for await (const chunk of stream) chunks.push(Buffer.from(chunk));
			return Buffer.concat(chunks);
		})();
		await writePieces(stream, separatePieces(data));
		expect(sha256(await reading)).toBe(sha256(data));
	});
});

describe("OutputByteStream read through events (n8n's other modes: binaryToBuffer)", () => {
	it('hands the bytes over while they are written, not at the end', async () => {
		const data = block(4 * MB + 5, 6);
		const stream = new OutputByteStream();
		const buffered = binaryToBuffer(stream as never);
		let receivedBeforeEnd = 0;
		stream.on('data', (chunk: Buffer) => (receivedBeforeEnd += chunk.length));
		await writeAll(stream, data);
		await tick();
		expect(receivedBeforeEnd).toBeGreaterThanOrEqual(4 * MB);
		stream.end();
		expect(sha256(await buffered)).toBe(sha256(data));
	});

	it('a reader that comes late (after the end) still gets the bytes and the end', async () => {
		const data = block(3 * MB, 7);
		const stream = new OutputByteStream();
		stream.write(data);
		stream.end();
		await tick();
		expect(sha256(await binaryToBuffer(stream as never))).toBe(sha256(data));
	});

	it("emits 'end' before 'close', once each, and not to removed listeners", async () => {
		const stream = new OutputByteStream();
		const events: string[] = [];
		const removed = (): number => events.push('removed');
		stream.on('data', () => events.push('data'));
		stream.once('end', () => events.push('end'));
		stream.on('close', () => events.push('close'));
		stream.on('end', removed);
		stream.off('end', removed);
		stream.write(Buffer.from('abc'));
		stream.end();
		await tick();
		stream.end();
		await tick();
		expect(events).toEqual(['data', 'end', 'close']);
	});

	it('destroy mid-way rejects the reader with the error', async () => {
		const stream = new OutputByteStream();
		const buffered = binaryToBuffer(stream as never);
		await writeAll(stream, block(2 * MB, 8));
		const cut = new Error('the answer was cut off');
		stream.destroy(cut);
		await expect(buffered).rejects.toBe(cut);
	});

	it('a failure after end() but before the reader finished still fails the output', async () => {
		const stream = new OutputByteStream();
		stream.write(block(MB, 9));
		stream.end();
		const incomplete = new Error('the result was incomplete');
		stream.destroy(incomplete);
		await expect(binaryToBuffer(stream as never)).rejects.toBe(incomplete);
	});

	it('an error after the reader got the end is ignored', async () => {
		const data = block(MB, 10);
		const stream = new OutputByteStream();
		const errors: unknown[] = [];
		stream.on('error', (err: Error) => errors.push(err));
		const buffered = binaryToBuffer(stream as never);
		stream.write(data);
		stream.end();
		expect(sha256(await buffered)).toBe(sha256(data));
		stream.destroy(new Error('too late'));
		await tick();
		expect(errors).toEqual([]);
	});

	it('a zero-length output is an empty Buffer', async () => {
		const stream = new OutputByteStream();
		const buffered = binaryToBuffer(stream as never);
		stream.end();
		expect((await buffered).length).toBe(0);
	});
});

describe("the way an output goes to n8n, learned from the ids n8n's store returns", () => {
	/** A node context whose store never answers: what is learned comes only from rememberStore. */
	const ctx = { helpers: { prepareBinaryData: async () => await new Promise<IBinaryData>(() => undefined) } } as unknown as IExecuteFunctions;
	const sinkAfter = (id: string | undefined) => {
		rememberStore({ id, data: '', mimeType: 'image/png' });
		return new BinaryDataSinks(ctx).open({ position: 1, filename: 'out.png', contentType: 'image/png', expectedBytes: 1024 });
	};

	it.each([[undefined], ['database:0f9a'], ['s3:workflows/1/executions/2/binary_data/0f9a']])(
		'a store known to gather whole files (%s) gets the output whole',
		(id) => {
			expect(sinkAfter(id)).toBeInstanceOf(WholeFileSink);
		},
	);

	it('filesystem mode (filesystem-v2:…) gets it as a stream', () => {
		expect(sinkAfter('filesystem-v2:workflows/1/executions/2/binary_data/0f9a')).toBeInstanceOf(BinaryDataSink);
	});

	// n8n 3.0 renames binaryData to storage; a mode or id this node does not know (another name,
	// another version of a known mode) may well write as it reads: streaming suits every store.
	it.each([['storage:xyz'], ['s3v2:workflows/1/executions/2/binary_data/0f9a'], ['azure:0f9a'], ['']])(
		'an id of a store it does not know (%s) falls back to streaming, after a whole-file store too',
		(id) => {
			expect(sinkAfter('database:0f9a')).toBeInstanceOf(WholeFileSink);
			expect(sinkAfter(id)).toBeInstanceOf(BinaryDataSink);
		},
	);
});
