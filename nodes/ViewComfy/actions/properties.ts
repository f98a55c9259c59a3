import type { INodeProperties } from 'n8n-workflow';

import { description as checkConnectionProperties } from './checkConnection.operation';
import { workflowSourceProperties } from './common.description';
import { cancelRunProperties, getResultsProperties } from './hosted.description';
import { listParametersProperties } from './listParameters.description';
import { runWorkflowProperties } from './runWorkflow.description';

/** Every parameter of the node, in the order the editor shows them. */
export const nodeProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		// Sorted by name (n8n's rule once there are five); Run Workflow stays the default.
		options: [
			{
				name: 'Cancel Run',
				value: 'cancelRun',
				action: 'Cancel a run',
				description: 'Hosted API: stop a run that is still going',
			},
			{
				name: 'Check Connection',
				value: 'checkConnection',
				action: 'Check the connection',
				description:
					'Check the Client ID, Client Secret and (direct deployment) Endpoint URL without running the workflow',
			},
			{
				name: 'Get Results',
				value: 'getResults',
				action: 'Get results of runs',
				description:
					'Hosted API: fetch the status and files of runs by prompt ID, several in one request',
			},
			{
				name: 'List Workflow Parameters',
				value: 'listParameters',
				action: 'List workflow parameters',
				description:
					'Output every parameter of a workflow with its key, so you know what to set',
			},
			{
				name: 'Run Workflow',
				value: 'runWorkflow',
				action: 'Run a workflow',
				description: 'Run a ComfyUI workflow on ViewComfy and output the generated files',
			},
		],
		default: 'runWorkflow',
	},
	{
		// Shown only on the tool variant n8n makes for an AI Agent ('@tool'); older n8n hides it.
		displayName:
			"As an agent's tool: in the field that takes the prompt, put {{ $fromAI('prompt', 'What the image should show', 'string') }}. The model receives the run's status, prompt_id and the files' names, types and sizes; the files stay on this node's output.",
		name: 'toolNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { '@tool': [true], operation: ['runWorkflow'] } },
	},
	...workflowSourceProperties,
	...getResultsProperties,
	...cancelRunProperties,
	...runWorkflowProperties,
	...listParametersProperties,
	...checkConnectionProperties,
];
