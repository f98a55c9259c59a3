/**
 * Reads the `logs=true` answer: a `text/event-stream` of `log_message` and `error` events that
 * ends with one `prompt_result` event whose single `data:` line is the whole result JSON,
 * hundreds of MB for a video.
 *
 * Lines are split here on bytes. The `data:` lines of the `prompt_result` event are streamed
 * into a ResultStreamParser as they arrive, never gathered into a string. Every other event is
 * handed whole to eventsource-parser, which owns the field rules (comments, multi-line data…).
 */
import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';
import type { InferResult, OutputSinkFactory } from '../../helpers/interfaces';
import { ResultStreamParser, type ParsedResult } from './resultStreamParser';
import { OutputTooLargeError, StreamEndedError } from '../http/errors';

export interface SseResultReaderOptions {
	onLog?: (line: string) => void;
	onErrorEvent?: (text: string) => void;
	maxOutputBytes?: number;
	/** Where output bytes go as they are decoded; see ResultStreamParserOptions.openSink. */
	openSink?: OutputSinkFactory;
}

const LF = 0x0a;
const CR = 0x0d;
const NEWLINE = Buffer.from('\n');
const DATA_FIELD = Buffer.from('data:');
const RESULT_EVENT = 'prompt_result';
/** Enough bytes to tell `data:` plus its optional space from any other line. */
const FIELD_PREFIX_BYTES = DATA_FIELD.length + 1;
/** Log lines kept for the result and for error messages; a 40-minute run can print many more. */
const MAX_KEPT_LOG_LINES = 1000;
/** Ordinary events are small; this only stops a runaway line from exhausting memory. */
const DEFAULT_MAX_EVENT_BYTES = 64 * 1024 * 1024;

export class SseResultReader {
	private readonly events: EventSourceParser;
	private readonly maxOutputBytes: number | undefined;
	private readonly maxEventBytes: number;

	private readonly logLines: string[] = [];
	private readonly errorTexts: string[] = [];

	/** Bytes of the current line, outside the streamed result data. */
	private lineParts: Buffer[] = [];
	private lineBytes = 0;
	/** Lines of the current ordinary event, given to eventsource-parser at its blank line. */
	private eventLines: string[] = [];
	private eventBytes = 0;
	/** The previous chunk ended with CR: an LF starting this one belongs to it. */
	private crPending = false;
	private firstChunk = true;

	/** Set once the current event is known to be `prompt_result`. */
	private result: ResultStreamParser | undefined;
	private resultDataLines = 0;
	/** Within the result event: where the rest of the current line goes. */
	private lineSink: 'none' | 'result' | 'discard' = 'none';
	private final: ParsedResult | undefined;

	constructor(private readonly opts: SseResultReaderOptions = {}) {
		this.maxOutputBytes = opts.maxOutputBytes;
		this.maxEventBytes =
			opts.maxOutputBytes === undefined ? DEFAULT_MAX_EVENT_BYTES : Math.ceil((opts.maxOutputBytes * 4) / 3) + 1024 * 1024;
		this.events = createParser({ onEvent: (event) => this.onEvent(event) });
	}

	/** True once the `prompt_result` event is complete: the rest of the stream can be dropped. */
	get finished(): boolean {
		return this.final !== undefined;
	}

	/** Log lines seen so far (the last 1,000). */
	get logs(): string[] {
		return this.logLines.slice();
	}

	get errorEvents(): string[] {
		return this.errorTexts.slice();
	}

	/** See ResultStreamParser.waitForSinks. */
	waitForSinks(): Promise<void> | undefined {
		return this.result?.waitForSinks();
	}

	/** The answer failed: destroy the result's open sinks. */
	abort(err: Error): void {
		this.result?.abort(err);
	}

	push(chunk: Buffer): void {
		if (this.final !== undefined || chunk.length === 0) return;
		let i = 0;
		if (this.firstChunk) {
			this.firstChunk = false;
			if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
		}
		if (this.crPending) {
			this.crPending = false;
			if (chunk[i] === LF) i++;
		}
		const lines = new LineEnds(chunk);
		while (i < chunk.length && this.final === undefined) {
			const end = lines.next(i);
			const stop = end === -1 ? chunk.length : end;
			if (this.result !== undefined && this.lineSink === 'none' && this.lineBytes === 0 && end === i) {
				this.finishResult();
				break;
			}
			if (this.result !== undefined && this.lineSink === 'none') {
				i = this.routeResultLine(chunk, i, end);
				continue;
			}
			if (this.lineSink === 'result') {
				if (stop > i) (this.result as ResultStreamParser).push(chunk.subarray(i, stop));
			} else if (this.lineSink === 'none') {
				this.keepLinePart(chunk.subarray(i, stop));
			}
			if (end === -1) break;
			i = this.afterTerminator(chunk, end);
			this.lineEnded();
		}
	}

	end(): InferResult {
		if (this.final === undefined) this.flushAtEnd();
		if (this.final === undefined) throw new StreamEndedError(this.logs, this.errorEvents);
		return { ...this.final, logs: this.logs, errorEvents: this.errorEvents };
	}

	/**
	 * Inside the result event, decides from the first bytes of a line whether it is a `data:`
	 * line (streamed into the parser) or anything else (dropped). Returns where to go on.
	 */
	private routeResultLine(chunk: Buffer, i: number, end: number): number {
		const stop = end === -1 ? chunk.length : end;
		const wanted = FIELD_PREFIX_BYTES - this.lineBytes;
		if (end === -1 && stop - i < wanted) {
			this.keepLinePart(chunk.subarray(i, stop));
			return stop;
		}
		const take = Math.min(wanted, stop - i);
		const head = Buffer.concat([...this.lineParts, chunk.subarray(i, i + take)]);
		this.lineParts = [];
		this.lineBytes = 0;
		const lineIsComplete = end !== -1 && i + take === end;
		if (head.subarray(0, DATA_FIELD.length).equals(DATA_FIELD) || (lineIsComplete && head.toString('latin1') === 'data')) {
			const result = this.result as ResultStreamParser;
			if (this.resultDataLines++ > 0) result.push(NEWLINE);
			const valueStart = head[DATA_FIELD.length] === 0x20 ? DATA_FIELD.length + 1 : DATA_FIELD.length;
			if (head.length > valueStart) result.push(head.subarray(valueStart));
			this.lineSink = 'result';
		} else {
			this.lineSink = 'discard';
		}
		return i + take;
	}

	private keepLinePart(part: Buffer): void {
		if (part.length === 0) return;
		this.lineBytes += part.length;
		if (this.lineBytes + this.eventBytes > this.maxEventBytes) throw new OutputTooLargeError(this.maxOutputBytes ?? this.maxEventBytes);
		// A copy, so a short line does not keep a whole network chunk alive.
		this.lineParts.push(Buffer.from(part));
	}

	private afterTerminator(chunk: Buffer, end: number): number {
		if (chunk[end] === CR) {
			if (end + 1 === chunk.length) {
				this.crPending = true;
				return end + 1;
			}
			if (chunk[end + 1] === LF) return end + 2;
		}
		return end + 1;
	}

	private lineEnded(): void {
		if (this.lineSink !== 'none') {
			this.lineSink = 'none';
			return;
		}
		const line = Buffer.concat(this.lineParts).toString('utf8');
		this.lineParts = [];
		this.lineBytes = 0;
		this.handleLine(line);
	}

	/** A complete line outside the result event. */
	private handleLine(line: string): void {
		if (line === '') {
			this.dispatchEvent();
			return;
		}
		if (fieldValue(line, 'event') === RESULT_EVENT) {
			this.startResult();
			return;
		}
		this.eventLines.push(line);
		this.eventBytes += line.length;
	}

	private startResult(): void {
		const result = new ResultStreamParser({ maxOutputBytes: this.maxOutputBytes, openSink: this.opts.openSink });
		this.result = result;
		// Data lines that came before the `event:` line belong to the result too.
		for (const line of this.eventLines) {
			const value = fieldValue(line, 'data');
			if (value === undefined) continue;
			if (this.resultDataLines++ > 0) result.push(NEWLINE);
			result.push(Buffer.from(value, 'utf8'));
		}
		this.eventLines = [];
		this.eventBytes = 0;
	}

	private finishResult(): void {
		this.final = (this.result as ResultStreamParser).end();
	}

	private dispatchEvent(): void {
		if (this.eventLines.length === 0) return;
		const text = `${this.eventLines.join('\n')}\n\n`;
		this.eventLines = [];
		this.eventBytes = 0;
		this.events.feed(text);
	}

	private onEvent(event: EventSourceMessage): void {
		if (event.event === 'log_message') {
			this.logLines.push(event.data);
			if (this.logLines.length > MAX_KEPT_LOG_LINES) this.logLines.splice(0, this.logLines.length - MAX_KEPT_LOG_LINES);
			this.opts.onLog?.(event.data);
		} else if (event.event === 'error') {
			this.errorTexts.push(event.data);
			this.opts.onErrorEvent?.(event.data);
		}
		// Other events (and nameless messages) are not part of ViewComfy's protocol: ignored.
	}

	/**
	 * The body ended. A last event without its closing blank line still counts (a server that
	 * reports an error and hangs up should be heard), and so does a result whose JSON is complete.
	 */
	private flushAtEnd(): void {
		if (this.result !== undefined) {
			this.lineParts = [];
			this.lineSink = 'none';
			this.finishResult();
			return;
		}
		if (this.lineBytes > 0) this.lineEnded();
		if (this.result !== undefined) {
			this.finishResult();
			return;
		}
		this.dispatchEvent();
	}
}

/** The value of `field` if `line` is that field (`name:value`, one leading space dropped). */
function fieldValue(line: string, field: string): string | undefined {
	if (line === field) return '';
	if (!line.startsWith(field) || line.charCodeAt(field.length) !== 0x3a /* : */) return undefined;
	const value = line.slice(field.length + 1);
	return value.startsWith(' ') ? value.slice(1) : value;
}

/**
 * Finds line terminators (CR or LF) in one chunk. Remembers the next position of each byte,
 * so a chunk of many short log lines is scanned once, not once per line.
 */
class LineEnds {
	private nextLf = -2;
	private nextCr = -2;

	constructor(private readonly chunk: Buffer) {}

	next(from: number): number {
		if (this.nextLf !== -1 && this.nextLf < from) this.nextLf = this.chunk.indexOf(LF, from);
		if (this.nextCr !== -1 && this.nextCr < from) this.nextCr = this.chunk.indexOf(CR, from);
		if (this.nextLf === -1) return this.nextCr;
		if (this.nextCr === -1) return this.nextLf;
		return Math.min(this.nextLf, this.nextCr);
	}
}
