/**
 * The parsers' sink factory: output bytes leave through sinks as they are decoded, named from
 * the fields before `data`, and every sink is ended, destroyed or handed on, never forgotten.
 */
import type { OutputSink, OutputSinkRequest } from '../../../nodes/ViewComfy/helpers/interfaces';
import { ResultStreamParser, type ParsedResult } from '../../../nodes/ViewComfy/transport/direct/resultStreamParser';
import { SseResultReader } from '../../../nodes/ViewComfy/transport/direct/sseResultReader';
import { OutputTooLargeError, ResultFormatError } from '../../../nodes/ViewComfy/transport/http/errors';
import { cutEvery, everySplit, seededBytes } from './pieces';

/** A sink that keeps what it is given and records how it was closed. */
class CollectingSink implements OutputSink {
	readonly chunks: Buffer[] = [];
	state: 'open' | 'ended' | 'destroyed' = 'open';
	destroyedWith: Error | undefined;
	/** Set by a test to make the reader wait. */
	pending: Promise<void> | undefined;
	failWith: Error | undefined;

	constructor(readonly request: OutputSinkRequest) {}

	get size(): number {
		return this.bytes.length;
	}

	get bytes(): Buffer {
		return Buffer.concat(this.chunks);
	}

	write(chunk: Buffer): void {
		if (this.failWith) throw this.failWith;
		if (this.state !== 'open') throw new Error(`write after ${this.state}`);
		// A copy: the decoder's blocks are views a real consumer reads later.
		this.chunks.push(Buffer.from(chunk));
	}

	end(): void {
		this.state = 'ended';
	}

	destroy(err: Error): void {
		this.state = 'destroyed';
		this.destroyedWith = err;
	}

	ready(): Promise<void> | undefined {
		return this.pending;
	}
}

function factory(accept: (request: OutputSinkRequest) => boolean = () => true) {
	const sinks: CollectingSink[] = [];
	const openSink = (request: OutputSinkRequest): OutputSink | undefined => {
		if (!accept(request)) return undefined;
		const sink = new CollectingSink(request);
		sinks.push(sink);
		return sink;
	};
	return { sinks, openSink };
}

const image = seededBytes(40, 1);
const video = seededBytes(3000, 2);

function body(outputs: unknown[]): Buffer {
	return Buffer.from(JSON.stringify({ prompt_id: 'p-1', status: 'success', completed: true, outputs }));
}

const ordered = body([
	null,
	{ filename: 'a "é".png', content_type: 'image/png', data: image.toString('base64'), size: image.length },
	{ filename: 'clip.mp4', content_type: 'video/mp4', data: video.toString('base64') },
]);

function parseWith(pieces: Buffer[], openSink: ReturnType<typeof factory>['openSink']): ParsedResult {
	const parser = new ResultStreamParser({ openSink });
	for (const piece of pieces) parser.push(piece);
	return parser.end();
}

describe('ResultStreamParser with a sink factory', () => {
	it('sends each output to its own sink, named from the fields before data, at every split', () => {
		for (const [at, pieces] of everySplit(ordered)) {
			const { sinks, openSink } = factory();
			const result = parseWith(pieces, openSink);
			expect({ at, requests: sinks.map((sink) => sink.request) }).toEqual({
				at,
				requests: [
					{ position: 0, filename: 'a "é".png', contentType: 'image/png' },
					{ position: 1, filename: 'clip.mp4', contentType: 'video/mp4' },
				],
			});
			expect(sinks.map((sink) => sink.state)).toEqual(['ended', 'ended']);
			expect(sinks[0].bytes.equals(image)).toBe(true);
			expect(sinks[1].bytes.equals(video)).toBe(true);
			expect(result.outputs.map((output) => [output.chunks.length, output.byteLength, output.sink])).toEqual([
				[0, image.length, sinks[0]],
				[0, video.length, sinks[1]],
			]);
			expect(result.outputs[0].filename).toBe('a "é".png');
		}
	});

	it('with the body length known, tells each sink the most its output can decode to: 3/4 of the body left', () => {
		const dataStart = (name: string) => ordered.indexOf('"data":"', ordered.indexOf(name)) + '"data":"'.length;
		const bound = (name: string) => Math.floor(((ordered.length - dataStart(name)) * 3) / 4);
		for (const [at, pieces] of everySplit(ordered)) {
			const { sinks, openSink } = factory();
			const parser = new ResultStreamParser({ openSink, bodyBytes: ordered.length });
			for (const piece of pieces) parser.push(piece);
			parser.end();
			expect({ at, hints: sinks.map((sink) => sink.request.expectedBytes) }).toEqual({ at, hints: [bound('a \\"'), bound('clip.mp4')] });
		}
		// An upper bound: each output fits in what its sink was told.
		expect(bound('a \\"')).toBeGreaterThanOrEqual(image.length + video.length);
		expect(bound('clip.mp4')).toBeGreaterThanOrEqual(video.length);
		expect(bound('clip.mp4') - video.length).toBeLessThan(20);
	});

	it('never hints more than the output size limit leaves, nor anything without a body length', () => {
		// An answer over the limit fails, but its sink must not first reserve more than the limit.
		const limit = 2000;
		const { sinks, openSink } = factory();
		const parser = new ResultStreamParser({ openSink, bodyBytes: ordered.length, maxOutputBytes: limit });
		expect(() => parser.push(ordered)).toThrow(OutputTooLargeError);
		const hints = sinks.map((sink) => sink.request.expectedBytes as number);
		expect(hints.length).toBeGreaterThan(0);
		for (const hint of hints) expect(hint).toBeLessThanOrEqual(limit);
		expect(Math.floor((ordered.length * 3) / 4)).toBeGreaterThan(limit);

		const unknown = factory();
		parseWith(cutEvery(ordered, 100), unknown.openSink);
		expect(unknown.sinks.map((sink) => sink.request.expectedBytes)).toEqual([undefined, undefined]);
	});

	it('keeps an output in memory when its data comes before its filename or content type', () => {
		const late = body([
			{ data: image.toString('base64'), filename: 'late.png', content_type: 'image/png' },
			{ filename: 'x.mp4', data: video.toString('base64'), content_type: 'video/mp4' },
		]);
		const { sinks, openSink } = factory();
		const result = parseWith(cutEvery(late, 7), openSink);
		expect(sinks).toHaveLength(0);
		expect(Buffer.concat(result.outputs[0].chunks).equals(image)).toBe(true);
		expect(Buffer.concat(result.outputs[1].chunks).equals(video)).toBe(true);
		expect(result.outputs.map((output) => output.sink)).toEqual([undefined, undefined]);
	});

	it('keeps an output in memory when the factory declines it', () => {
		const { sinks, openSink } = factory((request) => request.position === 1);
		const result = parseWith(cutEvery(ordered, 100), openSink);
		expect(sinks.map((sink) => sink.request.filename)).toEqual(['clip.mp4']);
		expect(Buffer.concat(result.outputs[0].chunks).equals(image)).toBe(true);
		expect(result.outputs[0].sink).toBeUndefined();
		expect(sinks[0].bytes.equals(video)).toBe(true);
	});

	it('destroys the sink of a data value a repeated key replaced', () => {
		const twice = Buffer.from(
			`{"outputs":[{"filename":"a.png","content_type":"image/png","data":"${image.toString('base64')}","data":"${video.toString('base64')}"}]}`,
		);
		const { sinks, openSink } = factory();
		const result = parseWith(cutEvery(twice, 64), openSink);
		expect(sinks.map((sink) => sink.state)).toEqual(['destroyed', 'ended']);
		expect(result.outputs[0].sink).toBe(sinks[1]);
		expect(sinks[1].bytes.equals(video)).toBe(true);
	});

	it('destroys every sink when the answer is cut and the caller aborts', () => {
		const { sinks, openSink } = factory();
		const parser = new ResultStreamParser({ openSink });
		parser.push(ordered.subarray(0, ordered.length - 500));
		expect(() => parser.end()).toThrow(ResultFormatError);
		const cut = new Error('cut');
		expect(sinks.map((sink) => sink.state)).toEqual(['ended', 'open']);
		parser.abort(cut);
		// The finished one too: a failed call's files are not used.
		expect(sinks.map((sink) => sink.state)).toEqual(['destroyed', 'destroyed']);
		expect(sinks[1].destroyedWith).toBe(cut);
		// Aborting twice does nothing more.
		parser.abort(new Error('again'));
		expect(sinks[1].destroyedWith).toBe(cut);
	});

	it('passes on the error a sink throws as it is, not as a format error', () => {
		const failure = new Error('disk full');
		const { sinks, openSink } = factory();
		const parser = new ResultStreamParser({
			openSink: (request) => {
				const sink = openSink(request) as CollectingSink;
				sink.failWith = failure;
				return sink;
			},
		});
		expect(() => parser.push(ordered)).toThrow(failure);
		expect(sinks).toHaveLength(1);
	});

	it('asks the reader to wait only while a sink says so', async () => {
		const { sinks, openSink } = factory();
		const parser = new ResultStreamParser({ openSink });
		expect(parser.waitForSinks()).toBeUndefined();
		parser.push(ordered.subarray(0, ordered.length - 200));
		expect(parser.waitForSinks()).toBeUndefined();
		let release: () => void = () => {};
		sinks[1].pending = new Promise<void>((resolve) => (release = resolve));
		const wait = parser.waitForSinks();
		expect(wait).toBeInstanceOf(Promise);
		let settled = false;
		void wait?.then(() => (settled = true));
		await new Promise((resolve) => setImmediate(resolve));
		expect(settled).toBe(false);
		release();
		await wait;
		expect(settled).toBe(true);
	});
});

describe('SseResultReader with a sink factory', () => {
	const stream = Buffer.concat([
		Buffer.from('event: log_message\ndata: step 1\n\n'),
		Buffer.from('event: prompt_result\ndata: '),
		ordered,
		Buffer.from('\n\n'),
	]);

	it('streams the result event outputs into sinks', () => {
		const { sinks, openSink } = factory();
		const reader = new SseResultReader({ openSink });
		for (const piece of cutEvery(stream, 333)) reader.push(piece);
		const result = reader.end();
		expect(result.logs).toEqual(['step 1']);
		expect(sinks.map((sink) => [sink.request.filename, sink.state])).toEqual([
			['a "é".png', 'ended'],
			['clip.mp4', 'ended'],
		]);
		expect(sinks[1].bytes.equals(video)).toBe(true);
		expect(result.outputs[1].sink).toBe(sinks[1]);
	});

	it('waits for and aborts the result parser sinks', () => {
		const { sinks, openSink } = factory();
		const reader = new SseResultReader({ openSink });
		expect(reader.waitForSinks()).toBeUndefined();
		reader.abort(new Error('nothing open yet'));
		reader.push(stream.subarray(0, stream.length - 300));
		sinks[1].pending = Promise.resolve();
		expect(reader.waitForSinks()).toBeInstanceOf(Promise);
		reader.abort(new Error('stopped'));
		expect(sinks.map((sink) => sink.state)).toEqual(['destroyed', 'destroyed']);
	});
});
