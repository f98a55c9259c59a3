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
				name: 'ViewComfy App (view_comfy.json)',
				value: 'viewComfyApp',
				description:
					"Paste your ViewComfy app's view_comfy.json; its form (basic, then advanced inputs) becomes the fields",
			},
			{
				name: 'From Binary Property',
				value: 'binary',
				description:
					'Read workflow_api.json (or an app’s view_comfy.json) from a binary property of each input item',
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
		displayName: 'ViewComfy App (view_comfy.json)',
		name: 'viewComfyJson',
		type: 'json',
		typeOptions: { rows: 8 },
		default: '',
		required: true,
		placeholder: '{ "file_type": "view_comfy", "workflows": [ { "viewComfyJSON": { … }, "workflowApiJSON": { … } } ] }',
		description:
			'The app definition the ViewComfy editor saves (view_comfy.json). Its form inputs are listed as fields below; its workflowApiJSON is the workflow.',
		displayOptions: { show: { operation: workflowOperations, workflowSource: ['viewComfyApp'] } },
	},
	{
		displayName: 'App Workflow Name or ID',
		name: 'appWorkflow',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getAppWorkflows', loadOptionsDependsOn: ['viewComfyJson'] },
		default: '',
		description:
			'Which of the app’s workflows to run, by title (the first when empty). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: { show: { operation: workflowOperations, workflowSource: ['viewComfyApp'] } },
	},
	{
		displayName: 'Input Binary Property',
		name: 'workflowBinaryProperty',
		type: 'string',
		default: 'workflow',
		required: true,
		description:
			'Name of the binary property of the input item that holds workflow_api.json or view_comfy.json',
		displayOptions: { show: { operation: workflowOperations, workflowSource: ['binary'] } },
	},
	{
		displayName: 'App Workflow Title',
		name: 'binaryAppWorkflow',
		type: 'string',
		default: '',
		description:
			'When the file is a view_comfy.json with several workflows: the title of the one to run (the first when empty)',
		displayOptions: { show: { operation: workflowOperations, workflowSource: ['binary'] } },
	},
];
