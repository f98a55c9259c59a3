/**
 * Reads ViewComfy's result JSON as it streams in, without ever holding the body as one string.
 *
 * Not a full JSON parser: it only tracks enough structure (container stack, current key, strings)
 * to recognise the string value at `outputs[i].data`. That string's body goes straight through a
 * base64 decoder into the output's byte chunks; everything else is copied into a small "skeleton"
 * text in which each such string is left empty (`"data":""`). At the end the skeleton is parsed
 * with JSON.parse, which also validates everything the tracker skipped over.
 */
import type { DecodedOutput, InferResultMeta, OutputSink, OutputSinkFactory } from '../../helpers/interfaces';
import { Base64ChunkDecoder } from './base64Decoder';
import { OutputTooLargeError, ResultFormatError, excerpt } from '../http/errors';
import { sinkRefusal } from '../http/outputSink';

export interface ResultStreamParserOptions {
	/** Cap on decoded output bytes plus skeleton bytes; unlimited when undefined. */
	maxOutputBytes?: number;
	/**
	 * Asked for a sink when an output's `data` string starts, so its bytes leave as they are
	 * decoded; without one (or when it returns undefined) they are collected in memory.
	 */
	openSink?: OutputSinkFactory;
	/**
	 * The body's length in bytes (its Content-Length), when the answer declares it: each sink is
	 * told how many bytes its output can have at most (see OutputSinkRequest.expectedBytes).
	 */
	bodyBytes?: number;
}

export interface ParsedResult {
	meta: InferResultMeta;
	outputs: DecodedOutput[];
}

/** Where a container sits, as far as finding `outputs[i].data` is concerned. */
type Role = 'root' | 'outputs' | 'output' | 'other';

interface Frame {
	isObject: boolean;
	role: Role;
	/** Objects: the next string is a key. */
	expectKey: boolean;
	/** Objects with a role we care about: the key whose value comes next. */
	key: string | undefined;
	/** Arrays: index of the current element (commas seen so far). */
	index: number;
	/** `output` frames: position in the `outputs` array. */
	outputIndex: number;
	/** `outputs` frames: objects opened so far. `output` frames: how many came before this one. */
	objects: number;
	/** `output` frames, with a sink factory: `filename` and `content_type` seen so far. */
	fields: { filename?: string; content_type?: string };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const EXCERPT_CHARS = 200;

const enum Mode {
	/** Between tokens: whitespace, punctuation, numbers, literals. */
	Structure,
	/** Inside a string that goes into the skeleton (a key or an ordinary value). */
	SkeletonString,
	/** Inside an `outputs[i].data` string: the body goes to the decoder. */
	OutputData,
	/** The root object is closed; only whitespace may follow. */
	AfterRoot,
}

export class ResultStreamParser {
	private readonly maxBytes: number;
	private readonly stack: Frame[] = [];
	private mode = Mode.Structure;
	/** The previous chunk ended right after a backslash inside a string. */
	private escapePending = false;
	/** Raw bytes of the key being read, when its frame needs the key. */
	private keyParts: Buffer[] | undefined;
	private inKey = false;
	/** The `output` field whose string value `keyParts` is collecting, if a value. */
	private valueField: 'filename' | 'content_type' | undefined;
	private readonly openSink: OutputSinkFactory | undefined;
	private readonly bodyBytes: number | undefined;
	/** Body bytes pushed before the current chunk. */
	private chunkStart = 0;
	/** Sinks opened so far; the ones still in the result at the end are handed on. */
	private readonly sinks: OutputSink[] = [];
	/** An error a sink threw, passed on as it is. */
	private sinkError: unknown;

	private readonly skeleton: Buffer[] = [];
	private skeletonBytes = 0;
	private outputBytes = 0;
	private readonly decoded: DecodedOutput[] = [];
	private decoder: Base64ChunkDecoder | undefined;
	private decodingIndex = -1;

	private head = Buffer.alloc(0);

	constructor(opts: ResultStreamParserOptions = {}) {
		this.maxBytes = opts.maxOutputBytes ?? Number.POSITIVE_INFINITY;
		this.openSink = opts.openSink;
		this.bodyBytes = opts.bodyBytes;
	}

	/**
	 * A promise while a sink holds more unread bytes than it should: read no more until it
	 * settles. Undefined (the common case) costs the reader no await.
	 */
	waitForSinks(): Promise<void> | undefined {
		let waits: Promise<void>[] | undefined;
		for (const sink of this.sinks) {
			const wait = sink.ready();
			if (wait) (waits ??= []).push(wait);
		}
		return waits && Promise.all(waits).then(() => undefined);
	}

	/** The answer failed: destroy every sink, so nothing waits for bytes that will not come. */
	abort(err: Error): void {
		for (const sink of this.sinks.splice(0)) sink.destroy(err);
	}

	push(chunk: Buffer): void {
		if (chunk.length === 0) return;
		if (this.head.length < EXCERPT_CHARS) {
			this.head = Buffer.concat([this.head, chunk.subarray(0, EXCERPT_CHARS - this.head.length)]);
		}
		const n = chunk.length;
		/** Start of the bytes not yet copied to the skeleton; -1 while decoding output data. */
		let copyFrom = this.mode === Mode.OutputData ? -1 : 0;
		let i = 0;
		while (i < n) {
			switch (this.mode) {
				case Mode.OutputData: {
					const end = this.findStringEnd(chunk, i);
					this.decode(chunk.subarray(i, end === -1 ? n : end));
					if (end === -1) {
						i = n;
					} else {
						this.finishData();
						copyFrom = end;
						i = end + 1;
						this.mode = Mode.Structure;
						this.valueDone();
					}
					break;
				}
				case Mode.SkeletonString: {
					const end = this.findStringEnd(chunk, i);
					if (this.keyParts) this.keyParts.push(Buffer.from(chunk.subarray(i, end === -1 ? n : end)));
					if (end === -1) {
						i = n;
					} else {
						i = end + 1;
						this.mode = Mode.Structure;
						this.stringDone();
					}
					break;
				}
				case Mode.AfterRoot: {
					for (; i < n; i++) {
						if (!isWhitespace(chunk[i])) throw this.formatError('there is more text after the end of the JSON object');
					}
					break;
				}
				default: {
					i = this.scanStructure(chunk, i);
					// scanStructure may have changed the mode (TypeScript cannot see that).
					if ((this.mode as Mode) === Mode.OutputData) {
						this.copyToSkeleton(chunk, copyFrom, i);
						copyFrom = -1;
					}
				}
			}
		}
		if (copyFrom !== -1) this.copyToSkeleton(chunk, copyFrom, n);
		this.chunkStart += n;
	}

	end(): ParsedResult {
		if (this.mode !== Mode.AfterRoot) {
			throw this.formatError(
				this.head.length === 0 ? 'the answer is empty' : 'it ended before the JSON was complete (the answer was cut off)',
			);
		}
		let root: Record<string, unknown>;
		try {
			root = JSON.parse(Buffer.concat(this.skeleton).toString('utf8')) as Record<string, unknown>;
		} catch (err) {
			throw this.formatError(`it is not valid JSON (${(err as Error).message})`);
		}
		const { outputs: rawOutputs, ...meta } = root;
		const outputs: DecodedOutput[] = [];
		const used = new Set<OutputSink>();
		if (Array.isArray(rawOutputs)) {
			rawOutputs.forEach((entry: unknown, index) => {
				if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return;
				const fields = entry as Record<string, unknown>;
				const bytes = this.decoded[index] ?? { chunks: [], byteLength: 0 };
				outputs.push({
					filename: typeof fields.filename === 'string' ? fields.filename : undefined,
					contentType: typeof fields.content_type === 'string' ? fields.content_type : undefined,
					declaredSize: typeof fields.size === 'number' ? fields.size : undefined,
					chunks: bytes.chunks,
					byteLength: bytes.byteLength,
					...(bytes.sink ? { sink: bytes.sink } : {}),
				});
				if (bytes.sink) used.add(bytes.sink);
			});
		}
		// Sinks of values JSON.parse dropped (repeated keys) hold nothing anyone will read.
		const dropped = new Error('ViewComfy sent this output twice; the last one is kept');
		for (const sink of this.sinks.splice(0)) if (!used.has(sink)) sink.destroy(dropped);
		return { meta: meta as InferResultMeta, outputs };
	}

	/**
	 * Walks punctuation, whitespace and literals one byte at a time (they are a small part of
	 * any result) until a string starts. Returns the index after the byte that changed mode.
	 */
	private scanStructure(chunk: Buffer, i: number): number {
		const n = chunk.length;
		for (; i < n; i++) {
			const c = chunk[i];
			if (isWhitespace(c)) continue;
			const top = this.stack[this.stack.length - 1];
			if (top === undefined && c !== 0x7b /* { */) {
				throw this.formatError('it does not start with a JSON object');
			}
			switch (c) {
				case 0x7b: // {
				case 0x5b: // [
					this.open(c === 0x7b, top);
					break;
				case 0x7d: // }
				case 0x5d: // ]
					if (top.isObject !== (c === 0x7d)) throw this.formatError('its brackets do not match');
					this.stack.pop();
					if (this.stack.length === 0) {
						this.mode = Mode.AfterRoot;
						return i + 1;
					}
					this.valueDone();
					break;
				case 0x2c: // ,
					if (top.isObject) top.expectKey = true;
					else top.index++;
					break;
				case QUOTE:
					this.startString(top, this.chunkStart + i + 1);
					return i + 1;
				default:
				// ':' and the bytes of numbers, true, false, null: JSON.parse checks them at the end.
			}
		}
		return i;
	}

	private open(isObject: boolean, parent: Frame | undefined): void {
		let role: Role = 'other';
		let outputIndex = -1;
		let objects = 0;
		if (parent === undefined) role = 'root';
		else if (parent.role === 'root' && !isObject && parent.key === 'outputs') role = 'outputs';
		else if (parent.role === 'outputs' && isObject) {
			role = 'output';
			outputIndex = parent.index;
			objects = parent.objects++;
		}
		this.stack.push({ isObject, role, expectKey: isObject, key: undefined, index: 0, outputIndex, objects, fields: {} });
	}

	/** `bodyOffset`: where the string's text starts in the body. */
	private startString(top: Frame, bodyOffset: number): void {
		if (top.isObject && top.expectKey) {
			this.inKey = true;
			// Keys only matter where `outputs` or `data` can be the key.
			this.keyParts = top.role === 'root' || top.role === 'output' ? [] : undefined;
			this.mode = Mode.SkeletonString;
		} else if (top.role === 'output' && top.key === 'data') {
			this.startData(top, bodyOffset);
			this.mode = Mode.OutputData;
		} else {
			// A sink is named when its data starts, from the fields that came before it.
			if (this.openSink && top.role === 'output' && (top.key === 'filename' || top.key === 'content_type')) {
				this.valueField = top.key;
				this.keyParts = [];
			}
			this.mode = Mode.SkeletonString;
		}
	}

	private stringDone(): void {
		if (!this.inKey) {
			if (this.valueField && this.keyParts) {
				const top = this.stack[this.stack.length - 1];
				// Invalid text is left to the final JSON.parse to report; the output then stays in memory.
				const value = parseJsonString(Buffer.concat(this.keyParts));
				if (value !== undefined) top.fields[this.valueField] = value;
			}
			this.valueField = undefined;
			this.keyParts = undefined;
			this.valueDone();
			return;
		}
		this.inKey = false;
		const top = this.stack[this.stack.length - 1];
		top.expectKey = false;
		if (this.keyParts) {
			top.key = this.decodeKey(Buffer.concat(this.keyParts));
			this.keyParts = undefined;
		}
	}

	/** A value in the top frame ended: its key no longer applies. */
	private valueDone(): void {
		const top = this.stack[this.stack.length - 1];
		if (top.isObject) top.key = undefined;
	}

	private decodeKey(raw: Buffer): string {
		const key = parseJsonString(raw);
		if (key === undefined) throw this.formatError('a key is not a valid JSON string');
		return key;
	}

	/**
	 * Index of the closing quote at or after `from`, or -1 if the string goes on past this chunk.
	 * Uses native indexOf for quotes and backslashes so long strings are scanned at memory speed.
	 */
	private findStringEnd(chunk: Buffer, from: number): number {
		const n = chunk.length;
		let start = from;
		if (this.escapePending) {
			// The first byte here is escaped by the backslash that ended the previous chunk.
			this.escapePending = false;
			start = from + 1;
			if (start > n) return -1;
		}
		let quote = chunk.indexOf(QUOTE, start);
		let slash = chunk.indexOf(BACKSLASH, start);
		while (slash !== -1 && (quote === -1 || slash < quote)) {
			if (slash + 1 >= n) {
				this.escapePending = true;
				return -1;
			}
			if (slash + 1 === quote) quote = chunk.indexOf(QUOTE, slash + 2);
			slash = chunk.indexOf(BACKSLASH, slash + 2);
		}
		return quote;
	}

	private startData(frame: Frame, bodyOffset: number): void {
		const index = frame.outputIndex;
		// A repeated `data` key: JSON.parse keeps the last value, so do we.
		const output: DecodedOutput = { chunks: [], byteLength: 0 };
		this.decoded[index] = output;
		this.decodingIndex = index;
		const { filename, content_type: contentType } = frame.fields;
		const sink =
			this.openSink && filename !== undefined && contentType !== undefined
				? this.openSink({ position: frame.objects, filename, contentType, expectedBytes: this.mostBytesFrom(bodyOffset) })
				: undefined;
		if (sink) {
			output.sink = sink;
			this.sinks.push(sink);
		}
		this.decoder = new Base64ChunkDecoder((bytes) => {
			output.byteLength += bytes.length;
			this.outputBytes += bytes.length;
			this.checkSize();
			if (sink) this.writeToSink(sink, bytes);
			else appendView(output.chunks, bytes);
		});
	}

	/**
	 * What a `data` string starting at `bodyOffset` can decode to at most: 3/4 of the body left
	 * (base64 carries 3 bytes in 4 characters), and never more than the size limit allows.
	 */
	private mostBytesFrom(bodyOffset: number): number | undefined {
		if (this.bodyBytes === undefined) return undefined;
		const bound = Math.floor((Math.max(0, this.bodyBytes - bodyOffset) * 3) / 4);
		return Math.min(bound, Math.max(0, this.maxBytes - this.outputBytes - this.skeletonBytes));
	}

	private writeToSink(sink: OutputSink, bytes: Buffer): void {
		const refused = sinkRefusal(sink, bytes);
		if (refused === undefined) return;
		this.sinkError = refused;
		throw refused;
	}

	private decode(base64: Buffer): void {
		if (base64.length === 0) return;
		try {
			(this.decoder as Base64ChunkDecoder).push(base64);
		} catch (err) {
			throw this.decodeError(err);
		}
	}

	private finishData(): void {
		try {
			(this.decoder as Base64ChunkDecoder).end();
		} catch (err) {
			throw this.decodeError(err);
		}
		this.decoder = undefined;
		this.decoded[this.decodingIndex]?.sink?.end();
	}

	private decodeError(err: unknown): Error {
		if (err instanceof OutputTooLargeError || (err !== undefined && err === this.sinkError)) return err as Error;
		return this.formatError(`outputs[${this.decodingIndex}].data: ${(err as Error).message}`);
	}

	private copyToSkeleton(chunk: Buffer, from: number, to: number): void {
		if (to <= from) return;
		// A copy, so the skeleton does not keep whole network chunks alive.
		this.skeleton.push(Buffer.from(chunk.subarray(from, to)));
		this.skeletonBytes += to - from;
		this.checkSize();
	}

	private checkSize(): void {
		if (this.outputBytes + this.skeletonBytes > this.maxBytes) throw new OutputTooLargeError(this.maxBytes);
	}

	private formatError(reason: string): ResultFormatError {
		return new ResultFormatError(reason, excerpt(this.head.toString('utf8'), EXCERPT_CHARS));
	}
}

/**
 * The decoder hands out consecutive views of the same block; they are joined into one view, so
 * an output is as many chunks as blocks, not one per network piece.
 */
function appendView(chunks: Buffer[], bytes: Buffer): void {
	const last = chunks[chunks.length - 1];
	if (last !== undefined && last.buffer === bytes.buffer && last.byteOffset + last.length === bytes.byteOffset) {
		chunks[chunks.length - 1] = Buffer.from(last.buffer, last.byteOffset, last.length + bytes.length);
	} else {
		chunks.push(bytes);
	}
}

function parseJsonString(raw: Buffer): string | undefined {
	try {
		return JSON.parse(`"${raw.toString('utf8')}"`) as string;
	} catch {
		return undefined;
	}
}

function isWhitespace(c: number): boolean {
	return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
