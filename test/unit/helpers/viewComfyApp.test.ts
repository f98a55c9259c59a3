import { buildParams } from '../../../nodes/ViewComfy/helpers/params';
import {
	appWorkflowTitles,
	isViewComfyFile,
	parseViewComfyFile,
	readAppFieldValues,
	selectAppWorkflow,
} from '../../../nodes/ViewComfy/helpers/viewComfyApp';
import { appFixtureText, largeAppText, studioApp } from './appFixtures';
import { fixtureText, userErrorOf } from './workflowFixtures';

const SOURCE = 'ViewComfy App (view_comfy.json)';

describe('view_comfy.json: the app form', () => {
	it('lists the workflows by title and picks the first when no title is given', () => {
		const file = parseViewComfyFile(appFixtureText('studio.view_comfy.json'), SOURCE);
		expect(appWorkflowTitles(file, SOURCE)).toEqual(['Text to image', 'Image to image', 'Inpaint with media']);
		expect(selectAppWorkflow(file, '', SOURCE).title).toBe('Text to image');
		expect(selectAppWorkflow(file, 'Inpaint with media', SOURCE).title).toBe('Inpaint with media');
	});

	it('keeps basic then advanced inputs, leaving hidden and deleted inputs and groups out', () => {
		const app = studioApp();
		expect(app.inputs.map((input) => [input.section, input.key, input.kind])).toEqual([
			['basic', '6-inputs-text', 'text'],
			['basic', '5-inputs-width', 'number'],
			['basic', '5-inputs-height', 'number'],
			// 5-inputs-batch_size is hidden, 3-inputs-scheduler deleted, the Output group hidden.
			['advanced', '3-inputs-seed', 'seed'],
			['advanced', '3-inputs-steps', 'number'],
			['advanced', '3-inputs-cfg', 'number'],
			['advanced', '3-inputs-sampler_name', 'select'],
			['advanced', '3-inputs-denoise', 'slider'],
			['advanced', '7-inputs-text', 'text'],
		]);
		const sampler = app.inputs.find((input) => input.key === '3-inputs-sampler_name')!;
		expect(sampler.options).toEqual([
			{ label: 'Euler', value: 'euler' },
			{ label: 'DPM++ 2M', value: 'dpmpp_2m' },
		]);
		expect(app.inputs.find((input) => input.key === '3-inputs-denoise')!.slider).toEqual({ min: 0, max: 1, step: 0.05 });
		expect(app.inputs.map((input) => input.label)).toContain('Advanced · Negative prompt · Negative');
	});

	it('types every file kind: image, image-mask, video, audio; and noise_seed, bigint and boolean', () => {
		const app = studioApp('Inpaint with media');
		expect(app.inputs.map((input) => [input.key, input.valueType, input.kind])).toEqual([
			['1-inputs-image', 'image-mask', 'image-mask'],
			['6-inputs-text', 'long-text', 'text'],
			['3-inputs-video', 'video', 'file'],
			['3-inputs-frame_load_cap', 'bigint', 'number'],
			['4-inputs-audio', 'audio', 'file'],
			['5-inputs-noise_seed', 'noise_seed', 'seed'],
			['5-inputs-add_noise', 'boolean', 'boolean'],
		]);
	});

	it('the 114-node template app has exactly 3 basic and 7 advanced inputs', () => {
		const app = selectAppWorkflow(parseViewComfyFile(largeAppText(), SOURCE), '', SOURCE);
		expect(app.inputs.filter((input) => input.section === 'basic')).toHaveLength(3);
		expect(app.inputs.filter((input) => input.section === 'advanced')).toHaveLength(7);
		expect(Object.keys(app.workflow)).toHaveLength(114);
	});

	it('recognises an app file and tells a bare workflow apart', () => {
		expect(isViewComfyFile(JSON.parse(appFixtureText('studio.view_comfy.json')))).toBe(true);
		expect(isViewComfyFile(JSON.parse(fixtureText('txt2img.json')))).toBe(false);
		const error = userErrorOf(() => parseViewComfyFile(fixtureText('txt2img.json'), SOURCE));
		expect(error.message).toBe(
			`${SOURCE}: this is not a view_comfy.json app definition (expected an object with "workflows", got a workflow_api.json)`,
		);
		expect(error.hint).toContain('Paste workflow_api.json');
	});

	it('names the app input and its key when the form points at no input of its workflow', () => {
		const file = JSON.parse(appFixtureText('studio.view_comfy.json'));
		file.workflows[0].viewComfyJSON.inputs[0].inputs[0].key = '66-inputs-text';
		const error = userErrorOf(() => selectAppWorkflow(file, '', SOURCE));
		expect(error.message).toBe(`${SOURCE}: app input "Prompt" (key "66-inputs-text") is not a literal input of the app's workflowApiJSON`);
	});

	it('names the workflows when the title matches none', () => {
		const file = parseViewComfyFile(appFixtureText('studio.view_comfy.json'), SOURCE);
		const error = userErrorOf(() => selectAppWorkflow(file, 'Upscale', SOURCE));
		expect(error.message).toBe(`${SOURCE}: the app has no workflow titled "Upscale"`);
		expect(error.hint).toBe('Pick one of: "Text to image", "Image to image", "Inpaint with media".');
	});

	it.each([
		['{"file_type": "view_comfy", "workflows": []}', 'the app has no workflows'],
		['{"file_type": "view_comfy", "workflows": [{"workflowApiJSON": {}}]}', 'workflow 1 has no viewComfyJSON object (the app form)'],
		['{"workflows": [{"viewComfyJSON": {"title": "A", "inputs": []}}]}', 'workflow "A" has no workflowApiJSON (the ComfyUI workflow the app runs)'],
	])('refuses %s', (text, message) => {
		expect(userErrorOf(() => selectAppWorkflow(parseViewComfyFile(text, SOURCE), '', SOURCE)).message).toBe(`${SOURCE}: ${message}`);
	});
});

describe('readAppFieldValues', () => {
	it('sends files for image, video, audio and mask fields; empty fields keep the app value', () => {
		const app = studioApp('Inpaint with media');
		const values = readAppFieldValues(
			app,
			{
				'1-inputs-image': 'photo',
				'1-inputs-image-viewcomfymask': 'mask',
				'3-inputs-video': '',
				'4-inputs-audio': ' voice ',
				'6-inputs-text': 'roses',
				'5-inputs-noise_seed': '',
			},
			'App Inputs',
		);
		expect(values.files).toEqual([
			{ key: '1-inputs-image', binaryProperty: 'photo', field: 'Portrait (1-inputs-image)' },
			{ key: '1-inputs-image-viewcomfymask', binaryProperty: 'mask', field: 'Portrait (mask of 1-inputs-image)' },
			{ key: '4-inputs-audio', binaryProperty: 'voice', field: 'Advanced · Voice (4-inputs-audio)' },
		]);
		expect(values.fields).toEqual({ '6-inputs-text': 'roses', '5-inputs-noise_seed': '' });
		expect(values.seedKeys).toEqual(['5-inputs-noise_seed']);
	});

	it('checks a slider against its range, naming the app input and key', () => {
		const app = studioApp();
		expect(readAppFieldValues(app, { '3-inputs-denoise': '0.5' }, 'App Inputs').fields).toEqual({ '3-inputs-denoise': '0.5' });
		const error = userErrorOf(() => readAppFieldValues(app, { '3-inputs-denoise': '1.5' }, 'App Inputs'));
		expect(error.message).toBe('App Inputs: app input "Advanced · Sampler · Denoise" (3-inputs-denoise) must be a number from 0 to 1, got "1.5"');
		expect(error.hint).toBe("Set a value between 0 and 1, or empty the field to keep the app's 1.");
	});

	it('with buildParams: untouched fields send nothing but a new seed for the app’s seed input', () => {
		const app = studioApp();
		const untouched = Object.fromEntries(app.inputs.map((input) => [input.key, String(input.parameter.value)]));
		const values = readAppFieldValues(app, untouched, 'App Inputs');
		const built = buildParams({ workflow: app.workflow, fields: values.fields, seedKeys: values.seedKeys, seedMode: 'whenEmpty', random: () => 0.5 });
		expect(built).toEqual({ params: { '3-inputs-seed': 2 ** 47 }, randomizedSeeds: ['3-inputs-seed'] });
	});
});
