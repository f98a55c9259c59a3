/**
 * Output sinks that hand each output's bytes to n8n's binary data store. In n8n's filesystem mode
 * the file is written as it comes (BinaryDataSink), so memory stays flat however large the output.
 * n8n's in-memory, database and S3 modes gather the whole file into one Buffer before storing it;
 * for them, once the node has seen which mode n8n runs in, each output is gathered into one
 * Buffer reserved up front (the size the answer announces, or a first guess that is enlarged at
 * most once) and handed over whole (WholeFileSink).
 *
 * n8n Cloud's rules forbid node:stream, so the stream n8n reads is OutputByteStream below, which
 * has just what n8n's two ways of reading a stream use:
 * - filesystem mode: FileSystemManager.store (n8n 1.x, 2.8) and FsByteStore (2.40) pass it to
 *   fs.promises.writeFile, which takes any async iterable of Buffers and pulls one at a time;
 * - every other mode: binaryToBuffer → streamToBuffer (n8n-core's binary-data/utils, or
 *   @n8n/backend-network's http/binary-buffer in 2.40) listens with on/once/off for 'data',
 *   'end', 'error' and 'close', and calls destroy() when the stream stalls.
 */
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { inferMimeType, sanitizeFileName } from '../helpers/fileName';
import type { OutputSink, OutputSinkRequest } from '../helpers/interfaces';

/**
 * Unread bytes a stream may hold before the reader waits. Measured at 200 MB in filesystem mode
 * (with main's node:stream version): a bound of about one write (the reader hands over a write,
 * then waits for n8n to take it) beat 4 to 16 MB by about 40% in wall and CPU time and kept peak
 * memory lowest; bigger bounds only let dead blocks pile up.
 */
const BUFFERED_BYTES = 1024 * 1024;

/**
 * The decoder hands out a view per network piece (tens of kB); n8n writes each chunk it reads
 * with its own disk write, so consecutive views are joined (no copy: they share one block) and
 * passed on at this size.
 */
const WRITE_BYTES = 1024 * 1024;

type StreamEvent = 'data' | 'end' | 'error' | 'close';
/** Any listener: n8n passes a Buffer for 'data', an Error for 'error', nothing otherwise. */
type Listener = (...args: never[]) => void;

interface Registration {
	listener: Listener;
	once: boolean;
}

/**
 * Above this, an output is streamed to n8n even when it gathers whole files: n8n's in-memory mode
 * cannot hold such a file anyway (its base64 text would pass V8's string limit of about 512 MB),
 * and no reservation of several GB is made on the word of a Content-Length.
 */
const MAX_RESERVED_BYTES = 1024 * 1024 * 1024;

/** Reserved for an output of unknown size (an SSE answer): most images fit. */
const FIRST_RESERVED_BYTES = 16 * 1024 * 1024;

/**
 * An output that outgrows its reservation moves once, into at least this much. Memory this large
 * is mapped from the system as it is written, so the part a file leaves unused costs address
 * space, not memory. Measured at 200 MB in n8n's in-memory mode: one move took 1.3-1.5 s, while
 * doubling from 64 MB took 2.4-2.8 s, more than streaming (every move copies, into fresh pages).
 */
const GROWN_RESERVED_BYTES = 512 * 1024 * 1024;

/**
 * How n8n's binary data store takes a file, learned from the records it returns. The mode is
 * fixed for the life of an n8n process (N8N_DEFAULT_BINARY_DATA_MODE is read at start-up), so
 * the first file stored tells it for every later one; until then outputs are streamed, which
 * suits every mode. n8n names a stored file `<mode>:<file id>`. Only the stores known to gather
 * the whole file into one Buffer first (n8n-core's binaryToBuffer, which copies every chunk it was
 * given into a new Buffer) get outputs whole: the in-memory mode (no id), `database` and `s3`.
 * Ids that start with `filesystem` are files on disk, written as the bytes come. Any other id is
 * of a mode this node does not know (`azure`, which n8n 2.41 has, or one a later n8n such as 3.0
 * adds or renames): outputs are streamed to it, as to a store not yet learned.
 */
const n8nStore: { gathersWholeFiles?: boolean } = {};

/** The `<mode>:` prefixes of n8n's stores that gather whole files. */
const WHOLE_FILE_MODES = ['database:', 's3:'];

/** Learns the store's mode from a record n8n returned for a stored file. */
export function rememberStore(binary: IBinaryData): void {
	const { id } = binary;
	n8nStore.gathersWholeFiles = id === undefined || WHOLE_FILE_MODES.some((mode) => id.startsWith(mode));
}

/** The error a write gets once n8n has stopped reading (it gave no reason). */
const stoppedReading = (): Error => new Error('n8n stopped reading the output file before it was complete');

/**
 * The bytes of one output on their way to n8n: written by the decoder (OutputSink), read by n8n
 * either by pulling (`for await`) or through 'data' events. Events are delivered from a
 * microtask, never inside the call that caused them, so a reader that attaches several listeners
 * in a row (as streamToBuffer does) has them all in place before the first one fires; the end or
 * error of the stream is a state, so a reader that comes late still gets it.
 */
export class OutputByteStream implements OutputSink, AsyncIterable<Buffer> {
	private readonly queue: Buffer[] = [];
	private unread = 0;
	private written = 0;
	/** Bytes not yet queued: consecutive views of one block, joined. */
	private pending: Buffer | undefined;
	/** The writer wrote every byte. */
	private ended = false;
	/** The reader was told the stream ended (every byte was read). */
	private endDelivered = false;
	/** Why the stream stopped early; `errorEvent` says whether readers get it as 'error'. */
	private failure: Error | undefined;
	private errorEvent = false;
	private readonly listeners = new Map<StreamEvent, Registration[]>();
	/** A `for await` reader waiting for the next chunk. */
	private puller: { resolve(result: IteratorResult<Buffer>): void; reject(err: Error): void } | undefined;
	private readonly drainWaiters: Array<() => void> = [];
	private deliveryQueued = false;
	/** Pieces mode: the block being filled, and how much of it is. */
	private block: Buffer | undefined;
	private blockUsed = 0;
	/** Pieces mode: blocks the reader is done with, to fill again. */
	private readonly freeBlocks: Buffer[] = [];
	/** The chunk the `for await` reader got last; it is done with it once it asks for the next. */
	private lastPulled: Buffer | undefined;
	/** A 'data' listener was attached: that reader may keep every chunk, so no block is reused. */
	private eventReader = false;

	/**
	 * `gatherPieces`: the writer hands over network pieces from separate buffers (a download).
	 * They are copied into blocks of WRITE_BYTES, and a reader that pulls (n8n's filesystem store,
	 * fs.promises.writeFile, which asks for the next chunk only once the last one is written)
	 * gives each block back to be filled again. At 200 MB that spares about 200 fresh 1 MB blocks,
	 * whose pages the system must map and clear on first write, and the collections they cause.
	 */
	constructor(private readonly gatherPieces = false) {}

	get size(): number {
		return this.written;
	}

	write(chunk: Buffer): void {
		if (this.failure) throw this.failure;
		this.written += chunk.length;
		if (this.gatherPieces) {
			this.gather(chunk);
			return;
		}
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
		if (this.failure || this.ended) return;
		this.queueBlock();
		this.flush();
		this.ended = true;
		this.scheduleDelivery();
	}

	/**
	 * Ends the stream early for both sides. With an error (the answer failed), readers get it as
	 * 'error': n8n's streamToBuffer in 1.x and 2.8 waits for 'end' or 'error', never 'close'.
	 * Without one (n8n gave up reading), they only get 'close', as from a Node stream.
	 */
	destroy(err?: Error): void {
		if (this.endDelivered) return;
		// Once stopped, only n8n's own reason for it (a later destroy with an error) replaces ours.
		if (this.failure && (this.errorEvent || err === undefined)) return;
		this.failure = err ?? stoppedReading();
		this.errorEvent = err !== undefined;
		this.pending = undefined;
		this.queue.length = 0;
		this.unread = 0;
		this.block = undefined;
		this.freeBlocks.length = 0;
		this.lastPulled = undefined;
		this.scheduleDelivery();
	}

	/** A promise while more than BUFFERED_BYTES are unread; settles once the reader caught up or left. */
	ready(): Promise<void> | undefined {
		if (this.unread <= BUFFERED_BYTES || this.failure) return undefined;
		return new Promise((resolve) => this.drainWaiters.push(resolve));
	}

	[Symbol.asyncIterator](): AsyncIterator<Buffer> {
		return {
			next: async () => {
				this.recycleLastPulled();
				const result = await this.pull();
				this.lastPulled = result.done ? undefined : result.value;
				return result;
			},
			// The reader stopped early (writeFile failed): later writes must fail, not pile up.
			return: async () => {
				this.destroy();
				return { done: true, value: undefined };
			},
		};
	}

	on(event: StreamEvent, listener: Listener): this {
		return this.listen(event, listener, false);
	}

	once(event: StreamEvent, listener: Listener): this {
		return this.listen(event, listener, true);
	}

	off(event: StreamEvent, listener: Listener): this {
		const registered = this.listeners.get(event);
		const index = registered?.findIndex((entry) => entry.listener === listener) ?? -1;
		if (index >= 0) registered?.splice(index, 1);
		return this;
	}

	removeListener(event: StreamEvent, listener: Listener): this {
		return this.off(event, listener);
	}

	private listen(event: StreamEvent, listener: Listener, once: boolean): this {
		if (event === 'data') this.eventReader = true;
		const registered = this.listeners.get(event) ?? [];
		registered.push({ listener, once });
		this.listeners.set(event, registered);
		this.scheduleDelivery();
		return this;
	}

	/** Copies a network piece into the current block; each full block goes to the reader. */
	private gather(piece: Buffer): void {
		let offset = 0;
		while (offset < piece.length) {
			const block = (this.block ??= this.freeBlocks.pop() ?? Buffer.allocUnsafe(WRITE_BYTES));
			const copied = piece.copy(block, this.blockUsed, offset);
			this.blockUsed += copied;
			offset += copied;
			if (this.blockUsed === block.length) this.queueBlock();
		}
	}

	/** The block being filled, as far as it is, goes to the queue. */
	private queueBlock(): void {
		const block = this.block;
		if (block === undefined || this.blockUsed === 0) return;
		this.pending = this.blockUsed === block.length ? block : block.subarray(0, this.blockUsed);
		this.block = undefined;
		this.blockUsed = 0;
		this.flush();
	}

	/** A whole block the pulling reader has finished with can be filled again. */
	private recycleLastPulled(): void {
		const done = this.lastPulled;
		this.lastPulled = undefined;
		if (!this.gatherPieces || this.eventReader || done === undefined || this.failure) return;
		if (done.length === WRITE_BYTES && done.byteOffset === 0 && done.buffer.byteLength === WRITE_BYTES) this.freeBlocks.push(done);
	}

	private flush(): void {
		if (this.pending === undefined) return;
		this.queue.push(this.pending);
		this.unread += this.pending.length;
		this.pending = undefined;
		this.scheduleDelivery();
	}

	private async pull(): Promise<IteratorResult<Buffer>> {
		if (this.failure) throw this.failure;
		if (this.queue.length > 0) return { value: this.take(), done: false };
		if (this.ended) {
			this.endDelivered = true;
			return { value: undefined, done: true };
		}
		return await new Promise((resolve, reject) => {
			this.puller = { resolve, reject };
		});
	}

	private take(): Buffer {
		const chunk = this.queue.shift() as Buffer;
		this.unread -= chunk.length;
		if (this.unread <= BUFFERED_BYTES) this.releaseWriter();
		return chunk;
	}

	private releaseWriter(): void {
		for (const resolve of this.drainWaiters.splice(0)) resolve();
	}

	private scheduleDelivery(): void {
		if (this.deliveryQueued) return;
		this.deliveryQueued = true;
		queueMicrotask(() => {
			this.deliveryQueued = false;
			this.deliver();
		});
	}

	private deliver(): void {
		if (this.failure) {
			this.releaseWriter();
			const puller = this.puller;
			this.puller = undefined;
			puller?.reject(this.failure);
			if (this.errorEvent) this.emitFinal('error', this.failure);
			this.emitFinal('close');
			return;
		}
		while (this.queue.length > 0 && this.has('data')) this.emit('data', this.take());
		if (this.queue.length > 0 && this.puller) {
			const puller = this.puller;
			this.puller = undefined;
			puller.resolve({ value: this.take(), done: false });
		}
		if (!this.ended || this.queue.length > 0) return;
		if (this.puller) {
			const puller = this.puller;
			this.puller = undefined;
			puller.resolve({ value: undefined, done: true });
			this.endDelivered = true;
		}
		// Like a Node stream, 'end' only once the bytes were read, and 'close' after it.
		if (this.has('data') || this.endDelivered) {
			this.endDelivered = true;
			this.emitFinal('end');
			this.emitFinal('close');
		}
	}

	private has(event: StreamEvent): boolean {
		return (this.listeners.get(event)?.length ?? 0) > 0;
	}

	private emit(event: StreamEvent, arg?: unknown): void {
		for (const entry of [...(this.listeners.get(event) ?? [])]) {
			if (entry.once) this.off(event, entry.listener);
			(entry.listener as (value?: unknown) => void)(arg);
		}
	}

	/** An event that happens once: each listener hears it once, including one added later. */
	private emitFinal(event: StreamEvent, arg?: unknown): void {
		const registered = this.listeners.get(event) ?? [];
		this.listeners.set(event, []);
		for (const entry of registered) (entry.listener as (value?: unknown) => void)(arg);
	}
}

/** A sink whose bytes become one file in n8n's binary data store. */
export interface N8nFileSink extends OutputSink {
	/** n8n's record of the stored file; settles once n8n has stored all of it. */
	readonly stored: Promise<IBinaryData>;
	/** The sanitised name and type n8n was given; the final ones can only differ for odd answers. */
	readonly fileName: string;
	readonly mimeType: string;
}

export function isN8nFileSink(sink: OutputSink | undefined): sink is N8nFileSink {
	return sink instanceof BinaryDataSink || sink instanceof WholeFileSink;
}

/** One output file streamed into n8n's binary data store as it arrives. */
export class BinaryDataSink extends OutputByteStream implements N8nFileSink {
	readonly stored: Promise<IBinaryData>;

	constructor(
		ctx: IExecuteFunctions,
		readonly fileName: string,
		readonly mimeType: string,
		gatherPieces = false,
	) {
		super(gatherPieces);
		// prepareBinaryData is typed for a Buffer or a node:stream Readable; n8n only uses the
		// members this stream has (see the top of this file), and a Readable is not allowed here.
		this.stored = ctx.helpers.prepareBinaryData(this as unknown as Buffer, fileName, mimeType);
		// n8n failed to store the file: the decoder's next write says why.
		this.stored.then(rememberStore, (err: unknown) => this.destroy(asError(err)));
	}
}

/**
 * One output file gathered into a single Buffer reserved up front, and handed to n8n whole once
 * complete: for a store that gathers whole files, this saves n8n's own join of the blocks.
 * Measured at 200 MB in n8n's in-memory mode: 1.3-1.5 s instead of 2.0-2.5 s, since the bytes are
 * copied once into memory reserved up front, instead of filling hundreds of blocks that stay alive
 * until n8n copies them into a fresh Buffer (new pages for every byte twice, and full garbage
 * collections of n8n's heap as the blocks pile up).
 */
export class WholeFileSink implements N8nFileSink {
	readonly stored: Promise<IBinaryData>;
	/** Undefined once the file was handed to n8n, or dropped. */
	private bytes: Buffer | undefined;
	private written = 0;
	private failure: Error | undefined;
	private readonly settle: { resolve(binary: IBinaryData): void; reject(err: Error): void };

	/**
	 * A sink with `expectedBytes` reserved (or FIRST_RESERVED_BYTES when the size is unknown);
	 * undefined when that is more than MAX_RESERVED_BYTES or the memory cannot be had.
	 */
	static open(ctx: IExecuteFunctions, fileName: string, mimeType: string, expectedBytes: number | undefined): WholeFileSink | undefined {
		const reserve = expectedBytes ?? FIRST_RESERVED_BYTES;
		if (reserve > MAX_RESERVED_BYTES) return undefined;
		// Memory refused: streaming needs none of it.
		const reserved = allocated(reserve);
		return reserved && new WholeFileSink(ctx, fileName, mimeType, reserved);
	}

	private constructor(
		private readonly ctx: IExecuteFunctions,
		readonly fileName: string,
		readonly mimeType: string,
		reserved: Buffer,
	) {
		this.bytes = reserved;
		let settle: WholeFileSink['settle'] | undefined;
		this.stored = new Promise<IBinaryData>((resolve, reject) => (settle = { resolve, reject }));
		this.settle = settle as WholeFileSink['settle'];
		// A dropped file is awaited later (BinaryDataSinks.settle), or never if the call failed first.
		this.stored.catch(() => undefined);
	}

	get size(): number {
		return this.written;
	}

	write(chunk: Buffer): void {
		if (this.failure) throw this.failure;
		const bytes = this.room(chunk.length);
		chunk.copy(bytes, this.written);
		this.written += chunk.length;
	}

	end(): void {
		if (this.bytes === undefined) return;
		const whole = this.bytes.subarray(0, this.written);
		this.bytes = undefined;
		this.ctx.helpers.prepareBinaryData(whole, this.fileName, this.mimeType).then(
			(binary) => {
				rememberStore(binary);
				this.settle.resolve(binary);
			},
			(err: unknown) => this.settle.reject(asError(err)),
		);
	}

	destroy(err: Error): void {
		if (this.bytes === undefined) return;
		this.bytes = undefined;
		this.failure = err;
		this.settle.reject(err);
	}

	/** Bytes are copied as they come, so the reader never has to wait. */
	ready(): undefined {
		return undefined;
	}

	/**
	 * The buffer, with room for `more` bytes: a bigger one when the output outgrows its
	 * reservation (its size was unknown, or the answer was compressed on the way and brought more
	 * than its Content-Length announced).
	 */
	private room(more: number): Buffer {
		const bytes = this.bytes;
		if (bytes === undefined) throw new Error('the output file was already handed to n8n');
		if (this.written + more <= bytes.length) return bytes;
		const size = Math.max(bytes.length * 2, this.written + more, GROWN_RESERVED_BYTES);
		const bigger = allocated(size);
		if (bigger === undefined) {
			throw new Error(
				`n8n's binary data mode keeps a whole file in memory before storing it, and ${Math.round(size / 1024 / 1024)} MB could not be reserved for this output. n8n's filesystem mode (N8N_DEFAULT_BINARY_DATA_MODE=filesystem) writes it to disk as it arrives.`,
			);
		}
		bytes.copy(bigger, 0, 0, this.written);
		this.bytes = bigger;
		return bigger;
	}
}

/** A Buffer of `size` bytes, or undefined when the system refuses the memory. */
function allocated(size: number): Buffer | undefined {
	try {
		return Buffer.allocUnsafe(size);
	} catch {
		return undefined;
	}
}

function asError(err: unknown): Error {
	return err instanceof Error ? err : new Error(String(err));
}

/** The sinks one infer call opens, so a failed call can wait for n8n to let go of them all. */
export class BinaryDataSinks {
	private readonly opened: N8nFileSink[] = [];

	constructor(private readonly ctx: IExecuteFunctions) {}

	/** An OutputSinkFactory: names the file the way buildOutputItems does. */
	readonly open = ({ position, filename, contentType, expectedBytes, pieces }: OutputSinkRequest): OutputSink => {
		const fileName = sanitizeFileName(filename, `output_${position}`);
		const mimeType = inferMimeType(fileName, contentType);
		const sink =
			(n8nStore.gathersWholeFiles === true ? WholeFileSink.open(this.ctx, fileName, mimeType, expectedBytes) : undefined) ??
			new BinaryDataSink(this.ctx, fileName, mimeType, pieces === true);
		this.opened.push(sink);
		return sink;
	};

	/** Waits until n8n is done with every sink, stored or failed; never rejects. */
	async settle(): Promise<void> {
		await Promise.allSettled(this.opened.map((sink) => sink.stored));
	}
}
