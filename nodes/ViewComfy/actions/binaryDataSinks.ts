/**
 * Output sinks that hand each decoded block to n8n's binary data store while the answer is still
 * arriving. In n8n's filesystem mode the file is written as it comes, so memory stays flat however
 * large the output; in its in-memory mode n8n gathers the blocks itself, as it did before.
 */
import { PassThrough } from 'node:stream';
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { inferMimeType, sanitizeFileName } from '../helpers/fileName';
import type { OutputSink, OutputSinkRequest } from '../helpers/interfaces';

/**
 * Unread bytes a sink may hold before the reader waits (the stream's writable and readable
 * buffers each hold up to this much). Measured at 200 MB in filesystem mode: a bound of one write
 * (the reader hands over a write, then waits for n8n to take it) beat 4 to 16 MB by about 40% in
 * wall and CPU time and kept peak memory lowest; bigger bounds only let dead blocks pile up.
 */
const BUFFERED_BYTES = 1024 * 1024;

/**
 * The decoder hands out a view per network piece (tens of kB); n8n writes each chunk it reads
 * with its own disk write, so consecutive views are joined (no copy: they share one block) and
 * passed on at this size.
 */
const WRITE_BYTES = 1024 * 1024;

/** One output file on its way into n8n's binary data store. */
export class BinaryDataSink implements OutputSink {
	/** n8n's record of the stored file; settles once n8n has read the whole stream. */
	readonly stored: Promise<IBinaryData>;
	private readonly stream = new PassThrough({ highWaterMark: BUFFERED_BYTES });
	private failure: Error | undefined;
	private written = 0;
	/** Bytes not yet passed to n8n: consecutive views of one block, joined. */
	private pending: Buffer | undefined;

	constructor(
		ctx: IExecuteFunctions,
		/** The sanitised name and type n8n was given; the final ones can only differ for odd answers. */
		readonly fileName: string,
		readonly mimeType: string,
	) {
		// n8n may not have attached its listeners yet when the answer fails (filesystem mode first
		// creates its folder): without this, destroying the stream would be an uncaught error.
		this.stream.on('error', () => {});
		this.stored = ctx.helpers.prepareBinaryData(this.stream, fileName, mimeType);
		this.stored.catch((err: unknown) => {
			this.failure ??= err instanceof Error ? err : new Error(String(err));
			this.stream.destroy(this.failure);
		});
	}

	get size(): number {
		return this.written;
	}

	write(chunk: Buffer): void {
		if (this.failure) throw this.failure;
		if (this.stream.destroyed) throw new Error('n8n stopped reading the output file before it was complete');
		this.written += chunk.length;
		const last = this.pending;
		if (last !== undefined && last.buffer === chunk.buffer && last.byteOffset + last.length === chunk.byteOffset) {
			this.pending = Buffer.from(last.buffer, last.byteOffset, last.length + chunk.length);
		} else {
			this.flush();
			this.pending = chunk;
		}
		if (this.pending.length >= WRITE_BYTES) this.flush();
	}

	end(): void {
		if (this.stream.destroyed) return;
		this.flush();
		this.stream.end();
	}

	private flush(): void {
		if (this.pending === undefined) return;
		this.stream.write(this.pending);
		this.pending = undefined;
	}

	destroy(err: Error): void {
		// Always with an error: n8n's in-memory mode waits for 'end' or 'error', never 'close'.
		this.pending = undefined;
		this.stream.destroy(err);
	}

	ready(): Promise<void> | undefined {
		if (!this.stream.writableNeedDrain || this.stream.destroyed) return undefined;
		return new Promise((resolve) => {
			const done = (): void => {
				this.stream.off('drain', done);
				this.stream.off('close', done);
				resolve();
			};
			this.stream.on('drain', done);
			this.stream.on('close', done);
		});
	}
}

/** The sinks one infer call opens, so a failed call can wait for n8n to let go of them all. */
export class BinaryDataSinks {
	private readonly opened: BinaryDataSink[] = [];

	constructor(private readonly ctx: IExecuteFunctions) {}

	/** An OutputSinkFactory: names the file the way buildOutputItems does. */
	readonly open = ({ position, filename, contentType }: OutputSinkRequest): OutputSink => {
		const fileName = sanitizeFileName(filename, `output_${position}`);
		const sink = new BinaryDataSink(this.ctx, fileName, inferMimeType(fileName, contentType));
		this.opened.push(sink);
		return sink;
	};

	/** Waits until n8n is done with every sink, stored or failed; never rejects. */
	async settle(): Promise<void> {
		await Promise.allSettled(this.opened.map((sink) => sink.stored));
	}
}
