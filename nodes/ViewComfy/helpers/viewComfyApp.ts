/**
 * A ViewComfy app definition (`view_comfy.json`, saved by the ViewComfy editor): one or more
 * workflows, each with the form its users fill in (`viewComfyJSON`: basic input groups, then
 * advanced ones) and the workflow itself (`workflowApiJSON`).
 */
import { flattenWorkflow } from './flatten';
import type { ComfyWorkflow, WorkflowParameter } from './interfaces';
import { MASK_SUFFIX } from './params';
import { UserInputError, describeJsonType, quoted } from './userInputError';
import { truncate } from './text';
import { assertApiWorkflow, hasOwn, isPlainRecord, parseJsonText } from './workflow';

export const APP_SOURCE = 'ViewComfy App (view_comfy.json)';

/** How the form shows an input; unknown types are treated as text. */
export type AppValueKind = 'text' | 'number' | 'boolean' | 'seed' | 'select' | 'slider' | 'file' | 'image-mask';

export interface AppInput {
	/** The flattened key, `<nodeId>-inputs-<name>`. */
	key: string;
	title: string;
	groupTitle: string;
	section: 'basic' | 'advanced';
	/** `valueType` as the file has it. */
	valueType: string;
	kind: AppValueKind;
	/** Select options, value → label. */
	options?: Array<{ label: string; value: string }>;
	slider?: { min: number; max: number; step?: number };
	/** The input in the embedded workflow. */
	parameter: WorkflowParameter;
	/** `Character · Pose sheet`, `Advanced · Ultimate SD Upscale · Upscale_by`. */
	label: string;
}

export interface ViewComfyApp {
	title: string;
	workflow: ComfyWorkflow;
	/** The form's visible inputs: basic first, then advanced, each in the file's order. */
	inputs: AppInput[];
}

interface RawAppWorkflow {
	title: string;
	form: Record<string, unknown>;
	workflowApi: unknown;
}

const FILE_HINT = 'Export the app from the ViewComfy editor (it saves view_comfy.json) and paste the whole file.';

const FILE_VALUE_TYPES = new Set(['image', 'video', 'audio']);
const NUMBER_VALUE_TYPES = new Set(['number', 'float', 'bigint', 'int']);
const SEED_VALUE_TYPES = new Set(['seed', 'noise_seed', 'rand_seed']);

/** True for the top level of a view_comfy.json (so a binary property can hold either file kind). */
export function isViewComfyFile(value: unknown): value is Record<string, unknown> {
	return isPlainRecord(value) && hasOwn(value, 'workflows') && Array.isArray(value.workflows) &&
		(value.file_type === 'view_comfy' || value.workflows.some((w) => isPlainRecord(w) && hasOwn(w, 'viewComfyJSON')));
}

function appError(source: string, message: string, hint = FILE_HINT): UserInputError {
	return new UserInputError(`${source}: ${message}`, { field: source, hint });
}

function rawWorkflows(file: Record<string, unknown>, source: string): RawAppWorkflow[] {
	const workflows = file.workflows as unknown[];
	if (workflows.length === 0) throw appError(source, 'the app has no workflows');
	return workflows.map((entry, index) => {
		const where = `workflow ${index + 1}`;
		if (!isPlainRecord(entry) || !isPlainRecord(entry.viewComfyJSON)) {
			throw appError(source, `${where} has no viewComfyJSON object (the app form)`);
		}
		const form = entry.viewComfyJSON;
		const title = typeof form.title === 'string' && form.title.trim() !== '' ? form.title.trim() : `Workflow ${index + 1}`;
		return { title, form, workflowApi: entry.workflowApiJSON };
	});
}

/** Parses the text of a view_comfy.json; `source` names the field in messages. */
export function parseViewComfyFile(text: string, source: string): Record<string, unknown> {
	const value = parseJsonText(text, source, 'the view_comfy.json file of your ViewComfy app');
	if (!isViewComfyFile(value)) {
		const looksLikeWorkflow = isPlainRecord(value) && Object.values(value).some((node) => isPlainRecord(node) && 'class_type' in node);
		throw appError(
			source,
			`this is not a view_comfy.json app definition (expected an object with "workflows", got ${looksLikeWorkflow ? 'a workflow_api.json' : describeJsonType(value)})`,
			looksLikeWorkflow ? 'Set Workflow Source to "Paste workflow_api.json" for a bare workflow, or paste the app’s view_comfy.json here.' : FILE_HINT,
		);
	}
	return value;
}

/** The titles of the app's workflows, in the file's order. */
export function appWorkflowTitles(file: Record<string, unknown>, source: string): string[] {
	return rawWorkflows(file, source).map((workflow) => workflow.title);
}

function isVisible(entry: Record<string, unknown>): boolean {
	return entry.visibility === undefined || entry.visibility === null || entry.visibility === 'active';
}

function kindOf(valueType: string): AppValueKind {
	if (valueType === 'image-mask') return 'image-mask';
	if (FILE_VALUE_TYPES.has(valueType)) return 'file';
	if (SEED_VALUE_TYPES.has(valueType)) return 'seed';
	if (NUMBER_VALUE_TYPES.has(valueType)) return 'number';
	if (valueType === 'boolean') return 'boolean';
	if (valueType === 'select') return 'select';
	if (valueType === 'slider') return 'slider';
	return 'text';
}

function readOptions(raw: unknown): Array<{ label: string; value: string }> | undefined {
	if (!Array.isArray(raw)) return undefined;
	const options = raw
		.filter(isPlainRecord)
		.filter((option) => ['string', 'number', 'boolean'].includes(typeof option.value))
		.map((option) => ({
			value: String(option.value),
			label: typeof option.label === 'string' && option.label !== '' ? option.label : String(option.value),
		}));
	return options.length > 0 ? options : undefined;
}

function readSlider(raw: unknown): AppInput['slider'] {
	if (!isPlainRecord(raw)) return undefined;
	const min = Number(raw.min);
	const max = Number(raw.max);
	if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) return undefined;
	const step = Number(raw.step);
	return { min, max, ...(Number.isFinite(step) && step > 0 ? { step } : {}) };
}

function labelOf(section: AppInput['section'], groupTitle: string, title: string): string {
	const parts = section === 'advanced' ? ['Advanced'] : [];
	parts.push(groupTitle);
	if (title !== '' && title !== groupTitle) parts.push(title);
	return parts.join(' · ');
}

/**
 * The app's form as inputs, checked against its embedded workflow: every visible input must name
 * a literal input of the workflow, else the error names the app input and its key.
 */
function readForm(raw: RawAppWorkflow, workflow: ComfyWorkflow, source: string): AppInput[] {
	const byKey = new Map(flattenWorkflow(workflow).map((parameter) => [parameter.key, parameter]));
	const inputs: AppInput[] = [];
	const seen = new Set<string>();
	for (const [section, field] of [['basic', 'inputs'], ['advanced', 'advancedInputs']] as const) {
		const groups = raw.form[field] ?? [];
		if (!Array.isArray(groups)) throw appError(source, `${field} of "${truncate(raw.title, 80)}" is ${describeJsonType(groups)}, not a list of input groups`);
		for (const group of groups) {
			if (!isPlainRecord(group) || !isVisible(group)) continue;
			const groupTitle = typeof group.title === 'string' ? group.title.trim() : '';
			for (const entry of Array.isArray(group.inputs) ? group.inputs : []) {
				if (!isPlainRecord(entry) || !isVisible(entry)) continue;
				const title = typeof entry.title === 'string' ? entry.title.trim() : '';
				const name = quoted(title || groupTitle || '(untitled)');
				const key = typeof entry.key === 'string' ? entry.key : '';
				const parameter = byKey.get(key);
				if (!parameter) {
					throw appError(
						source,
						`app input ${name} (key ${quoted(key)}) is not a literal input of the app's workflowApiJSON`,
						'Re-export the app from the ViewComfy editor so its form and workflow match, or remove that input in the editor.',
					);
				}
				if (seen.has(key)) continue;
				seen.add(key);
				const valueType = typeof entry.valueType === 'string' ? entry.valueType : 'string';
				inputs.push({
					key,
					title,
					groupTitle,
					section,
					valueType,
					kind: kindOf(valueType),
					options: valueType === 'select' ? readOptions(entry.options) : undefined,
					slider: valueType === 'slider' ? readSlider(entry.slider) : undefined,
					parameter,
					label: labelOf(section, groupTitle || parameter.nodeTitle, title || parameter.inputName),
				});
			}
		}
	}
	return inputs;
}

/**
 * The app workflow titled `title` ('' for the first), with its form and embedded workflow.
 * `source` names the field in messages.
 */
export function selectAppWorkflow(file: Record<string, unknown>, title: string, source: string): ViewComfyApp {
	const workflows = rawWorkflows(file, source);
	const wanted = title.trim();
	const raw = wanted === '' ? workflows[0] : workflows.find((workflow) => workflow.title === wanted);
	if (!raw) {
		throw new UserInputError(`${source}: the app has no workflow titled ${quoted(wanted)}`, {
			field: 'App Workflow',
			hint: `Pick one of: ${workflows.map((workflow) => quoted(workflow.title)).join(', ')}.`,
		});
	}
	if (raw.workflowApi === undefined || raw.workflowApi === null) {
		throw appError(source, `workflow ${quoted(raw.title)} has no workflowApiJSON (the ComfyUI workflow the app runs)`);
	}
	const workflow = assertApiWorkflow(raw.workflowApi, `${source} → ${raw.title} → workflowApiJSON`);
	return { title: raw.title, workflow, inputs: readForm(raw, workflow, source) };
}

/** A file the app form asks for: the key of the part and the binary property holding it. */
export interface AppFileInput {
	key: string;
	binaryProperty: string;
	/** The app input, for messages: `Character · Pose sheet (625-inputs-image)`. */
	field: string;
}

export interface AppFieldValues {
	/** Values for buildParams, by key (file inputs left out). */
	fields: Record<string, unknown>;
	files: AppFileInput[];
	/** Keys whose app input is a seed: the Randomize Seed option applies to them. */
	seedKeys: string[];
}

/** The key of the extra field that holds the mask property of an image-mask input. */
export function maskFieldId(key: string): string {
	return `${key}${MASK_SUFFIX}`;
}

function isEmpty(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function checkSlider(input: AppInput, value: unknown, source: string): void {
	const slider = input.slider;
	if (!slider || isEmpty(value)) return;
	const number = typeof value === 'number' ? value : Number(String(value).trim());
	if (!Number.isFinite(number) || number < slider.min || number > slider.max) {
		throw new UserInputError(
			`${source}: app input ${quoted(input.label)} (${input.key}) must be a number from ${slider.min} to ${slider.max}, got ${typeof value === 'string' ? quoted(value) : String(value)}`,
			{ field: source, hint: `Set a value between ${slider.min} and ${slider.max}, or empty the field to keep the app's ${String(input.parameter.value)}.` },
		);
	}
}

/**
 * Splits what the user set in the app's fields into parameter values and files to send. An
 * empty field keeps the workflow's value; a file field names the input item's binary property.
 */
export function readAppFieldValues(app: ViewComfyApp, values: Record<string, unknown>, source: string): AppFieldValues {
	const result: AppFieldValues = { fields: {}, files: [], seedKeys: [] };
	const byKey = new Map(app.inputs.map((input) => [input.key, input]));
	const maskOwners = new Map(app.inputs.filter((input) => input.kind === 'image-mask').map((input) => [maskFieldId(input.key), input]));
	for (const [key, value] of Object.entries(values)) {
		const maskOwner = maskOwners.get(key);
		if (maskOwner) {
			if (!isEmpty(value)) {
				result.files.push({ key, binaryProperty: String(value).trim(), field: `${maskOwner.label} (mask of ${maskOwner.key})` });
			}
			continue;
		}
		const input = byKey.get(key);
		if (input && (input.kind === 'file' || input.kind === 'image-mask')) {
			if (!isEmpty(value)) result.files.push({ key, binaryProperty: String(value).trim(), field: `${input.label} (${key})` });
			continue;
		}
		if (input) checkSlider(input, value, source);
		// Keys outside the form (a stale field after the app changed) go to buildParams, which names them.
		result.fields[key] = value;
	}
	result.seedKeys = app.inputs.filter((input) => input.kind === 'seed').map((input) => input.key);
	return result;
}
