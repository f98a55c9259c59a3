/**
 * Scenario 2: Read/Write Files from Disk reads a photo → ViewComfy (img2img pasted, the photo sent
 * as `10-inputs-image`) → Read/Write Files from Disk writes every result. What lands on disk is
 * byte for byte what ViewComfy answered (the emulator's generated image and its echo of the upload).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { nodeOutput, readBinary, type Item } from '../../scripts/n8n/run-data';
import { SCENARIO_TIMEOUT_MS, SETUP_TIMEOUT_MS } from './helpers/n8n-setup';
import { closeScenario, expectSecretNowhere, expectStoredInRequestedMode, inferRequests, openScenario, pngSize, replayInfer, runToCompletion, sha256, type Scenario } from './helpers/scenario';
import { fixtureWorkflowText, mappedParameters, viewComfyNode } from './helpers/viewcomfy';
import { chainWorkflow, manualTrigger } from './helpers/workflow-builder';

/** A real 96×64 PNG with a gradient, so every byte of it matters. */
function photo(): Buffer {
	const png = new PNG({ width: 96, height: 64 });
	for (let y = 0; y < png.height; y++) {
		for (let x = 0; x < png.width; x++) {
			const i = (y * png.width + x) * 4;
			png.data[i] = (x * 255) / png.width;
			png.data[i + 1] = (y * 255) / png.height;
			png.data[i + 2] = (x * y) % 256;
			png.data[i + 3] = 255;
		}
	}
	return PNG.sync.write(png);
}

describe('e2e: image to image, read from and written to disk', () => {
	let scenario: Scenario;
	let input: Buffer;
	let inputPath: string;
	let outDir: string;
	let results: Item[];
	let written: Item[];

	beforeAll(async () => {
		scenario = await openScenario({ workflow: 'img2img' });
		const files = scenario.instance.filesDir;
		mkdirSync(join(files, 'in'), { recursive: true });
		outDir = join(files, 'out');
		mkdirSync(outDir, { recursive: true });
		input = photo();
		inputPath = join(files, 'in', 'victorian-photo.png');
		writeFileSync(inputPath, input);

		const data = await runToCompletion(
			scenario,
			chainWorkflow('e2e: image to image with files', [
				manualTrigger(),
				{
					name: 'Read Photo',
					type: 'n8n-nodes-base.readWriteFile',
					typeVersion: 1,
					parameters: { operation: 'read', fileSelector: inputPath, options: {} },
				},
				viewComfyNode({
					workflowJson: fixtureWorkflowText('img2img'),
					parameters: mappedParameters({ '6-inputs-text': 'the same woman, as a watercolour' }),
					fileInputs: { file: [{ key: '10-inputs-image', binaryProperty: 'data', maskBinaryProperty: '' }] },
				}),
				{
					name: 'Write Results',
					type: 'n8n-nodes-base.readWriteFile',
					typeVersion: 1,
					parameters: {
						operation: 'write',
						fileName: `=${outDir}/{{ $binary.data.fileName }}`,
						dataPropertyName: 'data',
						options: {},
					},
				},
			]),
		);
		expect(nodeOutput(data, 'Read Photo')).toHaveLength(1);
		results = nodeOutput(data, 'ViewComfy');
		written = nodeOutput(data, 'Write Results');
	}, SETUP_TIMEOUT_MS);

	afterAll(() => closeScenario(scenario), SCENARIO_TIMEOUT_MS);

	it('uploaded the photo as the 10-inputs-image part, unchanged', () => {
		const calls = inferRequests(scenario.emulator);
		expect(calls).toHaveLength(1);
		expect(calls[0].files).toEqual([
			{ field: '10-inputs-image', filename: 'victorian-photo.png', mimeType: 'image/png', size: input.length, sha256: sha256(input) },
		]);
		expect(calls[0].form?.params).toMatchObject({ '6-inputs-text': 'the same woman, as a watercolour' });
	});

	it('wrote each result file to disk, byte-identical to what ViewComfy answered', async () => {
		const [call] = inferRequests(scenario.emulator);
		const answered = await replayInfer(scenario.emulator, call, [
			{ field: '10-inputs-image', filename: 'victorian-photo.png', mimeType: 'image/png', data: input },
		]);
		// The generated image, then the echo of the upload.
		expect(answered.map((f) => f.filename)).toEqual([expect.stringMatching(/^ComfyUI_\d{5}_\.png$/), 'victorian-photo.png']);
		expect(written).toHaveLength(answered.length);
		expect(readdirSync(outDir).sort()).toEqual(answered.map((f) => f.filename).sort());
		for (const file of answered) {
			const onDisk = readFileSync(join(outDir, file.filename));
			expect({ file: file.filename, sha256: sha256(onDisk) }).toEqual({ file: file.filename, sha256: sha256(file.data) });
		}
		// And as n8n stored them, in the binary data mode the run asked for.
		results.forEach((item, i) => {
			expectStoredInRequestedMode(item.binary?.data);
			expect(sha256(readBinary(scenario.instance.userFolder, item.binary!.data))).toBe(sha256(answered[i].data));
		});
		const echo = readFileSync(join(outDir, 'victorian-photo.png'));
		expect(sha256(echo)).toBe(call.files[0].sha256);
		expect(pngSize(readFileSync(join(outDir, answered[0].filename))).width).toBeGreaterThan(0);
	});

	it('paired every ViewComfy result with the one photo item, and wrote one file per result', () => {
		expect(results.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }]);
		expect(written.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('leaves the client secret nowhere in n8n’s records, files or logs', () => expectSecretNowhere(scenario), SCENARIO_TIMEOUT_MS);
});
