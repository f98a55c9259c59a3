import type { ILoadOptionsFunctions, ResourceMapperFields } from 'n8n-workflow';

import { toMapperFields } from '../helpers/mapperFields';
import { UserInputError } from '../helpers/userInputError';
import { parseWorkflowJson } from '../helpers/workflow';

/** The pasted workflow's literal inputs as resource-mapper fields, prefilled with their values. */
export async function getWorkflowParameters(
	this: ILoadOptionsFunctions,
): Promise<ResourceMapperFields> {
	const raw = this.getNodeParameter('workflowJson', '') as unknown;
	const text = typeof raw === 'string' ? raw : JSON.stringify(raw ?? '');
	if (!text.trim()) {
		return { fields: [], emptyFieldsNotice: 'Paste your workflow_api.json above to see its parameters' };
	}
	try {
		const fields = toMapperFields(parseWorkflowJson(text, 'Workflow JSON (workflow_api.json)'));
		return fields.length
			? { fields }
			: { fields, emptyFieldsNotice: 'This workflow has no literal inputs to set' };
	} catch (error) {
		// The editor shows this notice in place of the fields, which is where the user is looking.
		const hint = error instanceof UserInputError && error.hint ? ` ${error.hint}` : '';
		return { fields: [], emptyFieldsNotice: `${(error as Error).message}.${hint}` };
	}
}

