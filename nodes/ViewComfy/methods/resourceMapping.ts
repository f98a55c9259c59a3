import type { ILoadOptionsFunctions, ResourceMapperField, ResourceMapperFields } from 'n8n-workflow';

import { toAppMapperFields, toMapperFields } from '../helpers/mapperFields';
import { UserInputError } from '../helpers/userInputError';
import { APP_SOURCE, parseViewComfyFile, selectAppWorkflow } from '../helpers/viewComfyApp';
import { parseWorkflowJson } from '../helpers/workflow';
import { jsonParameterText } from './jsonParameter';

/** The fields, or the reason there are none in the notice the editor shows in their place. */
function fieldsOrNotice(load: () => ResourceMapperField[], noneNotice: string): ResourceMapperFields {
	try {
		const fields = load();
		return fields.length ? { fields } : { fields, emptyFieldsNotice: noneNotice };
	} catch (error) {
		// The editor shows this notice in place of the fields, which is where the user is looking.
		const hint = error instanceof UserInputError && error.hint ? ` ${error.hint}` : '';
		return { fields: [], emptyFieldsNotice: `${(error as Error).message}.${hint}` };
	}
}

/** The pasted workflow's literal inputs as resource-mapper fields, prefilled with their values. */
export async function getWorkflowParameters(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	const text = jsonParameterText(this, 'workflowJson');
	if (!text.trim()) {
		return { fields: [], emptyFieldsNotice: 'Paste your workflow_api.json above to see its parameters' };
	}
	const allParameters = this.getNodeParameter('allWorkflowParameters', false) === true;
	return fieldsOrNotice(
		() => toMapperFields(parseWorkflowJson(text, 'Workflow JSON (workflow_api.json)'), { allParameters }),
		'This workflow has no literal inputs to set',
	);
}

/** The pasted app's form (of the chosen workflow) as resource-mapper fields. */
export async function getAppInputs(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	const text = jsonParameterText(this, 'viewComfyJson');
	if (!text.trim()) {
		return { fields: [], emptyFieldsNotice: "Paste your ViewComfy app's view_comfy.json above to see its inputs" };
	}
	const title = this.getNodeParameter('appWorkflow', '') as string;
	return fieldsOrNotice(
		() => toAppMapperFields(selectAppWorkflow(parseViewComfyFile(text, APP_SOURCE), title ?? '', APP_SOURCE)),
		'This app has no visible inputs: every run uses its own values',
	);
}
