import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { errorItemJson, toNodeError } from './nodeErrors';

/**
 * One input item's failure, the same way in every operation: without Continue On Fail the n8n
 * error is thrown; with it, the error item that takes the input item's place, paired with it.
 * `secret` is scrubbed from the message and description, even when a server echoed it.
 */
export function failedItem(
	ctx: IExecuteFunctions,
	error: unknown,
	context: { itemIndex: number; itemCount: number; secret?: string },
): INodeExecutionData {
	const nodeError = toNodeError(ctx.getNode(), error, context);
	if (!ctx.continueOnFail()) throw nodeError;
	return { json: errorItemJson(nodeError, error), pairedItem: { item: context.itemIndex } };
}
