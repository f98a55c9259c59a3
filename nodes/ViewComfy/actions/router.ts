import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as listParameters from './listParameters.operation';
import * as runWorkflow from './runWorkflow.operation';

const operations: Record<string, (this: IExecuteFunctions) => Promise<INodeExecutionData[]>> = {
	runWorkflow: runWorkflow.execute,
	listParameters: listParameters.execute,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = operations[operation];
	if (!execute) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	}
	return [await execute.call(this)];
}
