import {
	SEED_INPUT_NAMES,
	compareNodeIds,
	flattenWorkflow,
	isLink,
	isSeedInput,
	parameterKey,
	splitParameterKey,
	sortedNodeIds,
} from '../../../nodes/ViewComfy/helpers/flatten';
import type { ComfyWorkflow, WorkflowParameter } from '../../../nodes/ViewComfy/helpers/interfaces';
import { fixtureNames, fixtureText, loadWorkflow, userErrorOf } from './workflowFixtures';

const apiFixtures = fixtureNames().filter((name) => !name.startsWith('editor'));

function byKey(parameters: WorkflowParameter[]): Map<string, WorkflowParameter> {
	return new Map(parameters.map((parameter) => [parameter.key, parameter]));
}

describe('isLink', () => {
	it.each([
		[['38', 0], true],
		[['54:70', 2], true],
		[['38', 0.5], false],
		[['38', -1], false],
		[[38, 0], false],
		[['38'], false],
		[['38', 0, 1], false],
		['38', false],
		[null, false],
		[{ 0: '38', 1: 0, length: 2 }, false],
	])('%j → %s', (value, expected) => {
		expect(isLink(value)).toBe(expected);
	});
});

describe('parameter keys', () => {
	it('joins node id and input name with -inputs-', () => {
		expect(parameterKey('3', 'seed')).toBe('3-inputs-seed');
		expect(parameterKey('54:73', 'noise_seed')).toBe('54:73-inputs-noise_seed');
	});

	it.each([
		['3-inputs-seed', '3', 'seed'],
		['54:73-inputs-noise_seed', '54:73', 'noise_seed'],
		['61-inputs-text-overlay', '61', 'text-overlay'],
		['my-node-inputs-font-size', 'my-node', 'font-size'],
	])('splits %s on -inputs-, not on -', (key, nodeId, inputName) => {
		expect(splitParameterKey(key)).toEqual({ nodeId, inputName });
	});

	it.each(['3-seed', '-inputs-seed', '3-inputs-', 'seed', ''])('finds no key in %j', (key) => {
		expect(splitParameterKey(key)).toBeUndefined();
	});

	it('prefers the split whose node exists when -inputs- occurs twice', () => {
		const workflow: ComfyWorkflow = {
			'a-inputs-b': { class_type: 'X', inputs: { c: 1 } },
			a: { class_type: 'Y', inputs: { 'b-inputs-d': 2 } },
		};
		expect(splitParameterKey('a-inputs-b-inputs-c')).toEqual({ nodeId: 'a', inputName: 'b-inputs-c' });
		expect(splitParameterKey('a-inputs-b-inputs-c', workflow)).toEqual({ nodeId: 'a-inputs-b', inputName: 'c' });
		expect(splitParameterKey('a-inputs-b-inputs-d', workflow)).toEqual({ nodeId: 'a', inputName: 'b-inputs-d' });
		const onlyLater: ComfyWorkflow = { 'x-inputs-y': { class_type: 'X', inputs: {} } };
		expect(splitParameterKey('x-inputs-y-inputs-z', onlyLater)).toEqual({ nodeId: 'x-inputs-y', inputName: 'z' });
		expect(splitParameterKey('q-inputs-r-inputs-s', onlyLater)).toEqual({ nodeId: 'q', inputName: 'r-inputs-s' });
	});

	it('knows the seed inputs', () => {
		expect(SEED_INPUT_NAMES).toEqual(['seed', 'noise_seed', 'rand_seed']);
		expect(['seed', 'noise_seed', 'rand_seed', 'steps', 'Seed'].map(isSeedInput)).toEqual([
			true,
			true,
			true,
			false,
			false,
		]);
	});
});

describe('node id order', () => {
	it('sorts numbers numerically and composite ids among them', () => {
		const ids = ['60', '54:73', '3', '54:70', '10', '54', 'abc', '54:7', '9', 'b2', '007', '7'];
		expect([...ids].sort(compareNodeIds)).toEqual([
			'3',
			'007',
			'7',
			'9',
			'10',
			'54',
			'54:7',
			'54:70',
			'54:73',
			'60',
			'abc',
			'b2',
		]);
	});

	it('orders ids longer than a double can hold', () => {
		expect(['90071992547409930', '90071992547409921'].sort(compareNodeIds)).toEqual([
			'90071992547409921',
			'90071992547409930',
		]);
	});

	it('is a total order: antisymmetric, and equal only for the same id', () => {
		const ids = ['1', '01', '1:2', '1:02', 'a', 'a1', 'a01', '', ':', '1a', '1:a'];
		for (const a of ids) {
			for (const b of ids) {
				expect(Math.sign(compareNodeIds(a, b)) + Math.sign(compareNodeIds(b, a))).toBe(0);
				if (a !== b) expect(compareNodeIds(a, b)).not.toBe(0);
			}
		}
	});
});

describe('flattenWorkflow over every sample workflow', () => {
	it.each(apiFixtures)('%s: one parameter per literal input, keys that split back, nothing else', (name) => {
		const workflow = loadWorkflow(name);
		const parameters = flattenWorkflow(workflow);
		const raw = JSON.parse(fixtureText(name)) as Record<string, { class_type: string; inputs: Record<string, unknown>; _meta?: { title?: string } }>;

		let literalCount = 0;
		for (const [nodeId, node] of Object.entries(raw)) {
			for (const [inputName, value] of Object.entries(node.inputs)) {
				const key = `${nodeId}-inputs-${inputName}`;
				const parameter = parameters.find((p) => p.key === key);
				const literal = ['string', 'number', 'boolean'].includes(typeof value) && inputName !== 'upload';
				if (literal) literalCount++;
				expect({ key, listed: parameter !== undefined }).toEqual({ key, listed: literal });
				if (!parameter) continue;
				expect(parameter.value).toBe(value);
				expect(parameter.nodeId).toBe(nodeId);
				expect(parameter.inputName).toBe(inputName);
				expect(parameter.classType).toBe(node.class_type);
				expect(parameter.nodeTitle).toBe(node._meta?.title ?? node.class_type);
				expect(parameter.label).toBe(`${nodeId} · ${parameter.nodeTitle} · ${inputName}`);
				expect(splitParameterKey(key, workflow)).toEqual({ nodeId, inputName });
			}
		}
		expect(parameters).toHaveLength(literalCount);
		const nodeOrder = parameters.map((p) => p.nodeId).filter((id, i, all) => all.indexOf(id) === i);
		expect(nodeOrder).toEqual([...nodeOrder].sort(compareNodeIds));
	});

	it('txt2img: kinds and order', () => {
		const parameters = flattenWorkflow(loadWorkflow('txt2img.json'));
		expect(parameters.map((p) => `${p.key}:${p.kind}`)).toEqual([
			'3-inputs-seed:number',
			'3-inputs-steps:number',
			'3-inputs-cfg:number',
			'3-inputs-sampler_name:text',
			'3-inputs-scheduler:text',
			'3-inputs-denoise:number',
			'4-inputs-ckpt_name:text',
			'5-inputs-width:number',
			'5-inputs-height:number',
			'5-inputs-batch_size:number',
			'6-inputs-text:text',
			'7-inputs-text:text',
			'9-inputs-filename_prefix:text',
		]);
		expect(parameters.find((p) => p.key === '6-inputs-text')?.label).toBe(
			'6 · CLIP Text Encode (Positive Prompt) · text',
		);
	});

	it('img2img: LoadImage.image is a file and its upload marker is not a parameter', () => {
		const parameters = byKey(flattenWorkflow(loadWorkflow('img2img.json')));
		expect(parameters.get('10-inputs-image')).toMatchObject({ kind: 'file', value: 'example.png', classType: 'LoadImage' });
		expect(parameters.has('10-inputs-upload')).toBe(false);
		expect(parameters.get('3-inputs-denoise')).toMatchObject({ kind: 'number', value: 0.87 });
		expect(parameters.has('3-inputs-model')).toBe(false);
	});

	it('video_subgraph: composite ids, hyphenated inputs, video and audio files, booleans', () => {
		const parameters = flattenWorkflow(loadWorkflow('video_subgraph.json'));
		const map = byKey(parameters);
		expect(map.get('12-inputs-video')).toMatchObject({ kind: 'file', classType: 'VHS_LoadVideo' });
		expect(map.get('12-inputs-format')).toMatchObject({ kind: 'text', value: 'AnimateDiff' });
		expect(map.get('12-inputs-force_size')?.kind).toBe('text');
		expect(map.get('20-inputs-audio')).toMatchObject({ kind: 'file', value: 'voice-over.wav', nodeTitle: 'LoadAudio' });
		expect(map.get('54:73-inputs-noise_seed')).toMatchObject({
			nodeId: '54:73',
			inputName: 'noise_seed',
			kind: 'number',
			value: 42,
			label: '54:73 · KSampler (Advanced) · noise_seed',
		});
		expect(map.get('61-inputs-text-overlay')).toMatchObject({
			nodeId: '61',
			inputName: 'text-overlay',
			classType: 'Custom-Text-Overlay',
			kind: 'text',
		});
		expect(map.get('61-inputs-font-size')).toMatchObject({ inputName: 'font-size', kind: 'number' });
		expect(map.get('60-inputs-save_metadata')).toMatchObject({ kind: 'boolean', value: true });
		expect(map.get('60-inputs-format')).toMatchObject({ kind: 'text', value: 'video/h264-mp4' });
		expect(map.has('60-inputs-images')).toBe(false);
		expect([...new Set(parameters.map((p) => p.nodeId))]).toEqual([
			'12',
			'20',
			'54:70',
			'54:71',
			'54:72',
			'54:73',
			'54:74',
			'60',
			'61',
		]);
	});

	it('the editor-format sample is refused before flattening', () => {
		expect(userErrorOf(() => loadWorkflow('editor_format_not_api.json')).message).toContain('editor format');
	});
});

describe('flattenWorkflow edge cases', () => {
	it('detects file inputs of core loaders, upload markers and custom loaders', () => {
		const workflow: ComfyWorkflow = {
			'1': { class_type: 'LoadImageMask', inputs: { image: 'mask.png', channel: 'alpha', upload: 'image' } },
			'2': { class_type: 'LoadVideo', inputs: { file: 'clip.mov' } },
			'3': { class_type: 'SomeUploader', inputs: { media: 'a.webm', mode: 'fast', upload: true } },
			'4': { class_type: 'Custom Load Image From Path', inputs: { path: 'in/pic.JPG', name: 'pic', ratio: '1.5' } },
			'5': { class_type: 'ImageScale', inputs: { upscale_method: 'nearest-exact' } },
			'6': { class_type: 'LoadAudioFile', inputs: { clip: 'voice.flac', other: 'x. y' } },
			'7': { class_type: 'Uploads', inputs: { image: 'a.png', upload: 'IMAGE' } },
			'8': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'model.safetensors' } },
		};
		const kinds = Object.fromEntries(flattenWorkflow(workflow).map((p) => [p.key, p.kind]));
		expect(kinds).toEqual({
			'1-inputs-image': 'file',
			'1-inputs-channel': 'text',
			'2-inputs-file': 'file',
			'3-inputs-media': 'file',
			'3-inputs-mode': 'text',
			'4-inputs-path': 'file',
			'4-inputs-name': 'text',
			'4-inputs-ratio': 'text',
			'5-inputs-upscale_method': 'text',
			'6-inputs-clip': 'file',
			'6-inputs-other': 'text',
			'7-inputs-image': 'file',
			'8-inputs-ckpt_name': 'text',
		});
	});

	it('skips links, null, arrays, objects, non-finite numbers and nodes whose id starts with "_"', () => {
		const workflow: ComfyWorkflow = {
			'1': {
				class_type: 'A',
				inputs: { link: ['2', 0], none: null, list: [1, 2, 3], object: { a: 1 }, kept: 'yes' },
			},
			_2: { class_type: 'B', inputs: { hidden: 1 } },
		};
		expect(flattenWorkflow(workflow).map((p) => p.key)).toEqual(['1-inputs-kept']);
	});

	it('leaves out inputs no key can address: empty names, and keys that mean another input', () => {
		const workflow: ComfyWorkflow = {
			'1': { class_type: 'A', inputs: { '': 'unnamed', ok: 1 } },
			a: { class_type: 'B', inputs: { 'b-inputs-c': 'first' } },
			'a-inputs-b': { class_type: 'C', inputs: { c: 'second', d: 'alone' } },
		};
		const parameters = flattenWorkflow(workflow);
		expect(parameters.map((p) => `${p.key}=${String(p.value)}`)).toEqual([
			'1-inputs-ok=1',
			'a-inputs-b-inputs-c=first',
			'a-inputs-b-inputs-d=alone',
		]);
	});

	it('handles "__proto__" and "constructor" as plain ids ("__proto__" starts with "_", so it is context)', () => {
		const workflow = JSON.parse(
			'{"__proto__": {"class_type": "A", "inputs": {"x": 1}}, "constructor": {"class_type": "B", "inputs": {"toString": 2}}}',
		) as ComfyWorkflow;
		expect(sortedNodeIds(workflow)).toEqual(['__proto__', 'constructor']);
		expect(flattenWorkflow(workflow).map((p) => p.key)).toEqual(['constructor-inputs-toString']);
	});
});
