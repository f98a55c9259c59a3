/**
 * Stand-ins for video and audio files: the right magic header for their format, then seeded bytes.
 * Players would reject them; content sniffers and the node's MIME handling see the real thing.
 */
import { seededBytes } from './bytes';

export type MediaFormat = 'mp4' | 'mov' | 'webm' | 'gif' | 'webp' | 'flac' | 'mp3' | 'opus' | 'wav' | 'bin';

const box = (type: string, payload: Buffer): Buffer => {
	const size = Buffer.alloc(4);
	size.writeUInt32BE(8 + payload.length);
	return Buffer.concat([size, Buffer.from(type, 'latin1'), payload]);
};

/** An ISO-BMFF `ftyp` box; `brand` is `isom` for MP4, `qt  ` for QuickTime. */
export const ftypBox = (brand: string): Buffer =>
	box('ftyp', Buffer.concat([Buffer.from(brand, 'latin1'), Buffer.from([0, 0, 2, 0]), Buffer.from('isomiso2avc1mp41', 'latin1')]));

/** The leading bytes a file of `totalSize` bytes in `format` starts with. */
export function mediaHeader(format: MediaFormat, totalSize: number): Buffer {
	switch (format) {
		case 'mp4':
		case 'mov': {
			const ftyp = ftypBox(format === 'mp4' ? 'isom' : 'qt  ');
			const mdatSize = Buffer.alloc(4);
			mdatSize.writeUInt32BE(Math.min(0xffffffff, Math.max(8, totalSize - ftyp.length)));
			return Buffer.concat([ftyp, mdatSize, Buffer.from('mdat', 'latin1')]);
		}
		case 'webm':
			return Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84, 0x77, 0x65, 0x62, 0x6d]);
		case 'gif':
			return Buffer.from('GIF89a', 'latin1');
		case 'webp': {
			const riff = Buffer.from('RIFF\0\0\0\0WEBPVP8X', 'latin1');
			riff.writeUInt32LE(Math.max(0, totalSize - 8), 4);
			return riff;
		}
		case 'wav': {
			const riff = Buffer.from('RIFF\0\0\0\0WAVEfmt ', 'latin1');
			riff.writeUInt32LE(Math.max(0, totalSize - 8), 4);
			return riff;
		}
		case 'flac':
			return Buffer.concat([Buffer.from('fLaC', 'latin1'), Buffer.from([0x80, 0, 0, 0x22])]);
		case 'mp3':
			return Buffer.from([0x49, 0x44, 0x33, 0x03, 0, 0, 0, 0, 0, 0, 0xff, 0xfb, 0x90, 0x64]);
		case 'opus':
			return Buffer.from('OggS\0\x02', 'latin1');
		case 'bin':
			return Buffer.alloc(0);
	}
}

/** A file of exactly `size` bytes (at least the header) in `format`, its body drawn from `seed`. */
export function mediaBytes(format: MediaFormat, size: number, seed: Buffer): Buffer {
	const head = mediaHeader(format, size);
	const body = seededBytes(seed, Math.max(0, size - head.length));
	return Buffer.concat([head, body]);
}
