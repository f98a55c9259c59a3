import { SseResultReader, type SseResultReaderOptions } from '../../../nodes/ViewComfy/transport/direct/sseResultReader';
import type { InferResult } from '../../../nodes/ViewComfy/helpers/interfaces';
import { OutputTooLargeError, ResultFormatError, StreamEndedError } from '../../../nodes/ViewComfy/transport/http/errors';
import { cutEvery, everySplit, seededBytes } from './pieces';

const png = seededBytes(50, 8);
const resultJson = JSON.stringify({
	prompt_id: 'p-9',
	status: 'success',
	completed: true,
	outputs: [{ filename: 'ü.png', content_type: 'image/png', data: png.toString('base64'), size: png.length }],
});

function read(pieces: Buffer[], opts: SseResultReaderOptions = {}): InferResult {
	const reader = new SseResultReader(opts);
	for (const piece of pieces) reader.push(piece);
	return reader.end();
}

function endedError(pieces: Buffer[]): StreamEndedError {
	try {
		read(pieces);
	} catch (err) {
		if (err instanceof StreamEndedError) return err;
		throw err;
	}
	throw new Error('expected a StreamEndedError');
}

/** A stream with everything a reader must cope with before the result. */
function typicalStream(eol: string): Buffer {
	const lines = [
		': a comment',
		'event: log_message',
		'data:  45%|████▌     | 9/20',
		'',
		'event: unknown_kind',
		'data: ignored',
		'',
		'data: a nameless message, ignored',
		'',
		'event: error',
		'data: {"error": "VRAM low"}',
		'',
		'event: log_message',
		'data: first half',
		'data: second half',
		'',
		'event: prompt_result',
		`data: ${resultJson}`,
		'',
		'event: log_message',
		'data: after the result, never read',
		'',
	];
	return Buffer.from(lines.join(eol), 'utf8');
}

function expectTypical(result: InferResult): void {
	expect(result.logs).toEqual([' 45%|████▌     | 9/20', 'first half\nsecond half']);
	expect(result.errorEvents).toEqual(['{"error": "VRAM low"}']);
	expect(result.meta).toEqual({ prompt_id: 'p-9', status: 'success', completed: true });
	expect(result.outputs).toHaveLength(1);
	expect(result.outputs[0].filename).toBe('ü.png');
	expect(Buffer.concat(result.outputs[0].chunks).equals(png)).toBe(true);
}

describe('SseResultReader', () => {
	it.each([
		['LF', '\n'],
		['CRLF', '\r\n'],
		['CR', '\r'],
	])('reads logs, error events and the result with %s line ends, cut at every position', (_name, eol) => {
		const stream = typicalStream(eol);
		for (const [at, pieces] of everySplit(stream)) {
			try {
				expectTypical(read(pieces));
			} catch (err) {
				throw new Error(`cut at ${at}: ${(err as Error).message}`);
			}
		}
	});

	it('reads the stream fed one byte at a time', () => {
		expectTypical(read(cutEvery(typicalStream('\r\n'), 1)));
	});

	it('calls onLog and onErrorEvent in stream order', () => {
		const seen: string[] = [];
		read([typicalStream('\n')], {
			onLog: (line) => seen.push(`log:${line}`),
			onErrorEvent: (text) => seen.push(`error:${text}`),
		});
		expect(seen).toEqual(['log: 45%|████▌     | 9/20', 'error:{"error": "VRAM low"}', 'log:first half\nsecond half']);
	});

	it('stops at the result: later bytes are not read, even malformed ones', () => {
		const reader = new SseResultReader();
		reader.push(Buffer.from(`event: prompt_result\ndata: ${resultJson}\n\n`));
		expect(reader.finished).toBe(true);
		reader.push(Buffer.from('event: log_message\ndata: late\n\n\u0000garbage'));
		const result = reader.end();
		expect(result.logs).toEqual([]);
		expect(result.outputs[0].byteLength).toBe(png.length);
	});

	it('joins a result split over several data lines with line breaks', () => {
		// Cut between two members: a line break there is JSON whitespace.
		const cut = resultJson.indexOf(',"status"') + 1;
		const [head, tail] = [resultJson.slice(0, cut), resultJson.slice(cut)];
		const stream = Buffer.from(`event: prompt_result\ndata:${head}\n: comment inside\nid: 7\ndata: ${tail}\n\n`);
		for (const [at, pieces] of everySplit(stream)) {
			expect({ at, id: read(pieces).meta.prompt_id }).toEqual({ at, id: 'p-9' });
		}
	});

	it('accepts data lines that come before the event line', () => {
		const stream = Buffer.from(`data: ${resultJson}\nevent: prompt_result\n\n`);
		expect(read(cutEvery(stream, 7)).outputs[0].byteLength).toBe(png.length);
	});

	it('accepts a complete result whose closing blank line never came', () => {
		expect(read([Buffer.from(`event: prompt_result\ndata: ${resultJson}`)]).meta.prompt_id).toBe('p-9');
	});

	it('strips a byte order mark at the start', () => {
		const result = read([Buffer.from(`\ufeffevent: log_message\ndata: hi\n\nevent: prompt_result\ndata: ${resultJson}\n\n`)]);
		expect(result.logs).toEqual(['hi']);
	});

	it('ends with StreamEndedError naming the last log lines when no result came', () => {
		const err = endedError([Buffer.from('event: log_message\ndata: loading model\n\nevent: log_message\ndata: 10%\n\n')]);
		expect(err.message).toMatch(/^The stream ended before ViewComfy sent the result\./);
		expect(err.message).toContain('loading model\n10%');
		expect(err.logs).toEqual(['loading model', '10%']);
		expect(err.errorEvents).toEqual([]);
	});

	it('ends with the error event text when the stream carried one', () => {
		const err = endedError([
			Buffer.from('event: log_message\ndata: step 1\n\nevent: error\ndata: CUDA out of memory\n\n'),
		]);
		expect(err.message).toContain('ViewComfy reported an error');
		expect(err.message).toContain('CUDA out of memory');
		expect(err.message).toContain('step 1');
		expect(err.errorEvents).toEqual(['CUDA out of memory']);
	});

	it('hears a last error event even without its closing blank line', () => {
		expect(endedError([Buffer.from('event: error\ndata: boom')]).errorEvents).toEqual(['boom']);
	});

	it('says so when the stream was empty', () => {
		expect(endedError([]).message).toContain('No log lines were received');
	});

	it('throws ResultFormatError when the result data is cut off', () => {
		expect(() => read([Buffer.from(`event: prompt_result\ndata: ${resultJson.slice(0, 60)}`)])).toThrow(ResultFormatError);
	});

	it('throws OutputTooLargeError while the result streams in', () => {
		const big = seededBytes(20_000, 1).toString('base64');
		const reader = new SseResultReader({ maxOutputBytes: 1000 });
		const stream = Buffer.from(`event: prompt_result\ndata: {"outputs":[{"data":"${big}"}]}\n\n`);
		expect(() => cutEvery(stream, 500).forEach((piece) => reader.push(piece))).toThrow(OutputTooLargeError);
	});

	it('keeps only the last 1,000 log lines', () => {
		const events = Array.from({ length: 1200 }, (_v, i) => `event: log_message\ndata: line ${i}\n\n`).join('');
		const result = read([Buffer.from(`${events}event: prompt_result\ndata: ${resultJson}\n\n`)]);
		expect(result.logs).toHaveLength(1000);
		expect(result.logs[0]).toBe('line 200');
		expect(result.logs[999]).toBe('line 1199');
	});
});
