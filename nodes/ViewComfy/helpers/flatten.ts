/**
 * The flattened view of a workflow that ViewComfy's parameter maker uses: one `<nodeId>-inputs-<name>`
 * key per literal input. Links (graph wiring) and `_…` context keys are never parameters.
 */
import type { ComfyNode, ComfyWorkflow, ParameterKind, ParameterValue, WorkflowParameter } from './interfaces';
import { getNode, hasOwn, nodeTitle } from './workflow';

const INPUTS_SEPARATOR = '-inputs-';

export const SEED_INPUT_NAMES: readonly string[] = ['seed', 'noise_seed', 'rand_seed'];

export function isSeedInput(inputName: string): boolean {
	return SEED_INPUT_NAMES.includes(inputName);
}

/** A link `["38", 0]`: the id of the node that produces the value and which of its outputs. */
export function isLink(value: unknown): boolean {
	return (
		Array.isArray(value) &&
		value.length === 2 &&
		typeof value[0] === 'string' &&
		Number.isInteger(value[1]) &&
		(value[1] as number) >= 0
	);
}

export function parameterKey(nodeId: string, inputName: string): string {
	return `${nodeId}${INPUTS_SEPARATOR}${inputName}`;
}

/**
 * Splits a key on `-inputs-` (never on `-`: `Custom-Text-Overlay` nodes have inputs like `text-overlay`).
 * When the separator occurs more than once, the split whose node exists in `workflow` wins
 * (one whose input also exists first); otherwise the first occurrence.
 */
export function splitParameterKey(
	key: string,
	workflow?: ComfyWorkflow,
): { nodeId: string; inputName: string } | undefined {
	const candidates: Array<{ nodeId: string; inputName: string }> = [];
	for (let at = key.indexOf(INPUTS_SEPARATOR); at !== -1; at = key.indexOf(INPUTS_SEPARATOR, at + 1)) {
		const nodeId = key.slice(0, at);
		const inputName = key.slice(at + INPUTS_SEPARATOR.length);
		if (nodeId !== '' && inputName !== '') candidates.push({ nodeId, inputName });
	}
	if (workflow && candidates.length > 1) {
		const inWorkflow = candidates.filter((candidate) => getNode(workflow, candidate.nodeId) !== undefined);
		const withInput = inWorkflow.find((candidate) =>
			hasOwn(getNode(workflow, candidate.nodeId)!.inputs, candidate.inputName),
		);
		return withInput ?? inWorkflow[0] ?? candidates[0];
	}
	return candidates[0];
}

/**
 * Natural order of node ids: digit runs compare as numbers, so `3` < `10` < `54:70` < `54:73` < `60`;
 * ids that start with text come after numeric ones. Ties (`007` vs `7`) fall back to plain string order
 * so the order is total and stable.
 */
export function compareNodeIds(a: string, b: string): number {
	const partsA = a.match(/\d+|\D+/g) ?? [];
	const partsB = b.match(/\d+|\D+/g) ?? [];
	for (let i = 0; i < Math.min(partsA.length, partsB.length); i++) {
		const x = partsA[i];
		const y = partsB[i];
		const xDigits = /^\d/.test(x);
		const yDigits = /^\d/.test(y);
		if (xDigits && yDigits) {
			// Compared as digit strings, not Number(), so 20-digit ids keep their order.
			const xs = x.replace(/^0+(?=\d)/, '');
			const ys = y.replace(/^0+(?=\d)/, '');
			if (xs.length !== ys.length) return xs.length - ys.length;
			if (xs !== ys) return xs < ys ? -1 : 1;
		} else if (xDigits !== yDigits) {
			return xDigits ? -1 : 1;
		} else if (x !== y) {
			return x < y ? -1 : 1;
		}
	}
	if (partsA.length !== partsB.length) return partsA.length - partsB.length;
	return a === b ? 0 : a < b ? -1 : 1;
}

/** Inputs that are files in ComfyUI's own loader nodes, by class. */
const CORE_FILE_INPUTS: Readonly<Record<string, string>> = {
	LoadImage: 'image',
	LoadImageMask: 'image',
	LoadAudio: 'audio',
	VHS_LoadVideo: 'video',
	LoadVideo: 'file',
};

const CUSTOM_LOADER_CLASS = /Load.*(Image|Video|Audio|File)/i;

/** A file name with an extension, as custom loaders keep in their inputs (`clip.mp4`, `in/a b.PNG`). */
function looksLikeFileName(value: string): boolean {
	const match = /([^\s/\\.])\.([A-Za-z0-9]{1,10})$/.exec(value.trim());
	return match !== null && /[A-Za-z]/.test(match[2]) && !value.includes('\n');
}

/** The input a node's `upload` widget marker points at, when it names one of the node's inputs. */
function uploadTarget(inputs: Record<string, unknown>): string | undefined {
	if (!hasOwn(inputs, 'upload')) return undefined;
	const marker = inputs.upload;
	if (typeof marker !== 'string') return undefined;
	return Object.keys(inputs).find((name) => name !== 'upload' && name.toLowerCase() === marker.toLowerCase());
}

function isFileInput(node: ComfyNode, inputName: string, value: string): boolean {
	const classType = node.class_type;
	if (hasOwn(CORE_FILE_INPUTS, classType) && CORE_FILE_INPUTS[classType] === inputName) return true;
	if (hasOwn(node.inputs, 'upload')) {
		const target = uploadTarget(node.inputs);
		// A marker like `"upload": "image"` names its input; any other marker only says that the
		// node takes an upload, so its file-name-like values are the uploads.
		if (target !== undefined) return target === inputName;
		return looksLikeFileName(value);
	}
	return CUSTOM_LOADER_CLASS.test(classType) && looksLikeFileName(value);
}

function kindOf(node: ComfyNode, inputName: string, value: ParameterValue): ParameterKind {
	if (typeof value === 'number') return 'number';
	if (typeof value === 'boolean') return 'boolean';
	return isFileInput(node, inputName, value) ? 'file' : 'text';
}

function isLiteral(value: unknown): value is ParameterValue {
	return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

/** Node ids in natural order. */
export function sortedNodeIds(workflow: ComfyWorkflow): string[] {
	return Object.keys(workflow).sort(compareNodeIds);
}

/** Every literal input of the workflow as a parameter, nodes in natural id order, inputs in their own order. */
export function flattenWorkflow(workflow: ComfyWorkflow): WorkflowParameter[] {
	const parameters: WorkflowParameter[] = [];
	for (const nodeId of sortedNodeIds(workflow)) {
		// ViewComfy treats keys that start with `_` as context, so such nodes cannot be parameters.
		if (nodeId.startsWith('_')) continue;
		const node = getNode(workflow, nodeId)!;
		const title = nodeTitle(node);
		for (const inputName of Object.keys(node.inputs)) {
			if (inputName === 'upload') continue;
			const value = node.inputs[inputName];
			if (!isLiteral(value)) continue;
			const key = parameterKey(nodeId, inputName);
			// An empty input name, or ids and names that themselves contain `-inputs-` so that the key
			// means another input, cannot be addressed by a key: listing them would invite wrong writes.
			if (splitParameterKey(key, workflow)?.nodeId !== nodeId) continue;
			parameters.push({
				key,
				nodeId,
				nodeTitle: title,
				classType: node.class_type,
				inputName,
				value,
				kind: kindOf(node, inputName, value),
				label: `${nodeId} · ${title} · ${inputName}`,
			});
		}
	}
	return parameters;
}
