/**
 * File inputs: binary data of the input item goes out as a multipart part named after the
 * parameter key, byte for byte, in both of n8n's binary data modes.
 */
import { PNG } from 'pngjs';

import type { InputItem } from '../../harness';
import {
	expectNoSecret,
	expectSuccess,
	fixtureJson,
	inferRequests,
	pasteParameters,
	runAgainst,
	sentParams,
	sha256,
	useEmulator,
} from './support';


function pngOf(width: number, height: number, shade: number): Buffer {
	const png = new PNG({ width, height });
	for (let offset = 0; offset < png.data.length; offset += 4) {
		png.data[offset] = shade;
		png.data[offset + 1] = (offset / 4) % 256;
		png.data[offset + 2] = 255 - shade;
		png.data[offset + 3] = 255;
	}
	return PNG.sync.write(png);
}

const photo = pngOf(64, 48, 30);
const mask = pngOf(64, 48, 250);

const env = useEmulator('img2img');

describe.each(['default', 'filesystem', 'database'] as const)('binary mode %s', (binaryMode) => {
	it('sends the image as part 10-inputs-image with its file name and type, and gets it echoed back', async () => {
		const input: InputItem[] = [
			{ json: {}, binary: { data: { data: photo, fileName: 'holiday photo.png', mimeType: 'image/png' } } },
		];
		const result = await runAgainst(env.emulator, {
			binaryMode,
			input,
			parameters: pasteParameters('img2img', {
				fileInputs: { file: [{ key: '10-inputs-image', binaryProperty: 'data' }] },
			}),
		});
		const items = expectSuccess(result);

		const [request] = inferRequests(env.emulator);
		expect(request.files).toEqual([
			{
				field: '10-inputs-image',
				filename: 'holiday photo.png',
				mimeType: 'image/png',
				size: photo.length,
				sha256: sha256(photo),
			},
		]);
		// The file counts as something set: no seed is drawn, params carries the workflow's seed.
		expect(sentParams(request)).toEqual({ '3-inputs-seed': fixtureJson('img2img')['3'].inputs.seed });

		const outputs = await Promise.all(
			items.map(async (item) => ({ name: item.binary?.data.fileName, hash: sha256(await result.binaryBuffer(item)) })),
		);
		expect(outputs).toContainEqual({ name: 'holiday photo.png', hash: sha256(photo) });
		expect(outputs.length).toBe(2);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }]);
		expectNoSecret(result, env.emulator);
	});

	it('sends a mask as 10-inputs-image-viewcomfymask from its own binary property', async () => {
		const result = await runAgainst(env.emulator, {
			binaryMode,
			input: [
				{
					json: { prompt: 'a winged statue' },
					binary: {
						photo: { data: photo, fileName: 'statue.png', mimeType: 'image/png' },
						alpha: { data: mask, fileName: 'statue-mask.png', mimeType: 'image/png' },
					},
				},
			],
			parameters: pasteParameters('img2img', {
				parameters: { mappingMode: 'defineBelow', value: { '6-inputs-text': '={{ $json.prompt }}' } },
				fileInputs: { file: [{ key: '10-inputs-image', binaryProperty: 'photo', maskBinaryProperty: 'alpha' }] },
			}),
		});
		const items = expectSuccess(result);
		const [request] = inferRequests(env.emulator);
		expect(request.files.map(({ field, filename, sha256: hash }) => ({ field, filename, hash }))).toEqual([
			{ field: '10-inputs-image', filename: 'statue.png', hash: sha256(photo) },
			{ field: '10-inputs-image-viewcomfymask', filename: 'statue-mask.png', hash: sha256(mask) },
		]);
		expect(sentParams(request)).toEqual({ '6-inputs-text': 'a winged statue' });
		const hashes = await Promise.all(items.map(async (item) => sha256(await result.binaryBuffer(item))));
		expect(hashes).toEqual(expect.arrayContaining([sha256(photo), sha256(mask)]));
	});
});
