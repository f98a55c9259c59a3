/**
 * Deterministic outputs over real HTTP: PNG sizes and bytes follow the applied workflow, every
 * saver class gives a file with the right name and type, and `outputBytes` adds an exact-size file.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ComfyWorkflow, EmulatorHandle } from './server';
import { largeOutput, LARGE_OUTPUT_NAME } from './server/outputs/large';
import { decodePng, inferJson, outputBytes, startTestEmulator, useSharedEmulator } from './helpers';

const FIXTURES = resolve(__dirname, '../fixtures/workflows');
const load = (name: string): ComfyWorkflow => JSON.parse(readFileSync(resolve(FIXTURES, name), 'utf8'));

let emu: EmulatorHandle;
useSharedEmulator((e) => (emu = e));

const firstPng = async (params: Record<string, unknown>, workflowApi?: ComfyWorkflow) => {
	const result = await inferJson(emu, { params, workflowApi: workflowApi && JSON.stringify(workflowApi) });
	return outputBytes(result.outputs[0]);
};

describe('images', () => {
	it('gives the same bytes for the same inputs and new bytes for a new seed or prompt', async () => {
		const a = await firstPng({ '3-inputs-seed': 1 });
		const again = await firstPng({ '3-inputs-seed': 1 });
		const otherSeed = await firstPng({ '3-inputs-seed': 2 });
		const otherPrompt = await firstPng({ '3-inputs-seed': 1, '6-inputs-text': 'a dog' });
		expect(again.equals(a)).toBe(true);
		expect(otherSeed.equals(a)).toBe(false);
		expect(otherPrompt.equals(a)).toBe(false);
		expect(Buffer.from(decodePng(otherSeed).data).equals(Buffer.from(decodePng(a).data))).toBe(false);
	});

	it('follows the width and height of the latent image, and its batch size', async () => {
		const result = await inferJson(emu, { params: { '5-inputs-width': 96, '5-inputs-height': 40, '5-inputs-batch_size': 3 } });
		expect(result.outputs.map((o) => o.filename)).toEqual(['ComfyUI_00001_.png', 'ComfyUI_00002_.png', 'ComfyUI_00003_.png']);
		const images = result.outputs.map((o) => decodePng(outputBytes(o)));
		for (const png of images) expect([png.width, png.height]).toEqual([96, 40]);
		expect(Buffer.from(images[0].data).equals(Buffer.from(images[1].data))).toBe(false);
	});

	it('uses 512x512 when nothing upstream sets a size, and the filename_prefix for names', async () => {
		const img2img = load('img2img.json');
		img2img['9'].inputs.filename_prefix = 'portraits/victorian';
		const result = await inferJson(emu, { params: { '3-inputs-seed': 4 }, workflowApi: JSON.stringify(img2img) });
		expect(result.outputs[0].filename).toBe('victorian_00001_.png');
		const png = decodePng(outputBytes(result.outputs[0]));
		expect([png.width, png.height]).toEqual([512, 512]);
	});

	it('names previews ComfyUI_temp_ and numbers two savers sharing a prefix', async () => {
		const wf = load('txt2img.json');
		wf['10'] = { inputs: { images: ['8', 0] }, class_type: 'PreviewImage' };
		wf['11'] = { inputs: { filename_prefix: 'ComfyUI', images: ['8', 0] }, class_type: 'SaveImage' };
		const result = await inferJson(emu, { params: { '5-inputs-width': 64, '5-inputs-height': 64 }, workflowApi: JSON.stringify(wf) });
		const names = result.outputs.map((o) => o.filename);
		expect(names[0]).toBe('ComfyUI_00001_.png');
		expect(names[1]).toMatch(/^ComfyUI_temp_[a-z]{5}_00001_\.png$/);
		expect(names[2]).toBe('ComfyUI_00002_.png');
	});
});

describe('video, audio and other savers', () => {
	it('gives the video workflow an MP4 named like Video Helper Suite, deterministic per seed', async () => {
		const local = await startTestEmulator({ workflow: load('video_subgraph.json') });
		try {
			const run = async (seed: number) => (await inferJson(local, { params: { '54:73-inputs-noise_seed': seed } })).outputs;
			const [a, again, other] = [await run(1), await run(1), await run(2)];
			expect(a.map((o) => [o.filename, o.content_type])).toEqual([['fox-run_00001.mp4', 'video/mp4']]);
			const bytes = outputBytes(a[0]);
			expect(bytes.subarray(4, 12).toString('latin1')).toBe('ftypisom');
			expect(bytes.equals(outputBytes(again[0]))).toBe(true);
			expect(bytes.equals(outputBytes(other[0]))).toBe(false);
		} finally {
			await local.close();
		}
	});

	const savers: Array<[string, Record<string, unknown>, string, string, string]> = [
		['VHS_VideoCombine', { format: 'image/gif', filename_prefix: 'anim' }, 'anim_00001.gif', 'image/gif', 'GIF89a'],
		['VHS_VideoCombine', { format: 'video/webm', filename_prefix: 'clip' }, 'clip_00001.webm', 'video/webm', '\x1aE\xdf\xa3'],
		['SaveAnimatedWEBP', { filename_prefix: 'loop' }, 'loop_00001_.webp', 'image/webp', 'RIFF'],
		['SaveAnimatedPNG', { filename_prefix: 'apng' }, 'apng_00001_.png', 'image/png', '\x89PNG'],
		['SaveVideo', { filename_prefix: 'video/ComfyUI', format: 'auto' }, 'ComfyUI_00001_.mp4', 'video/mp4', '\0\0\0'],
		['SaveAudio', { filename_prefix: 'audio/ComfyUI' }, 'ComfyUI_00001_.flac', 'audio/flac', 'fLaC'],
		['SaveAudioMP3', { filename_prefix: 'voice' }, 'voice_00001_.mp3', 'audio/mpeg', 'ID3'],
		['SaveText|pysssss', { text: 'hello', filename_prefix: 'notes' }, 'notes_00001_.txt', 'text/plain', 'hello\n'],
		['SaveLatent', { filename_prefix: 'latents/x' }, 'x_00001_.bin', 'application/octet-stream', ''],
	];
	it.each(savers)('%s %j writes %s (%s)', async (classType, inputs, filename, contentType, magic) => {
		const wf = load('txt2img.json');
		delete (wf as Record<string, unknown>)['9'];
		wf['20'] = { inputs: { ...inputs, images: ['8', 0] }, class_type: classType };
		const result = await inferJson(emu, { params: { '3-inputs-seed': 11 }, workflowApi: JSON.stringify(wf) });
		expect(result.outputs.map((o) => [o.filename, o.content_type])).toEqual([[filename, contentType]]);
		const bytes = outputBytes(result.outputs[0]);
		expect(bytes.length).toBe(result.outputs[0].size);
		expect(bytes.length).toBeGreaterThan(16);
		expect(bytes.subarray(0, magic.length).toString('latin1')).toBe(magic);
	});
});

describe('outputBytes', () => {
	it('adds one video/mp4 output of exactly N bytes over HTTP', async () => {
		// Over 3 MiB, so the cached body is encoded in several slices.
		emu.setBehaviour({ outputBytes: 7_000_001 });
		const result = await inferJson(emu, { params: { '5-inputs-width': 8, '5-inputs-height': 8 } });
		const large = result.outputs.find((o) => o.filename === LARGE_OUTPUT_NAME);
		expect(large).toMatchObject({ content_type: 'video/mp4', size: 7_000_001 });
		const bytes = outputBytes(large!);
		expect(bytes.length).toBe(7_000_001);
		expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
		expect(bytes.readUInt32BE(32)).toBe(7_000_001 - 32);
		// The filler repeats every 64 KiB: a block after the first slice boundary equals one before it.
		const block = (n: number) => bytes.subarray(n * 65536, (n + 1) * 65536);
		expect(block(70).equals(block(10))).toBe(true);
	});

	it('encodes a size once and serves the same cached buffer afterwards', () => {
		const first = largeOutput(1_000_000);
		expect(largeOutput(1_000_000)).toBe(first);
		expect(first.base64.toString('latin1')).toBe(Buffer.from(Buffer.from(first.base64.toString('latin1'), 'base64')).toString('base64'));
		const other = largeOutput(1_000_003);
		expect(other).not.toBe(first);
		expect(Buffer.from(other.base64.toString('latin1'), 'base64').length).toBe(1_000_003);
	});
});
