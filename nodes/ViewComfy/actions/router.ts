import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as cancelRun from './cancelRun.operation';
import * as checkConnection from './checkConnection.operation';
import * as getResults from './getResults.operation';
import * as listParameters from './listParameters.operation';
import { errorItemJson, toNodeError } from './nodeErrors';
import * as runWorkflow from './runWorkflow.operation';
import { runsAsTool } from './toolCall';

const operations: Record<string, (this: IExecuteFunctions) => Promise<INodeExecutionData[]>> = {
	runWorkflow: runWorkflow.execute,
	getResults: getResults.execute,
	cancelRun: cancelRun.execute,
	listParameters: listParameters.execute,
	checkConnection: checkConnection.execute,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = operations[operation];
	if (!execute) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	}
	try {
		return [await execute.call(this)];
	} catch (error) {
		// Failures before any item (the credential) get the same explanation as an item's.
		const nodeError = toNodeError(this.getNode(), error, { itemIndex: 0 });
		// An agent's tool call is one item. Its failure is an answer the model reads and can act on
		// (tell the user, fix its input, try again); thrown, it would end the agent's whole run.
		if (runsAsTool(this)) return [[{ json: errorItemJson(nodeError, error), pairedItem: { item: 0 } }]];
		throw nodeError;
	}
}
