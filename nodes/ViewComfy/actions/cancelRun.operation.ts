import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { parsePromptIds } from '../helpers/hostedPromptIds';
import { cancelHostedRun } from '../transport/hosted/hostedRun';
import { readHostedClient } from './connection';
import { failedItem } from './continueOnFail';
import { hostedCallOptions } from './hostedCallOptions';

export { cancelRunProperties as description } from './hosted.description';

/** A cancel is one short request; these bound it without asking the user for options. */
const CANCEL_OPTIONS = { timeoutMinutes: 1, maxRetries: 3, maxRetryWaitSeconds: 30 };

/** Asks the hosted API to stop each run named by the item's prompt ids; one item per id. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const client = await readHostedClient(this, 'Cancel Run');
	const returnData: INodeExecutionData[] = [];

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		let ids: string[] = [];
		try {
			ids = parsePromptIds(this.getNodeParameter('promptIds', itemIndex));
			for (const promptId of ids) {
				const message = await cancelHostedRun(client, promptId, hostedCallOptions(this, CANCEL_OPTIONS, itemIndex));
				returnData.push({
					json: { prompt_id: promptId, cancelRequested: true, ...(message ? { message } : {}) },
					pairedItem: { item: itemIndex },
				});
			}
		} catch (error) {
			returnData.push(failedItem(this, error, { itemIndex, itemCount: items.length, secret: client.secret }));
		}
	}
	return returnData;
}
