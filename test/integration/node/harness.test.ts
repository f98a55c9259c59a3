/**
 * The harness itself, proven with a test-only node: n8n's real engine evaluates expressions,
 * hands binary data between nodes in both modes, applies Continue On Fail and stops on cancel.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { shutdownN8nRuntime } from '../../harness/n8nRuntime';
import { runWorkflowNode, type NodeUnderTest } from '../../harness/runWorkflow';

/** Echoes its input binary reversed, names it after an expression, fails or waits on request. */
const echoNode: INodeType = {
	description: {
		displayName: 'Echo',
		name: 'echo',
		group: ['transform'],
		version: 1,
		description: 'Harness self-test node',
		defaults: { name: 'Echo' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [
			{ displayName: 'Label', name: 'label', type: 'string', default: 'unset' },
			{ displayName: 'Wait For Cancel', name: 'waitForCancel', type: 'boolean', default: false },
			{ displayName: 'Error On Cancel', name: 'errorOnCancel', type: 'string', default: '' },
		],
	},
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		if (this.getNodeParameter('waitForCancel', 0)) {
			const signal = this.getExecutionCancelSignal()!;
			await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
			const errorOnCancel = this.getNodeParameter('errorOnCancel', 0) as string;
			if (errorOnCancel) throw new NodeOperationError(this.getNode(), errorOnCancel);
			return [[{ json: { aborted: signal.aborted } }]];
		}
		const output: INodeExecutionData[] = [];
		for (const [itemIndex, item] of this.getInputData().entries()) {
			try {
				const label = this.getNodeParameter('label', itemIndex) as string;
				if (item.json.fail) throw new NodeOperationError(this.getNode(), `item ${itemIndex} failed`, { itemIndex });
				const bytes = await this.helpers.getBinaryDataBuffer(itemIndex, 'data');
				const binary = await this.helpers.prepareBinaryData(Buffer.from(bytes).reverse(), `${label}.bin`);
				this.logger.info(`echo ${label}`);
				output.push({ json: { label }, binary: { data: binary }, pairedItem: { item: itemIndex } });
			} catch (error) {
				if (!this.continueOnFail()) throw error;
				output.push({ json: { error: (error as Error).message }, pairedItem: { item: itemIndex } });
			}
		}
		return [output];
	},
};

const node: NodeUnderTest = { typeName: 'harness.echo', type: echoNode, name: 'Echo' };

afterAll(() => shutdownN8nRuntime());

describe.each(['default', 'filesystem', 'database'] as const)('binary mode %s', (binaryMode) => {
	it('evaluates expressions per item and moves binary data through n8n helpers', async () => {
		const result = await runWorkflowNode({
			node,
			binaryMode,
			parameters: { label: '={{ $json.name }}-{{ $itemIndex }}' },
			input: [
				{ json: { name: 'a' }, binary: { data: { data: Buffer.from([1, 2, 3]), fileName: 'a.bin' } } },
				{ json: { name: 'b' }, binary: { data: { data: 'xyz', fileName: 'b.txt', mimeType: 'text/plain' } } },
			],
		});
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.items.map((item) => item.json.label)).toEqual(['a-0', 'b-1']);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect([...(await result.binaryBuffer(result.items[0]))]).toEqual([3, 2, 1]);
		expect((await result.binaryBuffer(result.items[1])).toString()).toBe('zyx');
		expect(result.items[1].binary!.data.fileName).toBe('b-1.bin');
		// What distinguishes the modes: filesystem and database keep a reference, default keeps the bytes inline.
		if (binaryMode === 'default') expect(result.items[0].binary!.data.id).toBeUndefined();
		else expect(result.items[0].binary!.data.id).toMatch(binaryMode === 'filesystem' ? /^filesystem-v2:/ : /^database:/);
		expect(result.logText).toContain('echo a-0');
		await result.dispose();
	});
});

it('returns the thrown error as thrown, and n8n records the run as failed', async () => {
	const result = await runWorkflowNode({ node, input: [{ json: { fail: true } }] });
	expect(result.error).toBeInstanceOf(NodeOperationError);
	expect(result.error!.message).toBe('item 0 failed');
	expect(result.status).toBe('error');
	expect(result.items).toEqual([]);
});

it('applies Continue On Fail through the node setting', async () => {
	const result = await runWorkflowNode({
		node,
		continueOnFail: true,
		input: [{ json: { fail: true } }, { json: {}, binary: { data: { data: 'ok' } } }],
	});
	expect(result.error).toBeUndefined();
	expect(result.items[0].json).toEqual({ error: 'item 0 failed' });
	expect(result.items[1].json.label).toBe('unset');
});

it('stops the execution when the signal aborts, through the node cancel signal', async () => {
	const controller = new AbortController();
	const running = runWorkflowNode({ node, parameters: { waitForCancel: true }, signal: controller.signal });
	setImmediate(() => controller.abort());
	const result = await running;
	expect(result.status).toBe('canceled');
	expect(result.items).toEqual([{ json: { aborted: true }, pairedItem: { item: 0 } }]);
});

// n8n-core tells a stopped execution from a failed one by the thrown error's message: a node that
// throws on abort must say "canceled" (n8n's spelling) for the run to be recorded as canceled.
it.each([
	['The call was canceled because the execution was stopped', 'canceled'],
	['The call was cancelled because the execution was stopped', 'error'],
])('records a node error "%s" after a stop as %s', async (message, status) => {
	const controller = new AbortController();
	const running = runWorkflowNode({
		node,
		parameters: { waitForCancel: true, errorOnCancel: message },
		signal: controller.signal,
	});
	setImmediate(() => controller.abort());
	expect((await running).status).toBe(status);
});
