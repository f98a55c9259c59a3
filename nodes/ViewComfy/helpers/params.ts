/**
 * Turning what the user set (mapped fields, the Additional Parameters JSON, attached files) into the
 * `params` object ViewComfy receives, checked against the workflow when the node knows it.
 */
import type { ComfyWorkflow, InferParams, ParameterValue, SeedMode, WorkflowParameter } from './interfaces';
import { SEED_INPUT_NAMES, flattenWorkflow, isLink, isSeedInput, splitParameterKey } from './flatten';
import { suggestKeys } from './suggest';
import { UserInputError, describeJsonType, quoted } from './userInputError';
import { truncate } from './text';
import { defineOwn, getNode, hasOwn, isPlainRecord, nodeTitle, parseJsonText } from './workflow';

/** Seeds are drawn from [0, 2^48): every ComfyUI sampler accepts them and they stay exact in a double. */
export const SEED_RANGE = 2 ** 48;

/** Suffix of the extra multipart part that carries a mask for an image input. */
export const MASK_SUFFIX = '-viewcomfymask';

const KEY_FORMAT = 'Keys look like <nodeId>-inputs-<inputName>, e.g. 3-inputs-seed or 6-inputs-text.';
const LIST_HINT = 'The List Workflow Parameters operation shows every key of the workflow.';

export interface BuildParamsInput {
	/** The workflow when the node knows it (pasted or connected); undefined for a deployed-only run. */
	workflow?: ComfyWorkflow;
	/** Resource-mapper values, key → value. */
	fields?: Record<string, unknown>;
	/** How the fields are named in the node's UI, for messages. */
	fieldsSource?: string;
	/** The parsed "Additional Parameters (JSON)". */
	additional?: Record<string, unknown>;
	additionalSource?: string;
	/** Keys (or `<key>-viewcomfymask`) that are sent as file parts instead of params. */
	fileKeys?: string[];
	fileKeysSource?: string;
	seedMode: SeedMode;
	/**
	 * The inputs Randomize Seed applies to (an app's seed inputs); by default every number input
	 * named like a seed.
	 */
	seedKeys?: string[];
	/** Source of randomness in [0, 1) for seeds; Math.random by default. */
	random?: () => number;
}

export interface BuiltParams {
	params: InferParams;
	/** Keys whose value is a freshly drawn seed. */
	randomizedSeeds: string[];
}

/** A usable parameter, or why not; `typo` when the key names nothing, so suggestions can help. */
type Resolution = { parameter: WorkflowParameter } | { problem: string; typo: boolean };

/** Why `key` is not a settable parameter of the workflow, or the parameter it names. */
function resolveKey(workflow: ComfyWorkflow, byKey: Map<string, WorkflowParameter>, key: string): Resolution {
	const parameter = byKey.get(key);
	if (parameter) return { parameter };
	if (key.startsWith('_')) {
		return { problem: 'starts with "_": such keys are ViewComfy context (node info), not parameters', typo: false };
	}
	const split = splitParameterKey(key, workflow);
	if (!split) return { problem: `is not a parameter key. ${KEY_FORMAT}`, typo: true };
	const node = getNode(workflow, split.nodeId);
	if (!node) return { problem: `is not in the workflow: it has no node ${quoted(split.nodeId)}`, typo: true };
	const nodeName = `node ${quoted(split.nodeId)} (${truncate(nodeTitle(node), 80)})`;
	if (!hasOwn(node.inputs, split.inputName)) {
		return { problem: `is not in the workflow: ${nodeName} has no input ${quoted(split.inputName)}`, typo: true };
	}
	if (split.inputName === 'upload') {
		return {
			problem: `is the upload marker of ${nodeName}, not a parameter: set the file input itself`,
			typo: false,
		};
	}
	const value = node.inputs[split.inputName];
	if (isLink(value)) {
		const [source, output] = value as [string, number];
		return {
			problem: `cannot be set: it is a link from node ${quoted(source)} (output ${output}), and wired inputs are not parameters`,
			typo: false,
		};
	}
	return {
		problem: `cannot be set: the workflow holds ${describeJsonType(value)} there, not text, a number or true/false`,
		typo: false,
	};
}

/** Checks a key's format when there is no workflow to check it against (deployed workflow). */
function checkKeyFormat(key: string, source: string): void {
	if (key.startsWith('_')) {
		throw new UserInputError(
			`${source}: ${quoted(key)} starts with "_": such keys are ViewComfy context (node info), not parameters`,
			{ field: source, hint: `Remove it. ${KEY_FORMAT}` },
		);
	}
	if (!splitParameterKey(key)) {
		throw new UserInputError(`${source}: ${quoted(key)} is not a parameter key`, {
			field: source,
			hint: KEY_FORMAT,
		});
	}
}

class ParamsContext {
	readonly byKey = new Map<string, WorkflowParameter>();

	constructor(readonly workflow: ComfyWorkflow | undefined) {
		if (workflow) for (const parameter of flattenWorkflow(workflow)) this.byKey.set(parameter.key, parameter);
	}

	/** The workflow's parameter for `key` (undefined without a workflow); throws when the key is not usable. */
	check(key: string, source: string): WorkflowParameter | undefined {
		if (!this.workflow) {
			checkKeyFormat(key, source);
			return undefined;
		}
		const resolution = resolveKey(this.workflow, this.byKey, key);
		if ('parameter' in resolution) return resolution.parameter;
		const suggestions = resolution.typo ? suggestKeys(key, [...this.byKey.keys()]) : [];
		const didYouMean =
			suggestions.length > 0 ? `Did you mean ${suggestions.map((s) => quoted(s)).join(' or ')}? ` : '';
		throw new UserInputError(`${source}: ${quoted(key)} ${resolution.problem}`, {
			field: source,
			hint: `${didYouMean}${LIST_HINT}`,
		});
	}

	seedParameters(seedKeys?: string[]): WorkflowParameter[] {
		if (seedKeys) {
			return seedKeys.map((key) => this.byKey.get(key)).filter((p): p is WorkflowParameter => p?.kind === 'number');
		}
		return [...this.byKey.values()].filter((p) => isSeedInput(p.inputName) && p.kind === 'number');
	}
}

/** The value as a literal ViewComfy accepts, or a UserInputError naming the key. */
function checkLiteral(key: string, value: unknown, source: string): ParameterValue {
	if (typeof value === 'string' || typeof value === 'boolean') return value;
	if (typeof value === 'number') {
		if (Number.isFinite(value)) return value;
		throw new UserInputError(`${source}: ${quoted(key)} is ${value}, which JSON cannot carry`, {
			field: source,
			hint: 'Use a finite number.',
		});
	}
	const fix =
		value === null ? "Remove the key to keep the workflow's value." : 'Use text, a number or true/false.';
	throw new UserInputError(
		`${source}: ${quoted(key)} is ${describeJsonType(value)}, but parameter values must be text, a number or true/false`,
		{ field: source, hint: fix },
	);
}

const NUMERIC_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Converts `value` to the type the workflow has at `parameter`, as n8n fields often deliver text. */
function coerce(parameter: WorkflowParameter, value: ParameterValue, source: string): ParameterValue {
	const show = (shown: ParameterValue): string => (typeof shown === 'string' ? quoted(shown) : String(shown));
	const mismatch = (expected: string): UserInputError =>
		new UserInputError(
			`${source}: ${quoted(parameter.key)} must be ${expected} (the workflow has ${show(parameter.value)}), got ${show(value)}`,
			{ field: source, hint: `Set ${expected} for ${truncate(parameter.label, 160)}.` },
		);
	switch (parameter.kind) {
		case 'number': {
			if (typeof value === 'number') return value;
			if (typeof value === 'string' && NUMERIC_TEXT.test(value.trim())) {
				const number = Number(value.trim());
				if (Number.isFinite(number)) return number;
			}
			throw mismatch('a number');
		}
		case 'boolean': {
			if (typeof value === 'boolean') return value;
			const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
			if (text === 'true' || text === 'false') return text === 'true';
			throw mismatch('true or false');
		}
		default: {
			if (typeof value === 'string') return value;
			if (typeof value === 'number') return String(value);
			throw mismatch('text');
		}
	}
}

function drawSeed(random: () => number): number {
	const r = random();
	const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1 - Number.EPSILON) : 0;
	return Math.floor(unit * SEED_RANGE);
}

function toRecord(values: Map<string, ParameterValue>): InferParams {
	const params: InferParams = {};
	for (const [key, value] of values) defineOwn(params, key, value);
	return params;
}

/**
 * Builds `params`: changed fields, then Additional Parameters (which win), minus keys sent as files,
 * then seeds. `whenEmpty` draws new seeds when nothing else would be sent; `always` draws every seed
 * the user did not set; `never` draws none. ViewComfy refuses an empty `params`, so when nothing is
 * left the workflow's current seeds are sent unchanged, and with no seed either (and no file) the
 * user is told to set something.
 */
export function buildParams(input: BuildParamsInput): BuiltParams {
	const fieldsSource = input.fieldsSource ?? 'Workflow Parameters';
	const additionalSource = input.additionalSource ?? 'Additional Parameters (JSON)';
	const fileKeysSource = input.fileKeysSource ?? 'Input Files';
	const random = input.random ?? Math.random;
	const context = new ParamsContext(input.workflow);

	const fileKeys = new Set<string>();
	for (const key of input.fileKeys ?? []) {
		const isMask = key.endsWith(MASK_SUFFIX) && !context.byKey.has(key);
		context.check(isMask ? key.slice(0, -MASK_SUFFIX.length) : key, fileKeysSource);
		fileKeys.add(key);
	}

	const values = new Map<string, ParameterValue>();
	for (const [key, raw] of Object.entries(input.fields ?? {})) {
		// An empty mapped field means "keep the workflow's value".
		if (raw === null || raw === undefined || raw === '') continue;
		const parameter = context.check(key, fieldsSource);
		if (fileKeys.has(key)) continue;
		// Blank text in a number or true/false field is an emptied field too (text keeps its spaces).
		if (parameter && (parameter.kind === 'number' || parameter.kind === 'boolean') && typeof raw === 'string' && raw.trim() === '') continue;
		const literal = checkLiteral(key, raw, fieldsSource);
		const value = parameter ? coerce(parameter, literal, fieldsSource) : literal;
		// Unchanged values are not sent: ViewComfy has them already, and "nothing set" stays detectable.
		if (parameter && value === parameter.value) continue;
		values.set(key, value);
	}
	for (const [key, raw] of Object.entries(input.additional ?? {})) {
		const parameter = context.check(key, additionalSource);
		if (fileKeys.has(key)) continue;
		const literal = checkLiteral(key, raw, additionalSource);
		values.delete(key);
		values.set(key, parameter ? coerce(parameter, literal, additionalSource) : literal);
	}

	const seeds = context.seedParameters(input.seedKeys).filter((p) => !fileKeys.has(p.key));
	const randomizedSeeds: string[] = [];
	const randomize = (parameter: WorkflowParameter): void => {
		values.set(parameter.key, drawSeed(random));
		randomizedSeeds.push(parameter.key);
	};
	const nothingElse = values.size === 0 && fileKeys.size === 0;
	if (input.seedMode === 'always') {
		for (const seed of seeds) if (!values.has(seed.key)) randomize(seed);
	} else if (input.seedMode === 'whenEmpty' && nothingElse) {
		for (const seed of seeds) randomize(seed);
	}
	if (values.size === 0) {
		// `params` must not be empty; the current seeds fill it without changing what runs.
		for (const seed of seeds) values.set(seed.key, seed.value);
	}
	if (values.size === 0 && fileKeys.size === 0) throw nothingToSend(context, fieldsSource);
	return { params: toRecord(values), randomizedSeeds };
}

function nothingToSend(context: ParamsContext, source: string): UserInputError {
	if (!context.workflow) {
		return new UserInputError('Nothing to send to ViewComfy: no parameter is set and no file is attached', {
			field: source,
			hint: 'Set at least one parameter (e.g. 3-inputs-seed) or paste the workflow so the node can randomize its seed.',
		});
	}
	const example = context.byKey.keys().next().value ?? '3-inputs-seed';
	return new UserInputError(
		`Nothing to send to ViewComfy: no parameter differs from the workflow, no file is attached, and the workflow has no seed input (${SEED_INPUT_NAMES.join(', ')}) to randomize`,
		{ field: source, hint: `Set at least one parameter to a new value (e.g. ${example}).` },
	);
}

/**
 * The Additional Parameters (JSON) field: an object, or its JSON text ('' means none).
 * Returns a fresh object; values are checked later by buildParams.
 */
export function parseAdditionalParameters(value: unknown, source: string): Record<string, unknown> {
	const example = 'a JSON object such as {"6-inputs-text": "a cat", "3-inputs-seed": 42}';
	let parsed: unknown = value;
	if (value === undefined || value === null) return {};
	if (typeof value === 'string') {
		if (value.trim() === '') return {};
		parsed = parseJsonText(value, source, example);
	}
	if (!isPlainRecord(parsed)) {
		throw new UserInputError(`${source} must be a JSON object of parameters, got ${describeJsonType(parsed)}`, {
			field: source,
			hint: `Use ${example}.`,
		});
	}
	const copy: Record<string, unknown> = {};
	for (const key of Object.keys(parsed)) defineOwn(copy, key, parsed[key]);
	return copy;
}
