import { SHORT_LIST_LIMIT, SHORT_LIST_THRESHOLD, likelyTier, selectLikelyFields, titleFirstLabel } from '../../../nodes/ViewComfy/helpers/fieldPriority';
import { flattenWorkflow } from '../../../nodes/ViewComfy/helpers/flatten';
import type { ComfyWorkflow } from '../../../nodes/ViewComfy/helpers/interfaces';
import { largeWorkflow } from './appFixtures';
import { loadWorkflow } from './workflowFixtures';

describe('selectLikelyFields', () => {
	it('keeps every input of a small workflow, in node order', () => {
		const parameters = flattenWorkflow(loadWorkflow('txt2img.json'));
		expect(selectLikelyFields(parameters)).toEqual({ ordered: parameters, shownCount: parameters.length });
	});

	it('starts the 114-node template with 30 likely fields, led by the prompt, the seeds, the images and the size', () => {
		const parameters = flattenWorkflow(largeWorkflow());
		expect(parameters).toHaveLength(314);
		const { ordered, shownCount } = selectLikelyFields(parameters);
		expect(shownCount).toBe(SHORT_LIST_LIMIT);
		// Nothing is lost: the others follow, so they stay one click away.
		expect(new Set(ordered.map((p) => p.key))).toEqual(new Set(parameters.map((p) => p.key)));
		expect(ordered).toHaveLength(parameters.length);

		const shown = ordered.slice(0, shownCount).map((p) => p.key);
		expect(shown[0]).toBe('594-inputs-string');
		const position = (key: string) => shown.indexOf(key);
		for (const key of ['499-inputs-noise_seed', '625-inputs-image', '626-inputs-image', '19-inputs-width', '19-inputs-height']) {
			expect(position(key)).toBeGreaterThan(0);
			expect(position(key)).toBeLessThan(20);
		}
		// Tier order: every text input before every seed, seeds before images, images before sizes.
		expect(position('608-inputs-string')).toBeLessThan(position('499-inputs-noise_seed'));
		expect(position('499-inputs-noise_seed')).toBeLessThan(position('625-inputs-image'));
		expect(position('626-inputs-image')).toBeLessThan(position('19-inputs-width'));
		// Crop boxes, save prefixes and expression sliders are not in the short list.
		const shownClasses = new Set(ordered.slice(0, shownCount).map((p) => p.classType));
		for (const plumbing of ['ImageCrop', 'SaveImage', 'ExpressionEditor', 'JoinStrings']) expect(shownClasses.has(plumbing)).toBe(false);
	});

	it('puts ViewComfy VC_BASIC then VC_ADV nodes first, whatever their inputs', () => {
		const workflow: ComfyWorkflow = {};
		for (let id = 1; id <= SHORT_LIST_THRESHOLD; id++) workflow[String(id)] = { class_type: 'ImageCrop', inputs: { x: id }, _meta: { title: 'Image Crop' } };
		workflow['90'] = { class_type: 'KSampler', inputs: { seed: 1 }, _meta: { title: 'KSampler' } };
		workflow['91'] = { class_type: 'ImageCrop', inputs: { x: 5 }, _meta: { title: 'VC_ADV crop' } };
		workflow['92'] = { class_type: 'ImageCrop', inputs: { y: 5 }, _meta: { title: 'VC_BASIC crop' } };
		const { ordered, shownCount } = selectLikelyFields(flattenWorkflow(workflow));
		expect(ordered.slice(0, shownCount).map((p) => p.key)).toEqual(['92-inputs-y', '91-inputs-x', '90-inputs-seed']);
	});
});

describe('likelyTier', () => {
	const parameter = (classType: string, title: string, inputName: string, value: string | number) =>
		flattenWorkflow({ '7': { class_type: classType, inputs: { [inputName]: value }, _meta: { title } } })[0];

	it.each([
		['CLIPTextEncode', 'CLIP Text Encode (Prompt)', 'text', 'a cat', 'text'],
		['KSampler', 'KSampler', 'seed', 5, 'seed'],
		['RandomNoise', 'RandomNoise', 'noise_seed', 5, 'seed'],
		['LoadImage', 'Load Image', 'image', 'a.png', 'file'],
		['EmptyLatentImage', 'Empty Latent Image', 'width', 512, 'size'],
		['EmptySD3LatentImage', 'EmptySD3LatentImage', 'batch_size', 1, 'size'],
		['KSampler', 'KSampler', 'steps', 20, 'sampling'],
		['CFGGuider', 'CFGGuider', 'cfg', 1, 'sampling'],
		['Int Literal', 'Steps', 'int', 25, 'sampling'],
		['Int Literal', 'Output width', 'int', 1024, 'size'],
		['PrimitiveNode', 'My upscale factor', 'value', 2, 'renamed'],
	])('%s titled %j, input %s = %j: %s', (classType, title, inputName, value, tier) => {
		expect(likelyTier(parameter(classType, title, inputName, value))).toBe(tier);
	});

	it.each([
		['ImageCrop', 'Image Crop', 'x', 40],
		['ImageScale', 'ImageScale', 'width', 2048],
		['SaveImage', 'Save Image', 'filename_prefix', 'ComfyUI'],
		['JoinStrings', 'Join Strings', 'delimiter', ','],
	])('%s.%s is plumbing', (classType, title, inputName, value) => {
		expect(likelyTier(parameter(classType, title, inputName, value))).toBeUndefined();
	});

	it('labels title first, the node id last', () => {
		expect(titleFirstLabel(parameter('String Literal', 'CHARACTER PROMPT', 'string', 'x'))).toBe('CHARACTER PROMPT · string (7)');
	});
});
