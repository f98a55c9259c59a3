import type { FieldType, ResourceMapperField } from 'n8n-workflow';

import { flattenWorkflow } from './flatten';
import type { ComfyWorkflow, ParameterKind } from './interfaces';

const FIELD_TYPES: Record<ParameterKind, FieldType> = {
	text: 'string',
	number: 'number',
	boolean: 'boolean',
	// A file input's value is the uploaded file's name; the file itself goes in File Inputs.
	file: 'string',
};

/**
 * One resource-mapper field per literal input. `defaultValue` is what the editor fills in when
 * the fields first load, so an untouched field holds the workflow's own value and is not sent.
 */
export function toMapperFields(workflow: ComfyWorkflow): ResourceMapperField[] {
	return flattenWorkflow(workflow).map((parameter) => ({
		id: parameter.key,
		displayName: parameter.label,
		required: false,
		defaultMatch: false,
		canBeUsedToMatch: false,
		display: true,
		type: FIELD_TYPES[parameter.kind],
		defaultValue: parameter.value,
	}));
}
