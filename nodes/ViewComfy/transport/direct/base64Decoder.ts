/**
 * Decodes base64 that arrives in pieces split anywhere, so a video of hundreds of MB is never
 * held as one string. Each aligned run of a piece is decoded with one native base64 write; only
 * the 0–3 characters past the last full quad wait for the next piece.
 *
 * The text may come straight out of a JSON string, so JSON escapes are understood:
 * `\/` is `/`, `\n` `\r` `\t` are line breaks some encoders insert, `\uXXXX` is its character.
 *
 * Speed matters (a regular expression over every piece costs more than the decoding itself), so
 * the common case is checked for free: Node's decoder skips characters outside the alphabet,
 * so a run decodes to exactly 3/4 of its length only if every character was valid base64.
 * Pieces that fail that check take the careful path.
 *
 * Bytes are decoded straight into large blocks (`buffer.write(…, 'base64')`) and handed out as
 * views of them: a video becomes a few hundred 1 MB views instead of thousands of small
 * buffers, which keeps allocations, garbage collection and n8n's later writes cheap.
 */

/** An escape cut by the end of a piece: a lone backslash or `\u` with fewer than four hex digits. */
const CUT_ESCAPE_AT_END = /\\(?:u[0-9A-Fa-f]{0,3})?$/;
const LONGEST_CUT_ESCAPE = 5;
const UNICODE_ESCAPE = /\\u([0-9A-Fa-f]{4})/g;
const INVALID_CHAR = /[^A-Za-z0-9+/=]/;
const ONLY_PADDING = /^=*$/;
/** The 0–3 characters kept for the next piece must be plain too (tiny, so a regex is fine here). */
const PLAIN_TAIL = /^[A-Za-z0-9+/]*$/;
/** Line breaks some encoders insert, raw or as JSON escapes. */
const IGNORED = ['\\n', '\\r', '\\t', '\n', '\r', '\t', ' '];
/** Node also decodes the base64url alphabet, which is not what ViewComfy sends. */
const MINUS = 0x2d;
const UNDERSCORE = 0x5f;
/**
 * Blocks start small (most outputs are images of a few hundred kB) and double up to a cap, so
 * the unused tail of the last block stays below both the output's size and the cap.
 */
const FIRST_BLOCK_BYTES = 64 * 1024;
/**
 * A block lives until its last view is written, so a big one outlives several young-generation
 * collections, is promoted, and then only a full collection of n8n's whole heap frees it. Measured
 * at 200 MB through n8n's request helper, filesystem mode: 8 MB blocks took 1.9-2.0 s with about
 * 16 full collections per run; 1 MB blocks took 0.8-0.9 s (0.5 and 2 MB were no better).
 */
const MAX_BLOCK_BYTES = 1024 * 1024;

export class Base64ChunkDecoder {
	/** 0–3 characters past the last full quad. */
	private carry = '';
	/** An escape sequence cut by the end of the previous piece. */
	private cutEscape = '';
	/** Once `=` padding was seen, only more `=` may follow. */
	private padded = false;
	/** Characters consumed so far, to say where an invalid one was. */
	private offset = 0;
	/** The block being filled; bytes before `blockUsed` were handed out and are never rewritten. */
	private block = Buffer.alloc(0);
	private blockUsed = 0;
	private nextBlockBytes = FIRST_BLOCK_BYTES;

	constructor(private readonly onBytes: (bytes: Buffer) => void) {}

	push(ascii: Buffer): void {
		if (ascii.length === 0) return;
		const startOffset = this.offset;
		this.offset += ascii.length;
		if (ascii.indexOf(MINUS) !== -1 || ascii.indexOf(UNDERSCORE) !== -1) {
			const bad = ascii.indexOf(MINUS) !== -1 ? '-' : '_';
			throw invalidChar(bad, startOffset + ascii.indexOf(bad));
		}
		if (!this.cutEscape && !this.padded && this.tryFastPath(ascii)) return;
		const text = ascii.toString('latin1');
		this.decodeAligned(this.normalise(this.cutEscape + text, startOffset), startOffset);
	}

	end(): void {
		if (this.cutEscape) throw new Error('Invalid base64 in output data: it ends inside an escape sequence');
		if (INVALID_CHAR.test(this.carry)) throw invalidRun(this.carry, this.offset);
		const data = this.carry.replace(/=+$/, '');
		if (data.length === 1) {
			throw new Error('Invalid base64 in output data: it is truncated (one character left over after the last full group)');
		}
		if (data) this.emit(this.decodeInto(data, Math.floor((data.length * 3) / 4)));
		this.carry = '';
	}

	/**
	 * Decodes the aligned part of a piece if every character is plain base64; false leaves all
	 * state untouched. The quad the carry starts is completed and decoded on its own, so the
	 * piece's text is cut from the bytes once, never joined to the carry (a copy of the piece).
	 */
	private tryFastPath(ascii: Buffer): boolean {
		const fromPiece = this.carry.length ? 4 - this.carry.length : 0;
		if (ascii.length < fromPiece) return false;
		const bodyEnd = ascii.length - ((ascii.length - fromPiece) % 4);
		const tail = ascii.toString('latin1', bodyEnd);
		if (!PLAIN_TAIL.test(tail)) return false;
		const headBytes = fromPiece ? 3 : 0;
		const expected = headBytes + ((bodyEnd - fromPiece) / 4) * 3;
		if (expected === 0) return false;
		this.reserve(expected);
		if (fromPiece && this.decodeAt(this.carry + ascii.toString('latin1', 0, fromPiece), 0, headBytes) !== headBytes) return false;
		const bodyBytes = expected - headBytes;
		if (bodyBytes && this.decodeAt(ascii.toString('latin1', fromPiece, bodyEnd), headBytes, bodyBytes) !== bodyBytes) return false;
		this.carry = tail;
		this.emit(expected);
		return true;
	}

	/** Decodes `text` (already clean base64) after the carry, keeping the unaligned tail. */
	private decodeAligned(text: string, startOffset: number): void {
		const total = this.carry.length + text.length;
		const aligned = total - (total % 4);
		if (aligned === 0) {
			this.carry += text;
			return;
		}
		const fromText = aligned - this.carry.length;
		const run = this.carry + text.slice(0, fromText);
		this.carry = text.slice(fromText);
		const padding = run.length - run.replace(/=+$/, '').length;
		const written = this.decodeInto(run, (aligned / 4) * 3);
		if (padding > 2 || written !== (aligned / 4) * 3 - padding) throw invalidRun(run, startOffset);
		this.emit(written);
	}

	/** Decodes `run` into the free part of the block and returns how many bytes it wrote. */
	private decodeInto(run: string, maxBytes: number): number {
		this.reserve(maxBytes);
		return this.decodeAt(run, 0, maxBytes);
	}

	/** Makes sure the block has `bytes` free; a new block when it has not. */
	private reserve(bytes: number): void {
		if (this.block.length - this.blockUsed >= bytes) return;
		this.block = Buffer.allocUnsafe(Math.max(bytes, this.nextBlockBytes));
		this.blockUsed = 0;
		this.nextBlockBytes = Math.min(this.nextBlockBytes * 2, MAX_BLOCK_BYTES);
	}

	/**
	 * Decodes `run` at `skip` bytes into the free part of the block (reserved before) and returns
	 * how many bytes it wrote. Nothing is handed out until `emit`.
	 */
	private decodeAt(run: string, skip: number, maxBytes: number): number {
		return this.block.write(run, this.blockUsed + skip, maxBytes, 'base64');
	}

	/** The careful path: JSON escapes, line breaks, padding, and anything invalid. */
	private normalise(text: string, startOffset: number): string {
		this.cutEscape = '';
		if (text.includes('\\')) {
			const cut = CUT_ESCAPE_AT_END.exec(text.slice(-LONGEST_CUT_ESCAPE));
			if (cut) {
				const index = text.length - cut[0].length;
				if (!isEscapedBackslash(text, index)) {
					this.cutEscape = cut[0];
					text = text.slice(0, index);
				}
			}
			text = text.replaceAll('\\/', '/');
			if (text.includes('\\u')) text = text.replace(UNICODE_ESCAPE, (_whole, hex: string) => String.fromCharCode(parseInt(hex, 16)));
		}
		for (const ignored of IGNORED) if (text.includes(ignored)) text = text.replaceAll(ignored, '');
		// Invalid characters are caught by decodeAligned's length check, not by a slow regex here.
		if (this.padded) {
			if (!ONLY_PADDING.test(text)) throw afterPadding(startOffset);
			return text;
		}
		const pad = text.indexOf('=');
		if (pad !== -1) {
			if (!ONLY_PADDING.test(text.slice(pad))) throw afterPadding(startOffset + pad);
			this.padded = true;
		}
		return text;
	}

	/** Hands out the `length` bytes just decoded as a view of the block. */
	private emit(length: number): void {
		if (length === 0) return;
		const bytes = this.block.subarray(this.blockUsed, this.blockUsed + length);
		this.blockUsed += length;
		this.onBytes(bytes);
	}
}

/** True when the backslash at `index` is itself the second half of an escaped backslash. */
function isEscapedBackslash(text: string, index: number): boolean {
	let run = 0;
	for (let i = index - 1; i >= 0 && text.charCodeAt(i) === 0x5c; i--) run++;
	return run % 2 === 1;
}

/** The error for a run that did not decode cleanly: names the first offending character. */
function invalidRun(run: string, position: number): Error {
	const bad = INVALID_CHAR.exec(run);
	if (!bad) return new Error(`Invalid base64 in output data: misplaced "=" padding near character ${position}`);
	const shown = bad[0] === '\\' ? run.slice(bad.index, bad.index + 2) : bad[0];
	return invalidChar(shown, position);
}

function afterPadding(position: number): Error {
	return new Error(`Invalid base64 in output data: characters after the "=" padding near character ${position}`);
}

function invalidChar(char: string, position: number): Error {
	const shown = char.length === 1 ? `"${char}" (code ${char.charCodeAt(0)})` : `"${char}"`;
	return new Error(`Invalid base64 in output data: unexpected ${shown} near character ${position}`);
}
