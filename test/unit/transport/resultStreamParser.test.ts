import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { ResultStreamParser, type ParsedResult } from '../../../nodes/ViewComfy/transport/direct/resultStreamParser';
import { OutputTooLargeError, ResultFormatError } from '../../../nodes/ViewComfy/transport/http/errors';
import { cutAt, cutEvery, everySplit, seededBytes } from './pieces';

function parse(pieces: Buffer[], maxOutputBytes?: number): ParsedResult {
	const parser = new ResultStreamParser({ maxOutputBytes });
	for (const piece of pieces) parser.push(piece);
	return parser.end();
}

function bytesOf(result: ParsedResult): string[] {
	return result.outputs.map((output) => Buffer.concat(output.chunks).toString('hex'));
}

function formatErrorOf(action: () => unknown): ResultFormatError {
	try {
		action();
	} catch (err) {
		if (err instanceof ResultFormatError) return err;
		throw err;
	}
	throw new Error('expected a ResultFormatError');
}

const image = seededBytes(40, 1);
const video = seededBytes(71, 2);

/** A result with the traps the tracker must not fall into. */
const sample = {
	prompt_id: 'p-1',
	status: 'success',
	completed: true,
	execution_time_seconds: 1.5,
	// `data` and `outputs` keys outside the top-level outputs are ordinary values.
	prompt: {
		'3': { inputs: { data: 'not base64 !', text: 'a "quoted" \\ back\\slash, {braces} [brackets]' }, class_type: 'K' },
		odd: 'one " quote, then { and [',
		trailing: 'ends with a backslash \\',
		outputs: [{ data: 'also not base64 ?' }],
	},
	outputs: [
		{ filename: 'café_🎨.png', content_type: 'image/png', data: image.toString('base64'), size: image.length },
		{ filename: 'clip "1".mp4', content_type: 'video/mp4', data: video.toString('base64'), size: video.length },
	],
	notes: ['outputs', { data: 'x' }],
};
const sampleBody = Buffer.from(JSON.stringify(sample), 'utf8');

function expectSample(result: ParsedResult): void {
	const meta: Partial<typeof sample> = { ...sample };
	delete meta.outputs;
	expect(result.meta).toEqual(meta);
	expect(result.outputs.map(({ filename, contentType, declaredSize, byteLength }) => ({ filename, contentType, declaredSize, byteLength }))).toEqual([
		{ filename: 'café_🎨.png', contentType: 'image/png', declaredSize: 40, byteLength: 40 },
		{ filename: 'clip "1".mp4', contentType: 'video/mp4', declaredSize: 71, byteLength: 71 },
	]);
	expect(bytesOf(result)).toEqual([image.toString('hex'), video.toString('hex')]);
}

describe('ResultStreamParser', () => {
	it('reads meta and decodes outputs, leaving nested data/outputs keys alone', () => {
		expectSample(parse([sampleBody]));
	});

	it('gives the same result when cut at every byte position (keys, escapes, UTF-8, base64 quads)', () => {
		for (const [at, pieces] of everySplit(sampleBody)) {
			let result: ParsedResult | undefined;
			try {
				result = parse(pieces);
				expectSample(result);
			} catch (err) {
				throw new Error(`cut at ${at}: ${(err as Error).message}`);
			}
		}
	});

	it('gives the same result fed one byte at a time', () => {
		expectSample(parse(cutEvery(sampleBody, 1)));
	});

	it('gives the same result for random cuts (property)', () => {
		fc.assert(
			fc.property(fc.array(fc.nat({ max: sampleBody.length }), { maxLength: 12 }), (cuts) => {
				expectSample(parse(cutAt(sampleBody, [...new Set(cuts)].sort((a, b) => a - b))));
			}),
			{ numRuns: 200 },
		);
	});

	it('decodes data whose "/" are escaped as \\/ and whose key is written with a \\u escape', () => {
		const bytes = seededBytes(300, 9);
		const base64 = bytes.toString('base64');
		expect(base64).toContain('/');
		const body = Buffer.from(`{"outputs":[{"d\\u0061ta":"${base64.replace(/\//g, '\\/')}","filename":"a\\/b.png"}]}`);
		for (const [at, pieces] of everySplit(body)) {
			const result = parse(pieces);
			expect({ at, hex: bytesOf(result)[0], name: result.outputs[0].filename }).toEqual({
				at,
				hex: bytes.toString('hex'),
				name: 'a/b.png',
			});
		}
	});

	it('decodes a multi-MB output fed in small pieces', () => {
		const bytes = seededBytes(3 * 1024 * 1024 + 5, 4);
		const body = Buffer.from(JSON.stringify({ prompt_id: 'big', outputs: [{ filename: 'v.mp4', data: bytes.toString('base64') }] }));
		const result = parse(cutEvery(body, 1000 + 3));
		const digest = createHash('sha256');
		result.outputs[0].chunks.forEach((chunk) => digest.update(chunk));
		expect(digest.digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
		expect(result.outputs[0].byteLength).toBe(bytes.length);
		expect(result.meta).toEqual({ prompt_id: 'big' });
	});

	it('keeps non-object entries out of the outputs and gives an output without data zero bytes', () => {
		const result = parse([Buffer.from('{"outputs":["x",{"filename":"t.txt","data":null},{"filename":"e.txt","data":""}]}')]);
		expect(result.outputs.map((o) => [o.filename, o.byteLength])).toEqual([
			['t.txt', 0],
			['e.txt', 0],
		]);
	});

	it('keeps the last value of a repeated data key, as JSON.parse does', () => {
		const result = parse([Buffer.from('{"outputs":[{"data":"QUFB","data":"QkJC"}]}')]);
		expect(bytesOf(result)).toEqual([Buffer.from('BBB').toString('hex')]);
	});

	it('rejects every truncation of the body with a ResultFormatError', () => {
		for (let length = 0; length < sampleBody.length; length++) {
			const err = formatErrorOf(() => parse([sampleBody.subarray(0, length)]));
			expect(err.message).toMatch(length === 0 ? /empty/ : /cut off/);
		}
	});

	it.each([
		['a JSON array', '[1,2]', /does not start with a JSON object/],
		['an HTML page', '<html><body>Bad gateway</body></html>', /does not start with a JSON object/],
		['mismatched brackets', '{"a":[1}', /brackets do not match/],
		['text after the object', '{"a":1} x', /more text after/],
		['an invalid literal', '{"a": tru}', /not valid JSON/],
		['a missing colon', '{"outputs" [] }', /not valid JSON/],
		['invalid base64 in data', '{"outputs":[{"data":"QUJD*"}]}', /outputs\[0\]\.data: Invalid base64/],
	])('rejects %s', (_name, body, reason) => {
		const err = formatErrorOf(() => parse([Buffer.from(body)]));
		expect(err.message).toMatch(reason);
		expect(err.excerpt).toBe(body.slice(0, 200));
	});

	it('quotes at most 200 characters of the body start', () => {
		const body = `<html>${'x'.repeat(5000)}`;
		const err = formatErrorOf(() => parse([Buffer.from(body)]));
		expect(err.excerpt.length).toBeLessThanOrEqual(200);
		expect(err.excerpt.startsWith('<html>xxx')).toBe(true);
	});

	it('stops with OutputTooLargeError while reading, as soon as the limit is passed', () => {
		const bytes = seededBytes(10_000, 3);
		const body = Buffer.from(JSON.stringify({ outputs: [{ data: bytes.toString('base64') }] }));
		const parser = new ResultStreamParser({ maxOutputBytes: 5000 });
		const pieces = cutEvery(body, 1000);
		let fedBeforeError = 0;
		let error: unknown;
		for (const piece of pieces) {
			try {
				parser.push(piece);
				fedBeforeError++;
			} catch (err) {
				error = err;
				break;
			}
		}
		expect(error).toBeInstanceOf(OutputTooLargeError);
		expect((error as OutputTooLargeError).limitBytes).toBe(5000);
		// 5,000 bytes are ~6,700 base64 characters: the error comes on the 7th piece, not at the end.
		expect(fedBeforeError).toBeLessThan(pieces.length - 3);
	});

	it('accepts a result just under the limit', () => {
		const bytes = seededBytes(3000, 3);
		const body = Buffer.from(JSON.stringify({ outputs: [{ data: bytes.toString('base64') }] }));
		expect(parse([body], body.length).outputs[0].byteLength).toBe(3000);
	});
});
