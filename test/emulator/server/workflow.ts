/**
 * The workflow side of a run: loading and checking API-format workflows, and applying
 * flattened `<nodeId>-inputs-<inputName>` overrides to them. Pure apart from reading a file.
 */
import { readFileSync } from 'node:fs';
import type { ComfyWorkflow } from './types';

const INPUTS_SEPARATOR = '-inputs-';
export const MASK_SUFFIX = '-viewcomfymask';

/** A workflow that is not in ComfyUI's "Export (API)" format. */
export class WorkflowFormatError extends Error {}

/** An override key or value the workflow cannot take; `key` is the offending parameter. */
export class ParameterError extends Error {
	constructor(
		readonly key: string,
		message: string,
	) {
		super(message);
	}
}

/** Checks that a parsed JSON value is an API-format workflow; `source` names it in errors. */
export function asApiWorkflow(value: unknown, source: string): ComfyWorkflow {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		throw new WorkflowFormatError(`${source} must be a JSON object of nodes keyed by node id.`);
	}
	const record = value as Record<string, unknown>;
	if (Array.isArray(record.nodes) && Array.isArray(record.links)) {
		throw new WorkflowFormatError(
			`${source} is in ComfyUI's editor save format (it has "nodes" and "links" arrays). ` +
				'Export it with "Export (API)" in ComfyUI and use that file.',
		);
	}
	const ids = Object.keys(record);
	if (ids.length === 0) throw new WorkflowFormatError(`${source} has no nodes.`);
	for (const id of ids) {
		const node = record[id] as { class_type?: unknown; inputs?: unknown } | null;
		if (typeof node !== 'object' || node === null || typeof node.class_type !== 'string') {
			throw new WorkflowFormatError(
				`${source}: node "${id}" has no "class_type"; is this an "Export (API)" workflow_api.json?`,
			);
		}
		if (typeof node.inputs !== 'object' || node.inputs === null || Array.isArray(node.inputs)) {
			throw new WorkflowFormatError(`${source}: node "${id}" (${node.class_type}) has no "inputs" object.`);
		}
	}
	return record as unknown as ComfyWorkflow;
}

/** A workflow object as is, or a path to a workflow_api.json file. */
export function loadWorkflow(source: ComfyWorkflow | string): ComfyWorkflow {
	if (typeof source !== 'string') return asApiWorkflow(source, 'The workflow');
	let text: string;
	try {
		text = readFileSync(source, 'utf8');
	} catch (error) {
		throw new WorkflowFormatError(`Cannot read the workflow file ${source}: ${(error as NodeJS.ErrnoException).code ?? error}.`);
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch (error) {
		throw new WorkflowFormatError(`The workflow file ${source} is not valid JSON: ${(error as Error).message}.`);
	}
	return asApiWorkflow(parsed, `The workflow file ${source}`);
}

/** A link input (`["38", 0]`) is graph wiring, not a value. */
export function isLink(value: unknown): value is [string, number] {
	return Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'number';
}

/**
 * Finds the node and input a key names. Node ids and input names may contain hyphens, so every
 * `-inputs-` occurrence is tried until the part before it is a node id of this workflow.
 */
export function resolveKey(workflow: ComfyWorkflow, key: string): { nodeId: string; inputName: string } {
	let at = key.indexOf(INPUTS_SEPARATOR);
	if (at < 0) {
		throw new ParameterError(key, `Parameter "${key}" is not of the form <nodeId>-inputs-<inputName>.`);
	}
	const firstNodeId = key.slice(0, at);
	while (at >= 0) {
		const nodeId = key.slice(0, at);
		const node = workflow[nodeId];
		if (node) {
			const inputName = key.slice(at + INPUTS_SEPARATOR.length);
			if (!(inputName in node.inputs)) {
				throw new ParameterError(
					key,
					`Parameter "${key}": node ${nodeId} (${node.class_type}) has no input "${inputName}". ` +
						`Its inputs are: ${Object.keys(node.inputs).join(', ')}.`,
				);
			}
			if (isLink(node.inputs[inputName])) {
				throw new ParameterError(
					key,
					`Parameter "${key}": input "${inputName}" of node ${nodeId} is a link to another node, not a value.`,
				);
			}
			return { nodeId, inputName };
		}
		at = key.indexOf(INPUTS_SEPARATOR, at + 1);
	}
	throw new ParameterError(key, `Parameter "${key}": the workflow has no node "${firstNodeId}".`);
}

/**
 * The workflow that runs: a copy with every override applied. Keys starting with `_` are context
 * (ViewComfy's info keys) and are skipped. File parts set their input to the uploaded file name.
 */
export function applyOverrides(
	workflow: ComfyWorkflow,
	params: Record<string, unknown>,
	uploads: ReadonlyArray<{ field: string; filename: string }>,
): ComfyWorkflow {
	const prompt = structuredClone(workflow);
	for (const [key, value] of Object.entries(params)) {
		if (key.startsWith('_')) continue;
		if (value === null || typeof value === 'object') {
			throw new ParameterError(key, `Parameter "${key}" must be a string, number or boolean, got ${JSON.stringify(value)}.`);
		}
		const { nodeId, inputName } = resolveKey(prompt, key);
		prompt[nodeId].inputs[inputName] = value;
	}
	for (const upload of uploads) {
		const isMask = upload.field.endsWith(MASK_SUFFIX);
		const key = isMask ? upload.field.slice(0, -MASK_SUFFIX.length) : upload.field;
		const { nodeId, inputName } = resolveKey(prompt, key);
		// The mask rides along with its image input, so only the image names the file.
		if (!isMask) prompt[nodeId].inputs[inputName] = upload.filename;
	}
	return prompt;
}
