import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { nodeProperties } from './actions/properties';
import { router } from './actions/router';
import { credentialTest, loadOptions, resourceMapping } from './methods';

export class ViewComfy implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'ViewComfy',
		name: 'viewComfy',
		icon: { light: 'file:viewcomfy.svg', dark: 'file:viewcomfy.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ {"runWorkflow": "Run Workflow", "getResults": "Get Results", "cancelRun": "Cancel Run", "listParameters": "List Workflow Parameters"}[$parameter["operation"]] }}',
		description: 'Run ComfyUI workflows on ViewComfy and get the generated files as binary data',
		defaults: { name: 'ViewComfy' },
		// The literal, not NodeConnectionTypes.Main: n8n 1.x before 1.82 has no such export at run time.
		inputs: ['main'],
		outputs: ['main'],
		usableAsTool: true,
		credentials: [
			{
				name: 'viewComfyApi',
				required: true,
				testedBy: 'viewComfyApiTest',
				displayOptions: { show: { operation: ['runWorkflow', 'getResults', 'cancelRun'] } },
			},
		],
		properties: nodeProperties,
	};

	methods = { credentialTest, loadOptions, resourceMapping };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
