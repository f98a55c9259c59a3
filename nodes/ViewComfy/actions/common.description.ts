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
					"Paste your ViewComfy app definition (its view_comfy JSON file); its form (basic, then advanced inputs) becomes the fields",
			},
			{
				name: 'From Binary Property',
				value: 'binary',
				description:
					"Read the workflow (ComfyUI's Export (API) JSON) or a ViewComfy app definition from a binary property of each input item",
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
			'The app definition the ViewComfy editor saves (its view_comfy JSON file). Its form inputs are listed as fields below; the API workflow inside it is the one that runs.',
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
			'Name of the binary property of the input item that holds the workflow or the ViewComfy app definition (a JSON file)',
		displayOptions: { show: { operation: workflowOperations, workflowSource: ['binary'] } },
	},
	{
		displayName: 'App Workflow Title',
		name: 'binaryAppWorkflow',
		type: 'string',
		default: '',
		description:
			'When the file is a ViewComfy app definition with several workflows: the title of the one to run (the first when empty)',
		displayOptions: { show: { operation: workflowOperations, workflowSource: ['binary'] } },
	},
];
