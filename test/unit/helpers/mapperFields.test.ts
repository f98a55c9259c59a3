import { changedMapperValues, toAppMapperFields, toMapperFields } from '../../../nodes/ViewComfy/helpers/mapperFields';
import { buildParams } from '../../../nodes/ViewComfy/helpers/params';
import { largeWorkflow, studioApp } from './appFixtures';
import { loadWorkflow } from './workflowFixtures';

/**
 * What n8n 2.8's editor stores in the mapper after "Remove All" then "Add All": the fields come
 * back with no value (pruned), or with '' where an input emitted empty text.
 */
function afterRemoveAllAddAll(keys: string[]): Array<Record<string, unknown>> {
	return [{}, Object.fromEntries(keys.map((key) => [key, '']))];
}

describe('toMapperFields', () => {
	it('gives a small workflow every literal input as a text or switch field prefilled with its value', () => {
		const fields = toMapperFields(loadWorkflow('txt2img.json'));
		expect(fields).toHaveLength(13);
		expect(fields.find((field) => field.id === '3-inputs-seed')).toEqual({
			id: '3-inputs-seed',
			displayName: '3 · KSampler · seed',
			required: false,
			defaultMatch: false,
			canBeUsedToMatch: false,
			display: true,
			type: 'string',
			defaultValue: '156680208700286',
		});
		expect(fields.every((field) => field.removed === undefined)).toBe(true);
	});

	it('offers every input of the 114-node template when asked: 30 fields, the rest removed (in the add menu), none with a number type', () => {
		const fields = toMapperFields(largeWorkflow(), { allParameters: true });
		expect(fields).toHaveLength(314);
		const shown = fields.filter((field) => !field.removed);
		expect(shown).toHaveLength(30);
		expect(shown[0]).toMatchObject({ id: '594-inputs-string', displayName: 'CHARACTER PROMPT · string (594)' });
		expect(fields.slice(0, 30)).toEqual(shown);
		expect(fields.some((field) => field.type === 'number')).toBe(false);
	});

	it('lists only the 30 likely fields of the 114-node template by default, the same as the start of the full list', () => {
		const fields = toMapperFields(largeWorkflow());
		expect(fields).toHaveLength(30);
		expect(fields.some((field) => field.removed)).toBe(false);
		expect(fields).toEqual(toMapperFields(largeWorkflow(), { allParameters: true }).slice(0, 30));
	});

	it('lists every input of a small workflow either way', () => {
		const workflow = loadWorkflow('txt2img.json');
		expect(toMapperFields(workflow, { allParameters: true })).toEqual(toMapperFields(workflow));
	});

	it.each(['txt2img.json', 'img2img.json', 'video_subgraph.json'])(
		'%s: what the editor keeps after Remove All + Add All sends what an untouched node sends',
		(name) => {
			const workflow = loadWorkflow(name);
			const fields = toMapperFields(workflow);
			const untouched = Object.fromEntries(fields.map((field) => [field.id, field.defaultValue]));
			const reference = buildParams({ workflow, fields: untouched, seedMode: 'never' });
			for (const stored of afterRemoveAllAddAll(fields.filter((field) => field.type !== 'boolean').map((field) => field.id))) {
				expect(buildParams({ workflow, fields: stored, seedMode: 'never' })).toEqual(reference);
			}
		},
	);
});

describe('changedMapperValues', () => {
	const schema = [
		{ id: '3-inputs-steps', defaultValue: '20' },
		{ id: '6-inputs-text', defaultValue: 'a cat' },
		{ id: '9-inputs-flag', defaultValue: true },
	];

	it('leaves out values still equal to what the editor prefilled, keeps the others', () => {
		const value = { '3-inputs-steps': '20', '6-inputs-text': 'a dog', '9-inputs-flag': false, '7-inputs-extra': '1' };
		expect(changedMapperValues({ value, schema })).toEqual({ '6-inputs-text': 'a dog', '9-inputs-flag': false, '7-inputs-extra': '1' });
	});

	it('after the pasted JSON changed a value (steps 20 → 30) the untouched field does not send the old one', () => {
		const workflow = loadWorkflow('txt2img.json');
		const fields = toMapperFields(workflow);
		const stored = { value: Object.fromEntries(fields.map((field) => [field.id, field.defaultValue])), schema: fields };
		(workflow['3'].inputs as Record<string, unknown>).steps = 30;
		expect(buildParams({ workflow, fields: changedMapperValues(stored), seedMode: 'never' }).params).toEqual({ '3-inputs-seed': 156680208700286 });
	});

	it('keeps every value of a mapper saved without a schema, and takes an empty mapper', () => {
		expect(changedMapperValues({ value: { '3-inputs-steps': '20' } })).toEqual({ '3-inputs-steps': '20' });
		expect(changedMapperValues({ value: null, schema: null })).toEqual({});
		expect(changedMapperValues(null)).toEqual({});
	});

	it('keeps a "__proto__" key as an own value', () => {
		const changed = changedMapperValues({ value: JSON.parse('{"__proto__": "x"}') as Record<string, unknown> });
		expect(Object.keys(changed)).toEqual(['__proto__']);
	});
});

describe('toAppMapperFields', () => {
	it('lists the form with group and input labels, seeds and sliders marked, select as options', () => {
		const fields = toAppMapperFields(studioApp());
		expect(fields.map((field) => [field.id, field.displayName, field.type, field.defaultValue])).toEqual([
			['6-inputs-text', 'Prompt', 'string', 'beautiful scenery nature glass bottle landscape, purple galaxy bottle'],
			['5-inputs-width', 'Size · Width', 'string', '512'],
			['5-inputs-height', 'Size · Height', 'string', '512'],
			['3-inputs-seed', 'Advanced · Sampler · Seed (seed)', 'string', '156680208700286'],
			['3-inputs-steps', 'Advanced · Sampler · Steps', 'string', '20'],
			['3-inputs-cfg', 'Advanced · Sampler · CFG', 'string', '8'],
			['3-inputs-sampler_name', 'Advanced · Sampler', 'options', 'euler'],
			['3-inputs-denoise', 'Advanced · Sampler · Denoise (0 to 1)', 'string', '1'],
			['7-inputs-text', 'Advanced · Negative prompt · Negative', 'string', 'text, watermark'],
		]);
		expect(fields.find((field) => field.type === 'options')!.options).toEqual([
			{ name: 'Euler', value: 'euler' },
			{ name: 'DPM++ 2M', value: 'dpmpp_2m' },
		]);
	});

	it('asks for binary properties for file inputs (no prefill), with a second field for a mask', () => {
		const fields = toAppMapperFields(studioApp('Inpaint with media'));
		const files = fields.filter((field) => field.displayName.includes('binary property'));
		expect(files.map((field) => [field.id, field.displayName, field.defaultValue])).toEqual([
			['1-inputs-image', 'Portrait (image-mask: binary property or URL)', undefined],
			['1-inputs-image-viewcomfymask', 'Portrait (mask: binary property or URL)', undefined],
			['3-inputs-video', 'Advanced · Motion · Clip (video: binary property or URL)', undefined],
			['4-inputs-audio', 'Advanced · Voice (audio: binary property or URL)', undefined],
		]);
	});
});
