import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { flattenWorkflow } from '../helpers/flatten';
import { toNodeError } from './nodeErrors';
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
			const nodeError = toNodeError(this.getNode(), error, { itemIndex, itemCount: items.length });
			if (!this.continueOnFail()) throw nodeError;
			returnData.push({ json: { error: nodeError.message }, pairedItem: { item: itemIndex } });
		}
	}
	return returnData;
}
