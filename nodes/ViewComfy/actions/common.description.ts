import type { INodeProperties } from 'n8n-workflow';

/** The operations that read a workflow (Get Results and Cancel Run only name runs). */
const workflowOperations = ['runWorkflow', 'listParameters'];

/** Where the workflow comes from; shared by Run Workflow and List Workflow Parameters. */
export const workflowSourceProperties: INodeProperties[] = [
	{
		displayName: 'Workflow Source',
		name: 'workflowSource',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Deployed Workflow',
				value: 'deployed',
				description:
					'Run the workflow already deployed on ViewComfy; set parameters as key/value pairs',
			},
			{
				name: 'Paste workflow_api.json',
				value: 'paste',
				description:
					'Paste the workflow exported with "Export (API)" in ComfyUI; its inputs become fields',
			},
			{
				name: 'From Binary Property',
				value: 'binary',
				description: "Read the workflow (ComfyUI's Export (API) JSON file) from a binary property of each input item",
			},
		],
		default: 'paste',
		displayOptions: { show: { operation: workflowOperations } },
	},
	{
		displayName: 'Workflow JSON (workflow_api.json)',
		name: 'workflowJson',
		type: 'json',
		typeOptions: { rows: 8 },
		default: '',
		required: true,
		placeholder: '{ "3": { "inputs": { "seed": 1, ... }, "class_type": "KSampler" }, ... }',
		description:
			'The workflow in ComfyUI API format: in ComfyUI use Workflow → Export (API). Its inputs are listed as fields below.',
		displayOptions: { show: { operation: workflowOperations, workflowSource: ['paste'] } },
	},
	{
		displayName: 'Input Binary Property',
		name: 'workflowBinaryProperty',
		type: 'string',
		default: 'workflow',
		required: true,
		description: "Name of the binary property of the input item that holds the workflow (ComfyUI's Export (API) JSON file)",
		displayOptions: { show: { operation: workflowOperations, workflowSource: ['binary'] } },
	},
];
