/**
 * Rows for batches with mixed failures: under Continue On Fail every input item gets its result
 * group, in input order, paired to its item; without it, the error names the failing item.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { InputItem } from '../../harness';
import { freshEmulator } from '../support/emulators';
import { faultCase } from '../support/faultCase';
import { RESULT_MODES, mappedFields, runError, runNode } from '../support/nodeRun';
import { requestSummary } from '../support/observe';

/** Each item sets its prompt and batch size; `extra` lets one item carry a key the workflow lacks. */
const PER_ITEM_PARAMETERS: INodeParameters = {
	...mappedFields({ '6-inputs-text': '={{ $json.text }}', '5-inputs-batch_size': '={{ $json.batch }}' }),
	additionalParameters: '={{ JSON.stringify($json.extra ?? {}) }}',
};

const item = (text: string, batch: number, extra?: IDataObject): InputItem => ({
	json: { text, batch, ...(extra ? { extra } : {}) },
});
const UNKNOWN_KEY = { '99-inputs-nope': 1 };

/** `0:error 1:error 2:error 3:file 3:file 4:file` */
function groups(items: readonly INodeExecutionData[]): string {
	return items
		.map((out) => {
			const paired = out.pairedItem as { item: number } | undefined;
			return `${paired?.item ?? '?'}:${out.json.error ? 'error' : out.json.file ? 'file' : 'other'}`;
		})
		.join(' ');
}

export function registerBatchCases(): void {
	describe('batches: nothing lost', () => {
		for (const mode of RESULT_MODES) {
			faultCase(
				{
					fault: '5 items under Continue On Fail: 500, reset after headers, unknown key, 2 files, 1 file',
					mode,
					expected: 'exactly 5 result groups in input order with correct pairedItem (0:error 1:error 2:error 3:file 3:file 4:file)',
				},
				async (ctx) => {
					const emulator = await freshEmulator();
					emulator.setBehaviour({ error500: 1, resetAfterHeaders: 1 });
					const run = await runNode({
						endpointUrl: emulator.url,
						mode,
						continueOnFail: true,
						parameters: PER_ITEM_PARAMETERS,
						input: [item('zero', 1), item('one', 1), item('two', 1, UNKNOWN_KEY), item('three', 2), item('four', 1)],
					});
					ctx.observe(`groups ${groups(run.items)}`);
					ctx.observe(`server: ${requestSummary(emulator.requests)}`);
					expect(groups(run.items)).toBe('0:error 1:error 2:error 3:file 3:file 4:file');
					expect(String(run.items[0].json.error)).toMatch(/500/);
					expect(String(run.items[2].json.error)).toMatch(/99-inputs-nope/);
					expect(emulator.requests.map((r) => r.status)).toEqual([500, 201, 201, 201]);
				},
			);
		}

		faultCase(
			{
				fault: '6 items at Batch Concurrency 3 under Continue On Fail, items 1 and 4 invalid',
				mode: 'wait',
				expected: 'outputs in input order, errors in the places of items 1 and 4',
			},
			async (ctx) => {
				const emulator = await freshEmulator();
				emulator.setBehaviour({ latencyMs: 150 });
				const run = await runNode({
					endpointUrl: emulator.url,
					mode: 'wait',
					continueOnFail: true,
					parameters: PER_ITEM_PARAMETERS,
					options: { concurrency: 3 },
					input: [0, 1, 2, 3, 4, 5].map((i) => item(`item ${i}`, 1, i === 1 || i === 4 ? UNKNOWN_KEY : undefined)),
				});
				ctx.observe(`groups ${groups(run.items)}`);
				expect(groups(run.items)).toBe('0:file 1:error 2:file 3:file 4:error 5:file');
			},
		);

		faultCase(
			{
				fault: '5 items without Continue On Fail, item 2 invalid',
				mode: 'wait',
				expected: 'the error names item 2; items after it are not sent',
			},
			async (ctx) => {
				const emulator = await freshEmulator();
				const run = await runNode({
					endpointUrl: emulator.url,
					mode: 'wait',
					parameters: PER_ITEM_PARAMETERS,
					input: [item('zero', 1), item('one', 1), item('two', 1, UNKNOWN_KEY), item('three', 1), item('four', 1)],
				});
				const error = runError(run) as (Error & { context?: { itemIndex?: number } }) | undefined;
				ctx.observe(`error "${error?.message}"`);
				ctx.observe(`itemIndex ${error?.context?.itemIndex}, server: ${requestSummary(emulator.requests)}`);
				expect(error?.message).toMatch(/item 2\b/);
				expect(error?.context?.itemIndex).toBe(2);
				expect(emulator.requests).toHaveLength(2);
			},
		);
	});
}
