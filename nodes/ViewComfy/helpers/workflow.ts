/**
 * Reading a ComfyUI `workflow_api.json` from what the user pasted or connected, and checking that it
 * really is the API format before anything else looks inside it.
 */
import type { ComfyNode, ComfyWorkflow } from './interfaces';
import { UserInputError, describeJsonType, quoted } from './userInputError';

const EXPORT_HINT =
	'In ComfyUI, open the menu Workflow → Export (API) and use that file (workflow_api.json); the ordinary Save/Export file is the editor format.';

/**
 * Input values deeper than this are not something ComfyUI produces (literals and `["38", 0]` links
 * are at most 2 deep); refusing them early keeps later JSON.stringify/structuredClone from
 * overflowing the stack on a hostile paste.
 */
export const MAX_INPUT_DEPTH = 64;

/** Characters shown either side of a JSON syntax error. */
const EXCERPT_RADIUS = 30;

/** One C0 control or DEL: `\p{Cc}` without the C1 block U+0080-U+009F. */
const C0_OR_DEL = /(?![\u0080-\u009f])\p{Cc}/gu;

export function hasOwn(target: object, key: string): boolean {
	return Object.prototype.hasOwnProperty.call(target, key);
}

/**
 * Sets `target[key]` as an own data property. Plain assignment would call the `__proto__` setter
 * for that key and replace the object's prototype instead of storing a value.
 */
export function defineOwn<T>(target: Record<string, T>, key: string, value: T): void {
	Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function isPlainRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The node with this id, never something inherited such as `Object.prototype` for `__proto__`. */
export function getNode(workflow: ComfyWorkflow, nodeId: string): ComfyNode | undefined {
	return hasOwn(workflow, nodeId) ? workflow[nodeId] : undefined;
}

/** `_meta.title` when the user gave the node one, else its class. */
export function nodeTitle(node: ComfyNode): string {
	const title: unknown = isPlainRecord(node._meta) ? node._meta.title : undefined;
	return typeof title === 'string' && title.trim() !== '' ? title : node.class_type;
}

interface JsonErrorLocation {
	line: number;
	column: number;
	/** The text around the error on its line. */
	excerpt: string;
}

/**
 * Finds the character offset of a JSON.parse error. V8 reports `at position N` for most errors,
 * but "Unexpected token" messages only carry a context snippet of the source (up to 10 characters
 * either side of the bad token), so the offset is recovered from that snippet when it is unambiguous.
 */
function jsonErrorOffset(text: string, message: string): number | undefined {
	const position = /at position (\d+)/.exec(message);
	if (position) return Number(position[1]);
	if (/Unexpected end of JSON input/.test(message)) return text.length;

	const token = /^Unexpected token '([\s\S])', (\.\.\.)?"([\s\S]*)"(\.\.\.)? is not valid JSON$/.exec(message);
	if (!token) return undefined;
	const [, bad, leadingDots, snippet, trailingDots] = token;
	const context = 10;
	if (leadingDots) {
		// The snippet starts 10 characters before the bad token.
		const offsets: number[] = [];
		for (let at = text.indexOf(snippet); at !== -1; at = text.indexOf(snippet, at + 1)) {
			if (text[at + context] === bad) offsets.push(at + context);
		}
		return offsets.length === 1 ? offsets[0] : undefined;
	}
	if (trailingDots) return snippet.length - context;
	// Short source: the snippet is the whole text; only a token that occurs once can be placed.
	const first = text.indexOf(bad);
	return first !== -1 && first === text.lastIndexOf(bad) ? first : undefined;
}

function locate(text: string, offset: number): JsonErrorLocation {
	const clamped = Math.max(0, Math.min(offset, text.length));
	const lineStart = text.lastIndexOf('\n', clamped - 1) + 1;
	let lineEnd = text.indexOf('\n', clamped);
	if (lineEnd === -1) lineEnd = text.length;
	let line = 1;
	for (let i = text.indexOf('\n'); i !== -1 && i < clamped; i = text.indexOf('\n', i + 1)) line++;
	const from = Math.max(lineStart, clamped - EXCERPT_RADIUS);
	const to = Math.min(lineEnd, clamped + EXCERPT_RADIUS);
	const excerpt =
		(from > lineStart ? '…' : '') +
		text.slice(from, to).replace(C0_OR_DEL, ' ') +
		(to < lineEnd ? '…' : '');
	return { line, column: clamped - lineStart + 1, excerpt: excerpt.trim() };
}

/** V8's message without the parts that are replaced by line, column and excerpt. */
function cleanJsonMessage(message: string): string {
	return message
		.replace(/ at position \d+.*$/, '')
		.replace(/ in JSON$/, '')
		.replace(/, (\.\.\.)?"[\s\S]*"(\.\.\.)? is not valid JSON$/, '')
		.replace(/ \(line \d+ column \d+\)$/, '');
}

/**
 * JSON.parse with an error a user can act on: which field, what is wrong, where (line and column)
 * and the text around it. `expected` completes "Paste …" in the hint.
 */
export function parseJsonText(text: string, source: string, expected: string): unknown {
	if (typeof text !== 'string') {
		throw new UserInputError(`${source} must be text containing JSON, got ${describeJsonType(text)}`, {
			field: source,
			hint: `Paste ${expected}.`,
		});
	}
	// Editors on Windows like to prepend a byte order mark, which JSON.parse refuses.
	const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
	if (body.trim() === '') {
		throw new UserInputError(`${source} is empty`, { field: source, hint: `Paste ${expected}.` });
	}
	const parsed = parseOutcome(body);
	if (parsed.ok) return parsed.value;
	const v8Message = parsed.message;
	const offset = jsonErrorOffset(body, v8Message);
	const what = cleanJsonMessage(v8Message);
	if (offset === undefined) {
		throw new UserInputError(`${source} is not valid JSON: ${what}`, {
			field: source,
			hint: `Fix the JSON, or paste ${expected}.`,
		});
	}
	const where = locate(body, offset);
	throw new UserInputError(
		`${source} is not valid JSON: ${what} at line ${where.line}, column ${where.column}`,
		{
			field: source,
			hint: `The problem is near: ${where.excerpt === '' ? '(end of text)' : where.excerpt}. Fix the JSON there, or paste ${expected}.`,
		},
	);
}

/** JSON.parse's value, or its error message (which names the position). */
function parseOutcome(body: string): { ok: true; value: unknown } | { ok: false; message: string } {
	try {
		return { ok: true, value: JSON.parse(body) as unknown };
	} catch (error) {
		return { ok: false, message: error instanceof Error ? error.message : String(error) };
	}
}

/** Parses the text of a workflow_api.json and checks it is the API format. */
export function parseWorkflowJson(text: string, source: string): ComfyWorkflow {
	const value = parseJsonText(text, source, "the workflow exported with ComfyUI's Workflow → Export (API)");
	return assertApiWorkflow(value, source);
}

/** Depth of the deepest array/object inside `value` (a literal is 0), stopping once past `limit`. */
function nestingDepth(value: unknown, limit: number): number {
	let deepest = 0;
	// An explicit stack, because the point is to survive values too deep for recursion.
	const stack: Array<[unknown, number]> = [[value, 0]];
	while (stack.length > 0) {
		const [current, depth] = stack.pop()!;
		if (typeof current !== 'object' || current === null) continue;
		const inner = depth + 1;
		if (inner > deepest) deepest = inner;
		if (deepest > limit) return deepest;
		for (const child of Object.values(current)) stack.push([child, inner]);
	}
	return deepest;
}

function looksLikeEditorFormat(value: Record<string, unknown>): boolean {
	return (
		(hasOwn(value, 'nodes') && Array.isArray(value.nodes)) ||
		(hasOwn(value, 'links') && Array.isArray(value.links))
	);
}

/**
 * Checks that `value` is an API-format workflow: an object of node id → `{class_type, inputs}`.
 * Returns the same object, typed. Every failure is a UserInputError naming `source` and the node.
 */
export function assertApiWorkflow(value: unknown, source: string): ComfyWorkflow {
	if (!isPlainRecord(value)) {
		throw new UserInputError(
			`${source} must be a JSON object of nodes (ComfyUI API format), got ${describeJsonType(value)}`,
			{ field: source, hint: EXPORT_HINT },
		);
	}
	if (looksLikeEditorFormat(value)) {
		throw new UserInputError(
			`${source} is in ComfyUI's editor format (it has "nodes" and "links" lists), not the API format the ViewComfy deployment runs`,
			{ field: source, hint: EXPORT_HINT },
		);
	}
	const ids = Object.keys(value);
	if (ids.length === 0) {
		throw new UserInputError(`${source} is an empty object: it contains no nodes`, {
			field: source,
			hint: EXPORT_HINT,
		});
	}
	for (const id of ids) {
		const node = value[id];
		const nodeName = `node ${quoted(id)}`;
		if (id === '') {
			throw new UserInputError(`${source} has a node with an empty id`, { field: source, hint: EXPORT_HINT });
		}
		if (!isPlainRecord(node)) {
			const flattened = id.includes('-inputs-');
			throw new UserInputError(
				`${source}: ${nodeName} must be an object with "class_type" and "inputs", got ${describeJsonType(node)}`,
				{
					field: source,
					hint: flattened
						? 'This looks like flattened parameters ("<nodeId>-inputs-<name>": value): put those in Additional Parameters (JSON) and the whole workflow here.'
						: EXPORT_HINT,
				},
			);
		}
		const classType = hasOwn(node, 'class_type') ? node.class_type : undefined;
		if (typeof classType !== 'string' || classType.trim() === '') {
			throw new UserInputError(`${source}: ${nodeName} has no "class_type" text`, {
				field: source,
				hint: EXPORT_HINT,
			});
		}
		const inputs = hasOwn(node, 'inputs') ? node.inputs : undefined;
		if (!isPlainRecord(inputs)) {
			throw new UserInputError(
				`${source}: ${nodeName} (${quoted(classType)}) must have an "inputs" object, got ${describeJsonType(inputs)}`,
				{ field: source, hint: EXPORT_HINT },
			);
		}
		for (const inputName of Object.keys(inputs)) {
			if (nestingDepth(inputs[inputName], MAX_INPUT_DEPTH) > MAX_INPUT_DEPTH) {
				throw new UserInputError(
					`${source}: input ${quoted(inputName)} of ${nodeName} is nested more than ${MAX_INPUT_DEPTH} levels deep`,
					{
						field: source,
						hint: `API-format inputs are plain values or links like ["4", 0]. ${EXPORT_HINT}`,
					},
				);
			}
		}
	}
	return value as unknown as ComfyWorkflow;
}
