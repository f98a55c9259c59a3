import { flattenWorkflow } from '../../../nodes/ViewComfy/helpers/flatten';
import { editDistance, suggestKeys } from '../../../nodes/ViewComfy/helpers/suggest';
import { loadWorkflow } from './workflowFixtures';

const txt2img = flattenWorkflow(loadWorkflow('txt2img.json')).map((p) => p.key);
const video = flattenWorkflow(loadWorkflow('video_subgraph.json')).map((p) => p.key);

describe('editDistance', () => {
	it.each([
		['', '', 0],
		['seed', 'seed', 0],
		['sed', 'seed', 1],
		['kitten', 'sitting', 3],
		['', 'abc', 3],
	])('%j → %j is %d', (a, b, distance) => {
		expect(editDistance(a, b)).toBe(distance);
		expect(editDistance(b, a)).toBe(distance);
	});

	it('stops at the limit', () => {
		expect(editDistance('aaaaaaaa', 'bbbbbbbb', 2)).toBe(3);
		expect(editDistance('a', 'abcdef', 1)).toBe(2);
	});
});

describe('suggestKeys', () => {
	it('corrects a misspelt input name', () => {
		expect(suggestKeys('3-inputs-sed', txt2img)).toEqual(['3-inputs-seed']);
		expect(suggestKeys('54:73-inputs-noise_sed', video)).toEqual(['54:73-inputs-noise_seed']);
	});

	it('finds the same input on another node first', () => {
		expect(suggestKeys('5-inputs-seed', txt2img)).toEqual(['3-inputs-seed']);
		expect(suggestKeys('8-inputs-text', txt2img)).toEqual(['6-inputs-text', '7-inputs-text']);
		expect(suggestKeys('61-inputs-text', video)).toEqual(['54:71-inputs-text', '54:72-inputs-text']);
		expect(suggestKeys('61-inputs-text-overlai', video)).toEqual(['61-inputs-text-overlay']);
	});

	it('takes a bare input name as the input part', () => {
		expect(suggestKeys('seed', txt2img)).toEqual(['3-inputs-seed']);
		expect(suggestKeys('noise_seed', video)).toEqual(['54:73-inputs-noise_seed']);
	});

	it('corrects the separator', () => {
		expect(suggestKeys('3_inputs_seed', txt2img)).toEqual(['3-inputs-seed']);
		expect(suggestKeys('3-input-steps', txt2img)[0]).toBe('3-inputs-steps');
	});

	it('ignores case', () => {
		expect(suggestKeys('3-INPUTS-SEED', txt2img)).toEqual(['3-inputs-seed']);
	});

	it('suggests nothing for unrelated keys, very long keys or max 0', () => {
		expect(suggestKeys('banana', txt2img)).toEqual([]);
		expect(suggestKeys(`3-inputs-seed${'x'.repeat(10_000)}`, txt2img)).toEqual([]);
		expect(suggestKeys('3-inputs-sed', txt2img, 0)).toEqual([]);
	});

	it('returns at most max suggestions, without duplicates', () => {
		const known = ['1-inputs-text', '2-inputs-text', '3-inputs-text', '4-inputs-text', '2-inputs-text'];
		expect(suggestKeys('9-inputs-text', known)).toEqual(['1-inputs-text', '2-inputs-text', '3-inputs-text']);
		expect(suggestKeys('9-inputs-text', known, 5)).toHaveLength(4);
		expect(suggestKeys('3-inputs-seed', ['3-inputs-seed'])).toEqual([]);
	});
});
