/**
 * The prompt ids a user gives Get Results or Cancel Run: one id, several separated by commas,
 * spaces or line breaks, or an expression that yields a list. Pure.
 */
import { UserInputError, describeJsonType, quoted } from './userInputError';

export const PROMPT_IDS_FIELD = 'Prompt IDs';

/** What the hosted API's ids look like (UUIDs the client made), with room for other id schemes. */
const PROMPT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** The ids in order, each once. */
export function parsePromptIds(value: unknown, field = PROMPT_IDS_FIELD): string[] {
	const pieces = splitIds(value, field);
	const ids: string[] = [];
	for (const piece of pieces) {
		if (!PROMPT_ID.test(piece)) {
			throw new UserInputError(`${quoted(piece, 60)} in ${field} is not a prompt ID`, {
				field,
				hint: 'A prompt ID looks like 4f0a6c1e-8d3b-4f4e-9a51-2b7c0d9e6f12: use the prompt_id output of Run Workflow, e.g. {{ $json.prompt_id }}.',
			});
		}
		if (!ids.includes(piece)) ids.push(piece);
	}
	if (ids.length === 0) {
		throw new UserInputError(`${field} is empty`, {
			field,
			hint: 'Enter the prompt_id that Run Workflow output (several separated by commas), e.g. {{ $json.prompt_id }}.',
		});
	}
	return ids;
}

function splitIds(value: unknown, field: string): string[] {
	if (value === undefined || value === null) return [];
	if (Array.isArray(value)) return value.flatMap((entry) => splitIds(entry, field));
	if (typeof value === 'number') return [String(value)];
	if (typeof value !== 'string') {
		throw new UserInputError(`${field} must be text or a list of texts, not ${describeJsonType(value)}`, {
			field,
			hint: 'Use an expression that gives the id itself, e.g. {{ $json.prompt_id }}.',
		});
	}
	// JSON list text, as a Set node or a copied array gives it.
	const trimmed = value.trim();
	if (trimmed.startsWith('[')) {
		const list = parseJsonOrUndefined(trimmed);
		if (list !== undefined) return splitIds(list, field);
	}
	return trimmed
		.split(/[\s,;]+/)
		.map((piece) => piece.replace(/^["']|["']$/g, ''))
		.filter((piece) => piece !== '');
}

/** A JSON text's value; undefined when it is not JSON (then it is read as a plain list of ids). */
function parseJsonOrUndefined(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}
