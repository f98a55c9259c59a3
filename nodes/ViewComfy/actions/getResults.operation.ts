import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { parsePromptIds } from '../helpers/hostedPromptIds';
import type { Settled } from '../helpers/mapInOrder';
import { redactSecrets } from '../helpers/redact';
import { fetchHostedRuns, type HostedRunResult } from '../transport/hosted/hostedRun';
import { BinaryDataSinks } from './binaryDataSinks';
import { readHostedClient } from './connection';
import { failedItem } from './continueOnFail';
import { hostedCallOptions, type HostedOptionValues } from './hostedCallOptions';
import { buildOutputItems, type OutputOptions } from './writeOutputs';

export { getResultsProperties as description } from './hosted.description';

interface GetResultsOptions extends HostedOptionValues, OutputOptions {}

/**
 * Fetches hosted runs by prompt id. The ids of every input item go out together, in one status
 * request per poll, so a batch of fire-and-forget runs is collected in one go. Each input item
 * gets its runs' items in the order of its ids; finished runs come with their files.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const client = await readHostedClient(this, 'Get Results');
	const options = this.getNodeParameter('options', 0, {}) as GetResultsOptions;
	const wait = this.getNodeParameter('waitForCompletion', 0, true) as boolean;

	const idsPerItem: Array<Settled<string[]>> = items.map((_, itemIndex) => {
		try {
			return { ok: true, value: parsePromptIds(this.getNodeParameter('promptIds', itemIndex)) };
		} catch (error) {
			return { ok: false, error };
		}
	});
	const allIds = [...new Set(idsPerItem.flatMap((ids) => (ids.ok ? ids.value : [])))];
	// Downloaded files go to n8n's binary store while they arrive; failed downloads' are awaited here.
	const sinks = new BinaryDataSinks(this);
	try {
		let runs = new Map<string, Settled<HostedRunResult>>();
		let callError: unknown;
		if (allIds.length) {
			try {
				runs = await fetchHostedRuns(client, allIds, { ...hostedCallOptions(this, options), wait, openOutputSink: sinks.open });
			} catch (error) {
				callError = error;
			}
		}
		return await itemsOf(this, idsPerItem, { runs, callError }, options, client.secret);
	} finally {
		await sinks.settle();
	}
}

/** Each input item's items, in the order of its ids: its runs' files, or its error. */
async function itemsOf(
	ctx: IExecuteFunctions,
	idsPerItem: Array<Settled<string[]>>,
	{ runs, callError }: { runs: Map<string, Settled<HostedRunResult>>; callError: unknown },
	options: GetResultsOptions,
	secret: string,
): Promise<INodeExecutionData[]> {
	const returnData: INodeExecutionData[] = [];
	const fail = (itemIndex: number, error: unknown) => {
		returnData.push(failedItem(ctx, error, { itemIndex, itemCount: idsPerItem.length, secret }));
	};
	for (const [itemIndex, ids] of idsPerItem.entries()) {
		if (!ids.ok) {
			fail(itemIndex, ids.error);
			continue;
		}
		if (callError !== undefined) {
			fail(itemIndex, callError);
			continue;
		}
		for (const promptId of ids.value) {
			const run = runs.get(promptId)!;
			if (!run.ok) {
				fail(itemIndex, run.error);
				continue;
			}
			returnData.push(...(await runItems(ctx, itemIndex, run.value, options, secret)));
		}
	}
	return returnData;
}

async function runItems(
	ctx: IExecuteFunctions,
	itemIndex: number,
	run: HostedRunResult,
	options: GetResultsOptions,
	secret: string,
): Promise<INodeExecutionData[]> {
	const extraJson: IDataObject = {};
	if (run.record.createdAt) extraJson.createdAt = run.record.createdAt;
	// ViewComfy's own text about the failed run: a server may quote the credentials in it.
	if (run.errorText) extraJson.error_message = redactSecrets(run.errorText, [secret]);
	// Two input items may ask for the same run: each gets its own list of the shared chunks (or
	// its own copy of n8n's record of the stored file, see writeOutputs.ts).
	const result = { ...run.result, outputs: run.result.outputs.map((output) => ({ ...output, chunks: [...output.chunks] })) };
	return await buildOutputItems(ctx, itemIndex, result, options, extraJson);
}
