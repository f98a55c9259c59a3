import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { nodeProperties } from './actions/properties';
import { router } from './actions/router';
import { loadOptions, resourceMapping } from './methods';

export class ViewComfy implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'ViewComfy',
		name: 'viewComfy',
		icon: { light: 'file:viewcomfy.svg', dark: 'file:viewcomfy.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ {"runWorkflow": "Run Workflow", "getResults": "Get Results", "cancelRun": "Cancel Run", "listParameters": "List Workflow Parameters"}[$parameter["operation"]] }}',
		// Also what an AI Agent's model reads about the tool variant when its Tool Description is left
		// to n8n: the node has operations but no resource, so n8n uses this instead of an action.
		description: 'Generate images, video or audio by running a ComfyUI workflow on ViewComfy',
		defaults: { name: 'ViewComfy' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [
			{
				name: 'viewComfyApi',
				required: true,
				displayOptions: { show: { operation: ['runWorkflow', 'getResults', 'cancelRun', 'checkConnection'] } },
			},
		],
		properties: nodeProperties,
	};

	methods = { loadOptions, resourceMapping };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
