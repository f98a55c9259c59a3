/**
 * Real PNG images whose pixels follow a seed. The pattern is made of linear gradients and flat
 * blocks, which PNG's Sub filter plus deflate shrink to a few KB: big sizes stay cheap to encode.
 * The seed's bytes are also stamped into the first pixels, so different seeds never give equal images.
 */
import { PNG } from 'pngjs';

export const MAX_IMAGE_SIDE = 2048;

const ENCODING = { filterType: 1, deflateStrategy: 0, deflateLevel: 6 } as const;

export function renderPng(width: number, height: number, seed: Buffer): Buffer {
	const png = new PNG({ width, height });
	const s = seed;
	const redX = 1 + (s[0] % 5);
	const redY = 1 + (s[1] % 5);
	const blockX = 4 + (s[3] % 3);
	const blockY = 4 + (s[7] % 3);
	const greenStep = 16 + (s[8] % 32);
	const blueY = 1 + (s[9] % 4);
	const data = png.data;
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = (y * width + x) * 4;
			data[i] = (x * redX + y * redY + s[2]) & 255;
			data[i + 1] = (((x >> blockX) + (y >> blockY)) * greenStep + s[4]) & 255;
			data[i + 2] = (y * blueY - x + s[6]) & 255;
			data[i + 3] = 255;
		}
	}
	for (let p = 0; p < Math.min(seed.length, width * height); p++) data[p * 4 + 2] = seed[p];
	return PNG.sync.write(png, ENCODING);
}
