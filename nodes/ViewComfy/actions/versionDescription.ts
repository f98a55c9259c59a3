import type { INodeTypeDescription } from 'n8n-workflow';

import { workflowSourceProperties } from './common.description';
import { listParametersProperties } from './listParameters.description';
import { runWorkflowProperties } from './runWorkflow.description';

export const versionDescription: INodeTypeDescription = {
	displayName: 'ViewComfy',
	name: 'viewComfy',
	icon: { light: 'file:viewcomfy.svg', dark: 'file:viewcomfy.dark.svg' },
	group: ['transform'],
	version: 1,
	subtitle: '={{ {"runWorkflow": "Run Workflow", "listParameters": "List Workflow Parameters"}[$parameter["operation"]] }}',
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
			displayOptions: { show: { operation: ['runWorkflow'] } },
		},
	],
	properties: [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			options: [
				{
					name: 'Run Workflow',
					value: 'runWorkflow',
					action: 'Run a workflow',
					description: 'Run a ComfyUI workflow on ViewComfy and output the generated files',
				},
				{
					name: 'List Workflow Parameters',
					value: 'listParameters',
					action: 'List workflow parameters',
					description:
						'Output every parameter of a workflow with its key, so you know what to set',
				},
			],
			default: 'runWorkflow',
		},
		...workflowSourceProperties,
		...runWorkflowProperties,
		...listParametersProperties,
	],
};
