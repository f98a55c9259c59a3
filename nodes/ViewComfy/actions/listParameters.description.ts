import type { INodeProperties } from 'n8n-workflow';

export const listParametersProperties: INodeProperties[] = [
	{
		displayName:
			'Outputs one item per parameter of the workflow: its key (use it in Parameters or Additional Parameters), node, input name, current value and kind',
		name: 'listParametersNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { operation: ['listParameters'] } },
	},
];
