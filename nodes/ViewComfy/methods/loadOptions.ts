import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { APP_SOURCE, appWorkflowTitles, parseViewComfyFile } from '../helpers/viewComfyApp';
import { jsonParameterText } from './jsonParameter';

/** The workflows of the pasted app, by title; the first is also the empty default. */
export async function getAppWorkflows(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const text = jsonParameterText(this, 'viewComfyJson');
	if (!text.trim()) return [];
	const titles = appWorkflowTitles(parseViewComfyFile(text, APP_SOURCE), APP_SOURCE);
	return titles.map((title, index) => ({
		name: index === 0 ? `${title} (First)` : title,
		value: index === 0 ? '' : title,
	}));
}
