/**
 * Field values through n8n-core's engine, as the editor stores them: no silent zeros after
 * "Remove All" / "Add All" (whatever the stored schema says), and the ViewComfy App source
 * (view_comfy.json) sending its form's values and files, its workflow as the override.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { INodeParameters } from 'n8n-workflow';
import { PNG } from 'pngjs';

import { toMapperFields } from '../../../nodes/ViewComfy/helpers/mapperFields';
import { parseWorkflowJson } from '../../../nodes/ViewComfy/helpers/workflow';
import {
	expectNoSecret,
	expectSuccess,
	fixtureJson,
	fixtureText,
	inferRequests,
	pasteParameters,
	runAgainst,
	sentParams,
	sha256,
	useEmulator,
} from './support';

const env = useEmulator('img2img');

const STUDIO = readFileSync(resolve(__dirname, '../../fixtures/apps/studio.view_comfy.json'), 'utf8');

function png(shade: number): Buffer {
	const image = new PNG({ width: 16, height: 8 });
	image.data.fill(shade);
	return PNG.sync.write(image);
}

const photo = png(40);
const mask = png(250);
const clip = Buffer.from('not really an mp4, but bytes the emulator echoes back');

function appParameters(title: string, value: Record<string, unknown> | null, extra: INodeParameters = {}): INodeParameters {
	return {
		operation: 'runWorkflow',
		workflowSource: 'viewComfyApp',
		viewComfyJson: STUDIO,
		appWorkflow: title,
		appInputs: { mappingMode: 'defineBelow', value, matchingColumns: [], schema: [] },
		...extra,
	} as INodeParameters;
}

describe('no silent zeros', () => {
	const fields = toMapperFields(parseWorkflowJson(fixtureText('img2img'), 'img2img'));
	/** The schema a node saved before number fields became text fields: n8n-core checks values against it. */
	const numberSchema = fields.map((field) => ({
		...field,
		type: typeof fixtureJson('img2img')[field.id.split('-inputs-')[0]].inputs[field.id.split('-inputs-')[1]] === 'number' ? 'number' : field.type,
	}));

	async function paramsSent(value: Record<string, unknown> | null, schema: object[]): Promise<Record<string, unknown>> {
		env.emulator.clearRequests();
		const result = await runAgainst(env.emulator, {
			parameters: pasteParameters('img2img', {
				parameters: { mappingMode: 'defineBelow', value, matchingColumns: [], schema } as unknown as INodeParameters,
				options: { randomizeSeed: 'never' },
			}),
		});
		expectSuccess(result);
		return sentParams(inferRequests(env.emulator)[0]);
	}

	it.each([
		['Remove All (no value)', {}],
		['Add All (fields back empty)', Object.fromEntries(fields.map((field) => [field.id, '']))],
		['Add All with blank numbers', Object.fromEntries(fields.map((field) => [field.id, field.type === 'string' && typeof field.defaultValue === 'string' && /^\d/.test(field.defaultValue) ? ' ' : '']))],
		['never loaded', null],
	])('%s sends what an untouched node sends, with either schema', async (_, value) => {
		const untouched = await paramsSent(Object.fromEntries(fields.map((field) => [field.id, field.defaultValue!])), fields);
		expect(untouched).toEqual({ '3-inputs-seed': fixtureJson('img2img')['3'].inputs.seed });
		expect(await paramsSent(value, fields)).toEqual(untouched);
		expect(await paramsSent(value, numberSchema)).toEqual(untouched);
	});

	it('after a value in the pasted JSON changed (the fields do not reload for that), the untouched field does not send the old value', async () => {
		const edited = fixtureJson('img2img');
		const steps = edited['3'].inputs.steps as number;
		edited['3'].inputs.steps = steps + 5;
		env.emulator.clearRequests();
		const result = await runAgainst(env.emulator, {
			parameters: pasteParameters('img2img', {
				workflowJson: JSON.stringify(edited, null, 2),
				parameters: {
					mappingMode: 'defineBelow',
					value: { ...Object.fromEntries(fields.map((field) => [field.id, field.defaultValue!])), '3-inputs-cfg': '5.5' },
					matchingColumns: [],
					schema: fields,
				} as unknown as INodeParameters,
				options: { randomizeSeed: 'never' },
			}),
		});
		expectSuccess(result);
		expect(sentParams(inferRequests(env.emulator)[0])).toEqual({ '3-inputs-cfg': 5.5 });
	});

	it('a typed 0 is still sent', async () => {
		expect(await paramsSent({ '3-inputs-denoise': '0' }, numberSchema)).toEqual({ '3-inputs-denoise': 0 });
	});
});

describe('ViewComfy App source', () => {
	it('sends the changed form values and the image from the named binary property; untouched fields stay out', async () => {
		const result = await runAgainst(env.emulator, {
			input: [{ json: { idea: 'a bronze owl' }, binary: { picture: { data: photo, fileName: 'owl.png', mimeType: 'image/png' } } }],
			parameters: appParameters('Image to image', {
				'10-inputs-image': 'picture',
				'6-inputs-text': '={{ $json.idea }}',
				'3-inputs-denoise': '0.87',
				'3-inputs-seed': String(fixtureJson('img2img')['3'].inputs.seed),
			}),
		});
		const items = expectSuccess(result);
		const [request] = inferRequests(env.emulator);
		expect(sentParams(request)).toEqual({ '6-inputs-text': 'a bronze owl' });
		expect(request.files.map(({ field, filename, mimeType, sha256: hash }) => ({ field, filename, mimeType, hash }))).toEqual([
			{ field: '10-inputs-image', filename: 'owl.png', mimeType: 'image/png', hash: sha256(photo) },
		]);
		expect(request.form?.workflowApi).toEqual({ present: false, size: 0 });
		expect(items.length).toBeGreaterThan(0);
		expectNoSecret(result, env.emulator);
	});

	it('sends image, mask and video files and the app’s own workflow as the override', async () => {
		const result = await runAgainst(env.emulator, {
			input: [
				{
					json: {},
					binary: {
						face: { data: photo, fileName: 'face.png', mimeType: 'image/png' },
						alpha: { data: mask, fileName: 'face-mask.png', mimeType: 'image/png' },
						movie: { data: clip, fileName: 'dance.mp4', mimeType: 'video/mp4' },
					},
				},
			],
			parameters: appParameters(
				'Inpaint with media',
				{ '1-inputs-image': 'face', '1-inputs-image-viewcomfymask': 'alpha', '3-inputs-video': 'movie', '4-inputs-audio': '' },
				{ sendWorkflowOverride: true, options: { randomizeSeed: 'never', includePrompt: true } },
			),
		});
		const items = expectSuccess(result);
		const [request] = inferRequests(env.emulator);
		expect(request.files.map(({ field, filename, mimeType, sha256: hash }) => ({ field, filename, mimeType, hash }))).toEqual([
			{ field: '1-inputs-image', filename: 'face.png', mimeType: 'image/png', hash: sha256(photo) },
			{ field: '1-inputs-image-viewcomfymask', filename: 'face-mask.png', mimeType: 'image/png', hash: sha256(mask) },
			{ field: '3-inputs-video', filename: 'dance.mp4', mimeType: 'video/mp4', hash: sha256(clip) },
		]);
		// Files count as something set; params carries the app's seed unchanged.
		expect(sentParams(request)).toEqual({ '5-inputs-noise_seed': 42 });
		const studio = JSON.parse(STUDIO) as { workflows: Array<{ workflowApiJSON: Record<string, { class_type: string }> }> };
		const appWorkflow = studio.workflows[2].workflowApiJSON;
		expect(request.form?.workflowApi).toEqual({ present: true, size: Buffer.byteLength(JSON.stringify(appWorkflow)) });
		// The emulator ran the app's workflow, not the deployed img2img.
		const ran = items[0].json.prompt as Record<string, { class_type: string }>;
		expect(Object.fromEntries(Object.entries(ran).map(([id, node]) => [id, node.class_type]))).toEqual(
			Object.fromEntries(Object.entries(appWorkflow).map(([id, node]) => [id, node.class_type])),
		);
	});

	it('randomizes only the app’s seed input when nothing is set', async () => {
		const result = await runAgainst(env.emulator, { parameters: appParameters('Image to image', {}) });
		expectSuccess(result);
		const params = sentParams(inferRequests(env.emulator)[0]);
		expect(Object.keys(params)).toEqual(['3-inputs-seed']);
		expect(params['3-inputs-seed']).not.toBe(fixtureJson('img2img')['3'].inputs.seed);
	});

	it.each([
		[{ '10-inputs-image': 'nothing' }, 'The input item has no binary property "nothing" (App Inputs → Photo (10-inputs-image))'],
		[{ '3-inputs-denoise': '2' }, 'App Inputs: app input "Advanced · Sampler · Denoise" (3-inputs-denoise) must be a number from 0.1 to 1, got "2"'],
	])('a bad value %j fails naming the app input and key', async (value, message) => {
		const result = await runAgainst(env.emulator, { parameters: appParameters('Image to image', value) });
		expect(result.error?.message).toBe(message);
		expect(inferRequests(env.emulator)).toHaveLength(0);
	});

	it('with Continue On Fail, a bad item gives an error item in order, paired, and the others run', async () => {
		const result = await runAgainst(env.emulator, {
			continueOnFail: true,
			input: [
				{ json: { denoise: '0.5' } },
				{ json: { denoise: '7' } },
				{ json: { denoise: '0.6' } },
			],
			parameters: appParameters('Image to image', { '3-inputs-denoise': '={{ $json.denoise }}' }),
		});
		const items = expectSuccess(result);
		const errors = items.filter((item) => item.json.error !== undefined);
		expect(errors.map((item) => item.pairedItem)).toEqual([{ item: 1 }]);
		expect(items.map((item) => (item.pairedItem as { item: number }).item)).toEqual([...items.map((item) => (item.pairedItem as { item: number }).item)].sort());
		expect(inferRequests(env.emulator).map((request) => sentParams(request)['3-inputs-denoise'])).toEqual([0.5, 0.6]);
	});
});

describe('view_comfy.json from a binary property', () => {
	it('List Workflow Parameters lists the titled workflow of the app file', async () => {
		const result = await runAgainst(env.emulator, {
			input: [{ json: {}, binary: { app: { data: Buffer.from(STUDIO), fileName: 'view_comfy.json', mimeType: 'application/json' } } }],
			parameters: { operation: 'listParameters', workflowSource: 'binary', workflowBinaryProperty: 'app', binaryAppWorkflow: 'Image to image' },
		});
		const items = expectSuccess(result);
		const img2img = fixtureJson('img2img');
		const literals = Object.entries(img2img).flatMap(([id, node]) =>
			Object.entries(node.inputs)
				.filter(([name, value]) => name !== 'upload' && !Array.isArray(value))
				.map(([name]) => `${id}-inputs-${name}`),
		);
		expect(items.map((item) => item.json.key).sort()).toEqual(literals.sort());
	});

	it('an unknown title names the workflows the file has', async () => {
		const result = await runAgainst(env.emulator, {
			input: [{ json: {}, binary: { app: { data: Buffer.from(STUDIO), fileName: 'view_comfy.json', mimeType: 'application/json' } } }],
			parameters: { operation: 'listParameters', workflowSource: 'binary', workflowBinaryProperty: 'app', binaryAppWorkflow: 'Upscale' },
		});
		expect(result.error?.message).toBe('binary property "app": the app has no workflow titled "Upscale"');
		expect(String((result.error as { description?: unknown }).description)).toContain('"Text to image", "Image to image", "Inpaint with media"');
	});
});
