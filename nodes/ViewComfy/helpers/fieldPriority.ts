/**
 * Which inputs of a large pasted workflow a user most likely wants to set. Real templates have
 * hundreds of literal inputs (crop boxes, sampler internals, save prefixes); the editor's field list
 * starts with the likely ones and keeps every other input one click away.
 */
import { isSeedInput } from './flatten';
import type { WorkflowParameter } from './interfaces';

/** Above this many literal inputs the field list starts with the likely fields only. */
export const SHORT_LIST_THRESHOLD = 40;

/** The most fields the short list shows; the rest stay in "Add parameter". */
export const SHORT_LIST_LIMIT = 30;

/** Node titles that ViewComfy's editor reads as "put this in the app form". */
const VIEWCOMFY_BASIC_MARK = 'VC_BASIC';
const VIEWCOMFY_ADVANCED_MARK = 'VC_ADV';

const TEXT_INPUT_NAMES = /^(text|texts|prompt|positive|negative|string|text_[gl]|clip_[gl])$/i;
const PROMPT_WORDS = /prompt/i;
const SIZE_INPUT_NAMES = new Set(['width', 'height', 'batch_size']);
const SAMPLING_INPUT_NAMES = new Set(['steps', 'cfg', 'denoise']);
/** Titles a user gives a primitive node (`Int Literal` titled "Steps") to say what it sets. */
const TITLE_TIERS: Array<[RegExp, Tier]> = [
	[/prompt/i, 'text'],
	[/\bseed\b/i, 'seed'],
	[/\b(width|height|size|batch)\b/i, 'size'],
	[/\b(steps|cfg|denoise|guidance)\b/i, 'sampling'],
];

/** Why an input is likely, in the order the list shows them. */
export type Tier = 'viewComfyBasic' | 'viewComfyAdvanced' | 'text' | 'seed' | 'file' | 'size' | 'sampling' | 'renamed';

const TIER_ORDER: readonly Tier[] = [
	'viewComfyBasic',
	'viewComfyAdvanced',
	'text',
	'seed',
	'file',
	'size',
	'sampling',
	'renamed',
];

/** Lower-cased letters and digits only, so `Empty Latent Image` matches `EmptyLatentImage`. */
function normalized(name: string): string {
	return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function isTextInput(parameter: WorkflowParameter): boolean {
	if (parameter.kind !== 'text') return false;
	return TEXT_INPUT_NAMES.test(parameter.inputName) || PROMPT_WORDS.test(parameter.inputName);
}

/** The reason `parameter` is likely, or undefined when it is one of the many plumbing inputs. */
export function likelyTier(parameter: WorkflowParameter): Tier | undefined {
	const title = parameter.nodeTitle;
	if (title.startsWith(VIEWCOMFY_BASIC_MARK)) return 'viewComfyBasic';
	if (title.startsWith(VIEWCOMFY_ADVANCED_MARK)) return 'viewComfyAdvanced';
	if (isTextInput(parameter)) return 'text';
	if (parameter.kind === 'number' && isSeedInput(parameter.inputName)) return 'seed';
	if (parameter.kind === 'file') return 'file';
	if (parameter.kind === 'number' && SIZE_INPUT_NAMES.has(parameter.inputName) && /latent/i.test(parameter.classType)) {
		return 'size';
	}
	if (parameter.kind === 'number' && SAMPLING_INPUT_NAMES.has(parameter.inputName)) return 'sampling';
	if (!isRenamed(parameter)) return undefined;
	// A titled primitive node ("Steps", "Generation seed") says what its single value is for.
	for (const [words, tier] of TITLE_TIERS) if (words.test(title)) return tier;
	return 'renamed';
}

/**
 * Whether the workflow's author titled the node. ComfyUI exports an untouched node with its display
 * name, which starts like its class (`CLIP Text Encode (Prompt)` for CLIPTextEncode).
 */
function isRenamed(parameter: WorkflowParameter): boolean {
	return !normalized(parameter.nodeTitle).startsWith(normalized(parameter.classType));
}

/**
 * Text inputs by how surely they are the prompt: a node the author titled with the word "prompt"
 * (`CHARACTER PROMPT`), then any title mentioning it (`Prompt_Image_1`), then other text.
 */
function promptRank(parameter: WorkflowParameter): number {
	if (isRenamed(parameter) && /\bprompt\b/i.test(parameter.nodeTitle)) return 0;
	return PROMPT_WORDS.test(parameter.nodeTitle) ? 1 : 2;
}

export interface FieldSelection {
	/** Every parameter, the likely ones first (in tier order), then the others in node order. */
	ordered: WorkflowParameter[];
	/** How many of `ordered` (from the start) the list shows at first. */
	shownCount: number;
}

/**
 * Orders a workflow's parameters for the field list. Small workflows (at most
 * SHORT_LIST_THRESHOLD inputs) show every field in node order; larger ones show at most
 * SHORT_LIST_LIMIT likely fields, grouped by tier, and keep the rest after them.
 */
export function selectLikelyFields(parameters: WorkflowParameter[]): FieldSelection {
	if (parameters.length <= SHORT_LIST_THRESHOLD) return { ordered: parameters, shownCount: parameters.length };
	const byTier = new Map<Tier, WorkflowParameter[]>(TIER_ORDER.map((tier) => [tier, []]));
	const others: WorkflowParameter[] = [];
	for (const parameter of parameters) {
		const tier = likelyTier(parameter);
		if (tier) byTier.get(tier)!.push(parameter);
		else others.push(parameter);
	}
	// Array sort is stable: equal ranks keep node order.
	byTier.get('text')!.sort((a, b) => promptRank(a) - promptRank(b));
	const likely = TIER_ORDER.flatMap((tier) => byTier.get(tier)!);
	const shown = likely.slice(0, SHORT_LIST_LIMIT);
	const shownKeys = new Set(shown.map((p) => p.key));
	const rest = parameters.filter((p) => !shownKeys.has(p.key));
	return { ordered: [...shown, ...rest], shownCount: shown.length };
}

/** `CHARACTER PROMPT · string (594)`: what the author called the node first, as menus cut long labels. */
export function titleFirstLabel(parameter: WorkflowParameter): string {
	return `${parameter.nodeTitle} · ${parameter.inputName} (${parameter.nodeId})`;
}
