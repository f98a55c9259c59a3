import fc from 'fast-check';
import { Base64ChunkDecoder } from '../../../nodes/ViewComfy/transport/direct/base64Decoder';
import { cutAt, cutEvery, everySplit, seededBytes } from './pieces';

function decodePieces(pieces: Buffer[]): Buffer {
	const out: Buffer[] = [];
	const decoder = new Base64ChunkDecoder((bytes) => out.push(bytes));
	for (const piece of pieces) decoder.push(piece);
	decoder.end();
	return Buffer.concat(out);
}

const ascii = (text: string) => Buffer.from(text, 'latin1');

describe('Base64ChunkDecoder', () => {
	it.each([0, 1, 2, 3, 4, 5, 6, 7, 100, 1001])('round-trips %i bytes cut at every position', (length) => {
		const bytes = seededBytes(length, length + 7);
		const encoded = ascii(bytes.toString('base64'));
		for (const [at, pieces] of everySplit(encoded)) {
			expect({ at, hex: decodePieces(pieces).toString('hex') }).toEqual({ at, hex: bytes.toString('hex') });
		}
	});

	it('round-trips when cut into one-character pieces', () => {
		const bytes = seededBytes(301, 3);
		expect(decodePieces(cutEvery(ascii(bytes.toString('base64')), 1)).equals(bytes)).toBe(true);
	});

	it('round-trips any bytes cut at any positions (property)', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(fc.nat(), { maxLength: 8 }), (raw, cuts) => {
				const bytes = Buffer.from(raw);
				const encoded = ascii(bytes.toString('base64'));
				const positions = [...new Set(cuts.map((c) => c % (encoded.length + 1)))].sort((a, b) => a - b);
				return decodePieces(cutAt(encoded, positions)).equals(bytes);
			}),
		);
	});

	it('decodes unpadded base64 (the tail decoded at end)', () => {
		expect(decodePieces([ascii('QUJDRA')]).toString()).toBe('ABCD');
		expect(decodePieces([ascii('QUJDREU')]).toString()).toBe('ABCDE');
	});

	it('ignores raw line breaks and spaces, as MIME-wrapped base64 has them', () => {
		const bytes = seededBytes(500, 11);
		const wrapped = ascii(bytes.toString('base64').replace(/.{76}/g, '$&\r\n') + '\n ');
		for (const [at, pieces] of everySplit(wrapped)) {
			expect({ at, ok: decodePieces(pieces).equals(bytes) }).toEqual({ at, ok: true });
		}
	});

	it('understands JSON escapes \\/, \\n and \\u002F, also when cut in the middle of one', () => {
		const bytes = seededBytes(200, 5);
		const plain = bytes.toString('base64');
		expect(plain).toContain('/');
		const escaped = ascii(plain.replace(/\//g, '\\/').replace(/.{40}/g, '$&\\n').replace('+', '\\u002B'));
		for (const [at, pieces] of everySplit(escaped)) {
			expect({ at, ok: decodePieces(pieces).equals(bytes) }).toEqual({ at, ok: true });
		}
	});

	it('rejects a character outside the alphabet and names it', () => {
		expect(() => decodePieces([ascii('QUJD*UJD')])).toThrow(/unexpected "\*"/);
		expect(() => decodePieces([ascii('QUJD'), ascii('QU'), ascii('J!')])).toThrow(/unexpected "!"/);
		expect(() => decodePieces([ascii('QUJDQUJ\u00e9')])).toThrow(/Invalid base64/);
	});

	it('rejects the base64url alphabet and JSON escapes that are not base64', () => {
		expect(() => decodePieces([ascii('QUJD-UJD')])).toThrow(/unexpected "-"/);
		expect(() => decodePieces([ascii('QUJD_UJD')])).toThrow(/unexpected "_"/);
		expect(() => decodePieces([ascii('QUJD\\"UJD')])).toThrow(/unexpected "\\"/);
	});

	it('rejects data after "=" padding, in the same piece or the next one', () => {
		expect(() => decodePieces([ascii('QQ==QUJD')])).toThrow(/after the "=" padding/);
		expect(() => decodePieces([ascii('QQ=='), ascii('QUJD')])).toThrow(/after the "=" padding/);
		expect(decodePieces([ascii('QQ='), ascii('=')]).toString()).toBe('A');
	});

	it('rejects base64 truncated to one character past a full group', () => {
		expect(() => decodePieces([ascii('QUJDQ')])).toThrow(/truncated/);
	});

	it('rejects a stream that ends inside an escape', () => {
		expect(() => decodePieces([ascii('QUJD\\')])).toThrow(/escape/);
	});

	it('emits no empty buffers and nothing for empty input', () => {
		const out: Buffer[] = [];
		const decoder = new Base64ChunkDecoder((bytes) => out.push(bytes));
		decoder.push(Buffer.alloc(0));
		decoder.push(ascii('QU'));
		decoder.push(ascii('J'));
		expect(out).toHaveLength(0);
		decoder.push(ascii('D'));
		decoder.end();
		expect(out.map((b) => b.toString())).toEqual(['ABC']);
	});
});
