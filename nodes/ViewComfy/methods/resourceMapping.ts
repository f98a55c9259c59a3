import type {
	FieldType,
	ILoadOptionsFunctions,
	ResourceMapperField,
	ResourceMapperFields,
} from 'n8n-workflow';

import { flattenWorkflow } from '../helpers/flatten';
import type { ParameterKind } from '../helpers/interfaces';
import { UserInputError } from '../helpers/userInputError';
import { parseWorkflowJson } from '../helpers/workflow';

const FIELD_TYPES: Record<ParameterKind, FieldType> = {
	text: 'string',
	number: 'number',
	boolean: 'boolean',
	// A file input's value is the uploaded file's name; the file itself goes in File Inputs.
	file: 'string',
};

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
		const workflow = parseWorkflowJson(text, 'Workflow JSON (workflow_api.json)');
		const fields = flattenWorkflow(workflow).map(
			(parameter): ResourceMapperField => ({
				id: parameter.key,
				displayName: parameter.label,
				required: false,
				defaultMatch: false,
				canBeUsedToMatch: false,
				display: true,
				type: FIELD_TYPES[parameter.kind],
				defaultValue: parameter.value,
			}),
		);
		return fields.length
			? { fields }
			: { fields, emptyFieldsNotice: 'This workflow has no literal inputs to set' };
	} catch (error) {
		// The editor shows this notice in place of the fields, which is where the user is looking.
		const hint = error instanceof UserInputError && error.hint ? ` ${error.hint}` : '';
		return { fields: [], emptyFieldsNotice: `${(error as Error).message}.${hint}` };
	}
}
