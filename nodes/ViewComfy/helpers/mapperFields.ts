import type { FieldType, ResourceMapperField } from 'n8n-workflow';

import { selectLikelyFields, titleFirstLabel } from './fieldPriority';
import { flattenWorkflow } from './flatten';
import type { ComfyWorkflow, ParameterKind, ParameterValue, WorkflowParameter } from './interfaces';
import { defineOwn } from './workflow';
import { maskFieldId, type AppInput, type ViewComfyApp } from './viewComfyApp';

/**
 * Numbers are text fields: n8n's number input and its execution-time check turn an empty field
 * (after "Add All Parameters") into 0, which would be sent as a real value. Text stays empty,
 * and empty means "keep the workflow's value"; buildParams converts typed numbers back.
 */
const FIELD_TYPES: Record<ParameterKind, FieldType> = {
	text: 'string',
	number: 'string',
	boolean: 'boolean',
	// A file input's value is the uploaded file's name; the file itself goes in File Inputs.
	file: 'string',
};

/** What the editor fills in when the fields first load: the workflow's own value, as its field type holds it. */
function shownValue(value: ParameterValue, type: FieldType): ParameterValue {
	return type === 'string' ? String(value) : value;
}

function field(id: string, displayName: string, type: FieldType, defaultValue: ParameterValue | undefined, removed: boolean): ResourceMapperField {
	return {
		id,
		displayName,
		required: false,
		defaultMatch: false,
		canBeUsedToMatch: false,
		display: true,
		type,
		...(defaultValue === undefined ? {} : { defaultValue: shownValue(defaultValue, type) }),
		// Removed fields start in the "Add parameter" menu with no value, so nothing of them is stored.
		...(removed ? { removed: true } : {}),
	};
}

function parameterField(parameter: WorkflowParameter, label: string, removed: boolean): ResourceMapperField {
	return field(parameter.key, label, FIELD_TYPES[parameter.kind], parameter.value, removed);
}

export interface MapperFieldOptions {
	/**
	 * Whether a large workflow's schema also holds every other input (removed, in the "Add
	 * parameter" menu). Off, it holds the likely fields only: n8n's editor re-renders and autosaves
	 * the whole schema, hidden fields too, so 300 entries slow each keystroke and store ~100 KB.
	 */
	allParameters?: boolean;
}

/**
 * One resource-mapper field per literal input. `defaultValue` is what the editor fills in when
 * the fields first load, so an untouched field holds the workflow's own value and is not sent.
 * Large workflows list their likely fields only (labelled title first), unless `allParameters`
 * adds the others to the field menu, removed.
 */
export function toMapperFields(workflow: ComfyWorkflow, { allParameters = false }: MapperFieldOptions = {}): ResourceMapperField[] {
	const parameters = flattenWorkflow(workflow);
	const { ordered, shownCount } = selectLikelyFields(parameters);
	const shortList = shownCount < parameters.length;
	const listed = allParameters ? ordered : ordered.slice(0, shownCount);
	return listed.map((parameter, index) =>
		parameterField(parameter, shortList ? titleFirstLabel(parameter) : parameter.label, index >= shownCount),
	);
}

/** A resource mapper's parameter as the editor saves it: the values and the fields they came from. */
export interface StoredMapper {
	value?: Record<string, unknown> | null;
	schema?: Array<Pick<ResourceMapperField, 'id' | 'defaultValue'>> | null;
}

/**
 * The stored values the user changed. A value still equal to what the editor prefilled is left
 * out: the field list does not reload when only a value inside the pasted JSON changes, so the
 * prefilled value may be the workflow's old one and must not override its new one.
 */
export function changedMapperValues(mapper: StoredMapper | null | undefined): Record<string, unknown> {
	const prefilled = new Map((mapper?.schema ?? []).map((field) => [field.id, field.defaultValue]));
	const changed: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(mapper?.value ?? {})) {
		if (prefilled.has(key) && prefilled.get(key) === value) continue;
		defineOwn(changed, key, value);
	}
	return changed;
}

const APP_FIELD_TYPES: Record<AppInput['kind'], FieldType> = {
	text: 'string',
	number: 'string',
	seed: 'string',
	slider: 'string',
	boolean: 'boolean',
	select: 'options',
	file: 'string',
	'image-mask': 'string',
};

function appInputLabel(input: AppInput): string {
	switch (input.kind) {
		case 'file':
		case 'image-mask':
			return `${input.label} (${input.valueType}: binary property or URL)`;
		case 'slider':
			return input.slider ? `${input.label} (${input.slider.min} to ${input.slider.max})` : input.label;
		case 'seed':
			return `${input.label} (seed)`;
		default:
			return input.label;
	}
}

/** The app form's fields: basic inputs first, then advanced, labelled with group and input title. */
export function toAppMapperFields(app: ViewComfyApp): ResourceMapperField[] {
	const fields: ResourceMapperField[] = [];
	for (const input of app.inputs) {
		const isFile = input.kind === 'file' || input.kind === 'image-mask';
		const type = input.kind === 'select' && !input.options ? 'string' : APP_FIELD_TYPES[input.kind];
		const mapped = field(input.key, appInputLabel(input), type, isFile ? undefined : input.parameter.value, false);
		if (type === 'options') {
			mapped.options = input.options!.map((option) => ({ name: option.label, value: option.value }));
			// A value the options do not offer would fail n8n's check: the field then starts empty (keep).
			if (!input.options!.some((option) => option.value === String(input.parameter.value))) delete mapped.defaultValue;
		}
		fields.push(mapped);
		if (input.kind === 'image-mask') {
			fields.push(field(maskFieldId(input.key), `${input.label} (mask: binary property or URL)`, 'string', undefined, false));
		}
	}
	return fields;
}
