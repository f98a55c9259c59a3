/**
 * List Workflow Parameters: every literal input of each fixture workflow as an item, computed
 * offline (no request), with its key, value and kind.
 */
import { NodeOperationError } from 'n8n-workflow';

import { runNode, shutdownHarness } from '../../harness';
import { fixtureJson, fixtureText, type FixtureName } from './support';

afterAll(() => shutdownHarness());

const isLink = (value: unknown) => Array.isArray(value) && value.length === 2 && typeof value[0] === 'string';

/** The parameters a workflow has, worked out here from the JSON: every literal input but `upload`. */
function literalInputs(name: FixtureName): Record<string, unknown> {
	const expected: Record<string, unknown> = {};
	for (const [nodeId, node] of Object.entries(fixtureJson(name))) {
		for (const [inputName, value] of Object.entries(node.inputs)) {
			if (inputName === 'upload' || isLink(value)) continue;
			expected[`${nodeId}-inputs-${inputName}`] = value;
		}
	}
	return expected;
}

describe.each(['txt2img', 'img2img', 'video_subgraph'] as const)('%s', (fixture) => {
	it('lists every literal input once, with its value, in node id order', async () => {
		const result = await runNode({
			parameters: { operation: 'listParameters', workflowSource: 'paste', workflowJson: fixtureText(fixture) },
		});
		expect(result.error).toBeUndefined();
		const listed = Object.fromEntries(result.items.map((item) => [item.json.key, item.json.value]));
		expect(listed).toEqual(literalInputs(fixture));
		expect(result.items).toHaveLength(Object.keys(literalInputs(fixture)).length);
		for (const { json, pairedItem } of result.items) {
			expect(pairedItem).toEqual({ item: 0 });
			expect(json.key).toBe(`${json.nodeId}-inputs-${json.inputName}`);
			expect(Object.keys(json).sort()).toEqual(
				['key', 'nodeId', 'nodeTitle', 'classType', 'inputName', 'value', 'kind', 'label'].sort(),
			);
		}
		const nodeIds = result.items.map((item) => item.json.nodeId as string);
		const natural = [...nodeIds].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
		expect(nodeIds).toEqual(natural);
	});
});

it('tells numbers, text and files apart, and keeps subgraph ids and hyphenated inputs whole', async () => {
	const run = async (fixture: FixtureName) =>
		(
			await runNode({
				parameters: { operation: 'listParameters', workflowSource: 'paste', workflowJson: fixtureText(fixture) },
			})
		).items.map((item) => item.json);
	const video = await run('video_subgraph');
	const byKey = Object.fromEntries(video.map((json) => [json.key, json]));
	expect(byKey['54:73-inputs-noise_seed']).toMatchObject({ nodeId: '54:73', inputName: 'noise_seed', kind: 'number' });
	expect(byKey['61-inputs-text-overlay']).toMatchObject({ nodeId: '61', inputName: 'text-overlay', kind: 'text' });
	expect(byKey['12-inputs-video']).toMatchObject({ kind: 'file', classType: 'VHS_LoadVideo' });
	expect(byKey['20-inputs-audio']).toMatchObject({ kind: 'file' });
	expect(byKey['60-inputs-save_metadata']).toMatchObject({ kind: 'boolean', value: true });
	const img2img = Object.fromEntries((await run('img2img')).map((json) => [json.key, json]));
	expect(img2img['10-inputs-image']).toMatchObject({ kind: 'file', value: 'example.png', nodeTitle: 'Load Image' });
	expect(img2img['6-inputs-text']).toMatchObject({ kind: 'text', label: expect.stringContaining('6') });
});

it('reads the workflow from a binary property, one list per input item', async () => {
	const result = await runNode({
		parameters: { operation: 'listParameters', workflowSource: 'binary', workflowBinaryProperty: 'file' },
		input: [
			{ json: {}, binary: { file: { data: fixtureText('txt2img'), fileName: 'a.json' } } },
			{ json: {}, binary: { file: { data: fixtureText('img2img'), fileName: 'b.json' } } },
		],
	});
	expect(result.error).toBeUndefined();
	const counts = [0, 1].map((item) => result.items.filter((entry) => (entry.pairedItem as { item: number }).item === item).length);
	expect(counts).toEqual([Object.keys(literalInputs('txt2img')).length, Object.keys(literalInputs('img2img')).length]);
});

it('refuses the editor format with a pointer to Export (API)', async () => {
	const result = await runNode({
		parameters: {
			operation: 'listParameters',
			workflowSource: 'paste',
			workflowJson: fixtureText('editor_format_not_api'),
		},
	});
	expect(result.error).toBeInstanceOf(NodeOperationError);
	const { message, description } = result.error as NodeOperationError;
	expect(`${message} ${description}`).toContain('Export (API)');
});

it('says that a deployed workflow cannot be listed', async () => {
	const result = await runNode({ parameters: { operation: 'listParameters', workflowSource: 'deployed' } });
	expect(result.error).toBeInstanceOf(NodeOperationError);
	const { message, description } = result.error as NodeOperationError;
	expect(message).toMatch(/needs the workflow/);
	expect(description).toMatch(/Paste workflow_api\.json/);
});
