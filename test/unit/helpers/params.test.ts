import type { ComfyWorkflow } from '../../../nodes/ViewComfy/helpers/interfaces';
import {
	SEED_RANGE,
	buildParams,
	parseAdditionalParameters,
	type BuildParamsInput,
} from '../../../nodes/ViewComfy/helpers/params';
import { applyOverrides } from '../../emulator/server/workflow';
import { loadWorkflow, userErrorOf } from './workflowFixtures';

const txt2img = loadWorkflow('txt2img.json');
const img2img = loadWorkflow('img2img.json');
const video = loadWorkflow('video_subgraph.json');

/** A random source that yields the given values in turn, so drawn seeds are known. */
function sequence(...values: number[]): () => number {
	let next = 0;
	return () => values[next++ % values.length];
}

function build(input: Partial<BuildParamsInput>) {
	return buildParams({ seedMode: 'whenEmpty', random: sequence(0.25), ...input });
}

describe('buildParams: fields against a known workflow', () => {
	it('sends only fields that differ from the workflow', () => {
		const result = build({
			workflow: txt2img,
			fields: { '3-inputs-steps': 20, '3-inputs-cfg': 8, '6-inputs-text': 'a cat sorcerer', '5-inputs-width': 768 },
		});
		expect(result).toEqual({ params: { '6-inputs-text': 'a cat sorcerer', '5-inputs-width': 768 }, randomizedSeeds: [] });
	});

	it('treats null, undefined and empty text as "keep the workflow value" without checking the key', () => {
		const result = build({
			workflow: txt2img,
			fields: { '6-inputs-text': '', '3-inputs-steps': null, 'stale-inputs-column': undefined, '7-inputs-text': 'blurry' },
		});
		expect(result.params).toEqual({ '7-inputs-text': 'blurry' });
	});

	it.each([
		['3-inputs-steps', '25', 25],
		['3-inputs-cfg', ' 7.5 ', 7.5],
		['3-inputs-denoise', '.5', 0.5],
		['3-inputs-steps', '1e2', 100],
		['5-inputs-width', '-64', -64],
		['6-inputs-text', 42, '42'],
		['6-inputs-text', 0.5, '0.5'],
		['60-inputs-pingpong', 'TRUE', true],
		['60-inputs-save_output', ' false ', false],
		['60-inputs-pingpong', true, true],
		['54:73-inputs-noise_seed', '7', 7],
		['61-inputs-font-size', '30', 30],
	])('coerces %s = %j to the workflow type (%j)', (key, value, expected) => {
		const workflow = key.startsWith('3-') || key.startsWith('5-') || key.startsWith('6-') ? txt2img : video;
		expect(build({ workflow, fields: { [key]: value } }).params).toEqual({ [key]: expected });
	});

	it('drops a field whose coerced value equals the workflow value', () => {
		const result = build({ workflow: txt2img, fields: { '3-inputs-steps': '20', '6-inputs-text': 'x' } });
		expect(result.params).toEqual({ '6-inputs-text': 'x' });
	});

	it.each([
		['3-inputs-steps', 'many', 'must be a number (the workflow has 20), got "many"'],
		['3-inputs-steps', '0x10', 'must be a number (the workflow has 20), got "0x10"'],
		['3-inputs-steps', true, 'must be a number (the workflow has 20), got true'],
		['3-inputs-sampler_name', false, 'must be text (the workflow has "euler"), got false'],
	])('refuses %s = %j', (key, value, problem) => {
		const error = userErrorOf(() => build({ workflow: txt2img, fields: { [key]: value }, fieldsSource: 'Workflow Parameters' }));
		expect(error.message).toBe(`Workflow Parameters: "${key}" ${problem}`);
		expect(error.field).toBe('Workflow Parameters');
		expect(error.hint).toMatch(/^Set (a number|text) for 3 · KSampler · /);
	});

	it('keeps the message short when the workflow value is huge', () => {
		const workflow: ComfyWorkflow = { '1': { class_type: 'A', inputs: { text: 'p'.repeat(1_000_000), seed: 1 } } };
		const error = userErrorOf(() => build({ workflow, fields: { '1-inputs-text': true } }));
		expect(error.message).toBe(`Workflow Parameters: "1-inputs-text" must be text (the workflow has "${'p'.repeat(79)}…"), got true`);
	});

	it('refuses a boolean input given other text', () => {
		const error = userErrorOf(() => build({ workflow: video, fields: { '60-inputs-pingpong': 'yes' } }));
		expect(error.message).toBe('Workflow Parameters: "60-inputs-pingpong" must be true or false (the workflow has false), got "yes"');
	});

	it('names the unknown key and suggests the closest ones', () => {
		const error = userErrorOf(() => build({ workflow: txt2img, fields: { '3-inputs-sed': 5 }, fieldsSource: 'Parameters' }));
		expect(error.message).toBe('Parameters: "3-inputs-sed" is not in the workflow: node "3" (KSampler) has no input "sed"');
		expect(error.hint).toBe('Did you mean "3-inputs-seed"? The List Workflow Parameters operation shows every key of the workflow.');
		expect(error.field).toBe('Parameters');
	});

	it('names a node the workflow does not have', () => {
		const error = userErrorOf(() => build({ workflow: txt2img, fields: { '33-inputs-seed': 5 } }));
		expect(error.message).toContain('it has no node "33"');
		expect(error.hint).toContain('Did you mean "3-inputs-seed"?');
	});

	it('explains keys without the -inputs- separator', () => {
		const error = userErrorOf(() => build({ workflow: txt2img, fields: { seed: 5 } }));
		expect(error.message).toContain('"seed" is not a parameter key. Keys look like <nodeId>-inputs-<inputName>');
		expect(error.hint).toContain('Did you mean "3-inputs-seed"?');
	});

	it.each([
		['_3-node-class_type-info', txt2img, 'starts with "_": such keys are ViewComfy context'],
		['3-inputs-model', txt2img, 'cannot be set: it is a link from node "4" (output 0)'],
		['10-inputs-upload', img2img, 'is the upload marker of node "10" (Load Image), not a parameter'],
	])('refuses %s with the reason and no misleading suggestions', (key, workflow, reason) => {
		const error = userErrorOf(() => build({ workflow, fields: { [key]: 'x' } }));
		expect(error.message).toContain(reason);
		expect(error.hint).not.toContain('Did you mean');
	});

	it('refuses inputs that hold structured values in the workflow', () => {
		const workflow: ComfyWorkflow = { '1': { class_type: 'A', inputs: { list: [1, 2, 3], seed: 1 } } };
		expect(userErrorOf(() => build({ workflow, fields: { '1-inputs-list': 'x' } })).message).toContain(
			'the workflow holds an array there',
		);
	});

	it.each([
		[{ a: 1 }, 'is an object'],
		[[1, 2], 'is an array'],
		[Number.NaN, 'is NaN, which JSON cannot carry'],
		[Number.POSITIVE_INFINITY, 'is Infinity, which JSON cannot carry'],
	])('refuses the value %j', (value, problem) => {
		const error = userErrorOf(() => build({ workflow: txt2img, fields: { '6-inputs-text': value } }));
		expect(error.message).toContain(`"6-inputs-text" ${problem}`);
	});
});

describe('buildParams: Additional Parameters (JSON)', () => {
	it('always sends its values, even unchanged ones, and overrides fields', () => {
		const result = build({
			workflow: txt2img,
			fields: { '6-inputs-text': 'from field', '5-inputs-width': 640 },
			additional: { '6-inputs-text': 'from json', '3-inputs-steps': '20' },
		});
		expect(result.params).toEqual({ '5-inputs-width': 640, '6-inputs-text': 'from json', '3-inputs-steps': 20 });
		expect(Object.keys(result.params)).toEqual(['5-inputs-width', '6-inputs-text', '3-inputs-steps']);
		expect(result.randomizedSeeds).toEqual([]);
	});

	it('sends empty text given explicitly', () => {
		expect(build({ workflow: txt2img, additional: { '7-inputs-text': '' } }).params).toEqual({ '7-inputs-text': '' });
	});

	it('names its own source in errors, and tells how to unset with null', () => {
		const unknown = userErrorOf(() => build({ workflow: txt2img, additional: { '3-inputs-sedd': 1 } }));
		expect(unknown.message).toMatch(/^Additional Parameters \(JSON\): "3-inputs-sedd"/);
		expect(unknown.field).toBe('Additional Parameters (JSON)');
		const nullValue = userErrorOf(() => build({ workflow: txt2img, additional: { '3-inputs-seed': null } }));
		expect(nullValue.message).toBe(
			'Additional Parameters (JSON): "3-inputs-seed" is null, but parameter values must be text, a number or true/false',
		);
		expect(nullValue.hint).toBe("Remove the key to keep the workflow's value.");
	});
});

describe('buildParams: files', () => {
	it('leaves file keys out of params and does not randomize when a file is sent', () => {
		const result = build({
			workflow: img2img,
			fields: { '10-inputs-image': 'other.png' },
			fileKeys: ['10-inputs-image', '10-inputs-image-viewcomfymask'],
		});
		// params must not be empty: the current seed fills it without changing the run.
		expect(result).toEqual({ params: { '3-inputs-seed': 280823642470253 }, randomizedSeeds: [] });
	});

	it('checks file keys against the workflow', () => {
		const error = userErrorOf(() => build({ workflow: img2img, fileKeys: ['10-inputs-imag'], fileKeysSource: 'Input Files' }));
		expect(error.message).toContain('Input Files: "10-inputs-imag" is not in the workflow');
		expect(error.hint).toContain('Did you mean "10-inputs-image"?');
		expect(userErrorOf(() => build({ fileKeys: ['image'] })).message).toBe('Input Files: "image" is not a parameter key');
	});

	it('sends files alone without a workflow', () => {
		expect(build({ fileKeys: ['52-inputs-image'] })).toEqual({ params: {}, randomizedSeeds: [] });
	});
});

describe('buildParams: seed rules', () => {
	it('whenEmpty: nothing changed → every seed input gets a fresh random seed', () => {
		const result = build({ workflow: txt2img, fields: { '3-inputs-steps': 20 }, random: sequence(0.25) });
		expect(result).toEqual({ params: { '3-inputs-seed': 0.25 * SEED_RANGE }, randomizedSeeds: ['3-inputs-seed'] });
		const subgraph = build({ workflow: video, random: sequence(0.5) });
		expect(subgraph).toEqual({ params: { '54:73-inputs-noise_seed': 2 ** 47 }, randomizedSeeds: ['54:73-inputs-noise_seed'] });
	});

	it('whenEmpty: something set → seeds stay', () => {
		expect(build({ workflow: txt2img, fields: { '3-inputs-steps': 30 } })).toEqual({
			params: { '3-inputs-steps': 30 },
			randomizedSeeds: [],
		});
	});

	it('draws one seed per seed input, each from the random source', () => {
		const workflow: ComfyWorkflow = {
			'1': { class_type: 'KSampler', inputs: { seed: 1, steps: 20 } },
			'2': { class_type: 'KSamplerAdvanced', inputs: { noise_seed: 2 } },
			'3': { class_type: 'Random', inputs: { rand_seed: 3, seed_text: 'x' } },
			'4': { class_type: 'Linked', inputs: { seed: ['1', 0] } },
		};
		const result = build({ workflow, random: sequence(0, 0.5, 0.999) });
		expect(result.params).toEqual({ '1-inputs-seed': 0, '2-inputs-noise_seed': 2 ** 47, '3-inputs-rand_seed': Math.floor(0.999 * SEED_RANGE) });
		expect(result.randomizedSeeds).toEqual(['1-inputs-seed', '2-inputs-noise_seed', '3-inputs-rand_seed']);
	});

	it('keeps seeds integers inside [0, 2^48) whatever the random source returns', () => {
		for (const value of [1, 1.5, -0.5, Number.NaN, 0.9999999999999999]) {
			const seed = build({ workflow: txt2img, random: () => value }).params['3-inputs-seed'] as number;
			expect(Number.isInteger(seed)).toBe(true);
			expect(seed).toBeGreaterThanOrEqual(0);
			expect(seed).toBeLessThan(SEED_RANGE);
		}
		const drawn = new Set(
			Array.from({ length: 20 }, () => buildParams({ workflow: txt2img, seedMode: 'whenEmpty' }).params['3-inputs-seed']),
		);
		expect(drawn.size).toBeGreaterThan(15);
	});

	it('always: seeds not set explicitly are randomized alongside other changes', () => {
		const result = build({ workflow: txt2img, seedMode: 'always', fields: { '6-inputs-text': 'dog' }, random: sequence(0.75) });
		expect(result).toEqual({
			params: { '6-inputs-text': 'dog', '3-inputs-seed': 0.75 * SEED_RANGE },
			randomizedSeeds: ['3-inputs-seed'],
		});
	});

	it('always: an explicit seed wins, from fields or Additional Parameters', () => {
		expect(build({ workflow: txt2img, seedMode: 'always', fields: { '3-inputs-seed': 5 } })).toEqual({
			params: { '3-inputs-seed': 5 },
			randomizedSeeds: [],
		});
		expect(
			build({ workflow: txt2img, seedMode: 'always', additional: { '3-inputs-seed': 156680208700286 } }),
		).toEqual({ params: { '3-inputs-seed': 156680208700286 }, randomizedSeeds: [] });
	});

	it('always: a seed field left at the workflow value is randomized', () => {
		const result = build({ workflow: txt2img, seedMode: 'always', fields: { '3-inputs-seed': 156680208700286 }, random: sequence(0.5) });
		expect(result).toEqual({ params: { '3-inputs-seed': 2 ** 47 }, randomizedSeeds: ['3-inputs-seed'] });
	});

	it('never: nothing changed → the current seeds are sent unchanged', () => {
		const random = jest.fn(() => 0.5);
		expect(build({ workflow: video, seedMode: 'never', random })).toEqual({
			params: { '54:73-inputs-noise_seed': 42 },
			randomizedSeeds: [],
		});
		expect(random).not.toHaveBeenCalled();
		expect(build({ workflow: txt2img, seedMode: 'never', fields: { '6-inputs-text': 'cow' } }).params).toEqual({
			'6-inputs-text': 'cow',
		});
	});

	it.each(['whenEmpty', 'always', 'never'] as const)('%s: nothing to send and no seed → a clear error', (seedMode) => {
		const workflow: ComfyWorkflow = { '1': { class_type: 'Note', inputs: { text: 'hi' } } };
		const error = userErrorOf(() => build({ workflow, seedMode, fields: { '1-inputs-text': 'hi' } }));
		expect(error.message).toBe(
			'Nothing to send to ViewComfy: no parameter differs from the workflow, no file is attached, and the workflow has no seed input (seed, noise_seed, rand_seed) to randomize',
		);
		expect(error.hint).toBe('Set at least one parameter to a new value (e.g. 1-inputs-text).');
	});
});

describe('buildParams without a workflow (deployed workflow)', () => {
	it('passes values through as given once the keys look right', () => {
		const result = build({
			fields: { '6-inputs-text': 'cat', '3-inputs-seed': '42', '61-inputs-text-overlay': 'hi', empty: '' },
			additional: { '54:73-inputs-noise_seed': 7, 'constructor-inputs-x': true },
		});
		expect(result).toEqual({
			params: {
				'6-inputs-text': 'cat',
				'3-inputs-seed': '42',
				'61-inputs-text-overlay': 'hi',
				'54:73-inputs-noise_seed': 7,
				'constructor-inputs-x': true,
			},
			randomizedSeeds: [],
		});
	});

	it('refuses keys without -inputs- with the expected format, and context keys', () => {
		const error = userErrorOf(() => build({ fields: { 'seed': 5 } }));
		expect(error.message).toBe('Workflow Parameters: "seed" is not a parameter key');
		expect(error.hint).toBe('Keys look like <nodeId>-inputs-<inputName>, e.g. 3-inputs-seed or 6-inputs-text.');
		expect(userErrorOf(() => build({ additional: { '_3-inputs-x': 1 } })).message).toContain('starts with "_"');
	});

	it('still refuses structured values', () => {
		expect(userErrorOf(() => build({ additional: { '3-inputs-seed': [1] } })).message).toContain('is an array');
	});

	it.each(['whenEmpty', 'always', 'never'] as const)('%s: nothing set → asks for a parameter or the workflow', (seedMode) => {
		const error = userErrorOf(() => build({ seedMode, fields: { '3-inputs-seed': '' } }));
		expect(error.message).toBe('Nothing to send to ViewComfy: no parameter is set and no file is attached');
		expect(error.hint).toBe(
			'Set at least one parameter (e.g. 3-inputs-seed) or paste the workflow so the node can randomize its seed.',
		);
	});
});

describe('parseAdditionalParameters', () => {
	const SOURCE = 'Additional Parameters (JSON)';

	it.each([undefined, null, '', '  \n'])('reads %j as no parameters', (value) => {
		expect(parseAdditionalParameters(value, SOURCE)).toEqual({});
	});

	it('parses JSON text and copies objects', () => {
		expect(parseAdditionalParameters('{"3-inputs-seed": 5, "6-inputs-text": "cat"}', SOURCE)).toEqual({
			'3-inputs-seed': 5,
			'6-inputs-text': 'cat',
		});
		const given = { '3-inputs-seed': 5 };
		const copy = parseAdditionalParameters(given, SOURCE);
		expect(copy).toEqual(given);
		expect(copy).not.toBe(given);
	});

	it('locates JSON errors', () => {
		const error = userErrorOf(() => parseAdditionalParameters('{\n"3-inputs-seed": 5,\n}', SOURCE));
		expect(error.message).toBe(`${SOURCE} is not valid JSON: Expected double-quoted property name at line 3, column 1`);
		expect(error.field).toBe(SOURCE);
		expect(error.hint).toContain('{"6-inputs-text": "a cat", "3-inputs-seed": 42}');
	});

	it.each([
		['[1]', 'an array'],
		['5', 'a number'],
		['"text"', 'a string'],
		[true, 'true/false'],
		[[], 'an array'],
	])('refuses %j', (value, type) => {
		expect(userErrorOf(() => parseAdditionalParameters(value, SOURCE)).message).toBe(
			`${SOURCE} must be a JSON object of parameters, got ${type}`,
		);
	});

	it('keeps "__proto__" as a plain key', () => {
		const parsed = parseAdditionalParameters('{"__proto__": {"polluted": 1}}', SOURCE);
		expect(Object.keys(parsed)).toEqual(['__proto__']);
		expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});
});

describe('what buildParams builds, applied as the server does', () => {
	it('the emulator writes every param into the input it names', () => {
		const { params } = build({ workflow: txt2img, fields: { '3-inputs-steps': '30' }, seedMode: 'always', random: sequence(0.5) });
		const applied = applyOverrides(txt2img, params, []);
		expect(applied['3'].inputs).toMatchObject({ steps: 30, seed: 2 ** 47, cfg: 8 });
	});
});
