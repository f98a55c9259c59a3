import type { INodeProperties } from 'n8n-workflow';

const showForGetResults = { operation: ['getResults'] };
const showForCancel = { operation: ['cancelRun'] };

const hostedOnlyNotice = (operation: string, what: string): INodeProperties => ({
	displayName: `${operation} works with the ViewComfy hosted API only (credential → API → ViewComfy Hosted API). ${what}`,
	name: `${operation === 'Get Results' ? 'getResults' : 'cancelRun'}Notice`,
	type: 'notice',
	default: '',
});

const promptIds = (description: string): INodeProperties => ({
	displayName: 'Prompt IDs',
	name: 'promptIds',
	type: 'string',
	// Where Run Workflow (not waiting) puts it, so the two chain without setup.
	default: '={{ $json.prompt_id }}',
	required: true,
	placeholder: 'e.g. 4f0a6c1e-8d3b-4f4e-9a51-2b7c0d9e6f12',
	description,
});

export const getResultsProperties: INodeProperties[] = [
	{
		...hostedOnlyNotice('Get Results', 'Runs still going come back with their status; finished runs with their files.'),
		displayOptions: { show: showForGetResults },
	},
	{
		...promptIds(
			'The prompt_id of each run, as Run Workflow output it. Several separated by commas, or an expression giving a list. The IDs of all input items are fetched together.',
		),
		displayOptions: { show: showForGetResults },
	},
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: true,
		description:
			'Whether to wait until every run has finished (up to Timeout (Minutes)) and output their files. Off: output each run as it is now, with its status.',
		displayOptions: { show: showForGetResults },
	},
];

export const cancelRunProperties: INodeProperties[] = [
	{
		...hostedOnlyNotice('Cancel Run', 'A run that already finished stays as it is.'),
		displayOptions: { show: showForCancel },
	},
	{
		...promptIds('The prompt_id of each run to cancel. Several separated by commas, or an expression giving a list.'),
		displayOptions: { show: showForCancel },
	},
];
