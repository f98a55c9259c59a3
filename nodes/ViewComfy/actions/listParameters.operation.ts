import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { flattenWorkflow } from '../helpers/flatten';
import { failedItem } from './continueOnFail';
import { readWorkflow } from './readItemInputs';

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const returnData: INodeExecutionData[] = [];

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const workflow = await readWorkflow(this, itemIndex, { required: true });
			for (const parameter of flattenWorkflow(workflow!)) {
				returnData.push({ json: { ...parameter }, pairedItem: { item: itemIndex } });
			}
		} catch (error) {
			returnData.push(failedItem(this, error, { itemIndex, itemCount: items.length }));
		}
	}
	return returnData;
}
