/**
 * Output sinks that hand each decoded block to n8n's binary data store while the answer is still
 * arriving. In n8n's filesystem mode the file is written as it comes, so memory stays flat however
 * large the output; in its in-memory, database and S3 modes n8n gathers the blocks itself, as it
 * would from a Buffer.
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

	get size(): number {
		return this.written;
	}

	write(chunk: Buffer): void {
		if (this.failure) throw this.failure;
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
		if (this.failure || this.ended) return;
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
		this.scheduleDelivery();
	}

	/** A promise while more than BUFFERED_BYTES are unread; settles once the reader caught up or left. */
	ready(): Promise<void> | undefined {
		if (this.unread <= BUFFERED_BYTES || this.failure) return undefined;
		return new Promise((resolve) => this.drainWaiters.push(resolve));
	}

	[Symbol.asyncIterator](): AsyncIterator<Buffer> {
		return {
			next: async () => await this.pull(),
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
		const registered = this.listeners.get(event) ?? [];
		registered.push({ listener, once });
		this.listeners.set(event, registered);
		this.scheduleDelivery();
		return this;
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

/** One output file on its way into n8n's binary data store. */
export class BinaryDataSink extends OutputByteStream {
	/** n8n's record of the stored file; settles once n8n has read the whole stream. */
	readonly stored: Promise<IBinaryData>;

	constructor(
		ctx: IExecuteFunctions,
		/** The sanitised name and type n8n was given; the final ones can only differ for odd answers. */
		readonly fileName: string,
		readonly mimeType: string,
	) {
		super();
		// prepareBinaryData is typed for a Buffer or a node:stream Readable; n8n only uses the
		// members this stream has (see the top of this file), and a Readable is not allowed here.
		this.stored = ctx.helpers.prepareBinaryData(this as unknown as Buffer, fileName, mimeType);
		// n8n failed to store the file: the decoder's next write says why.
		this.stored.catch((err: unknown) => this.destroy(err instanceof Error ? err : new Error(String(err))));
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
