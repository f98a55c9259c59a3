import { truncate } from './text';

/**
 * A problem with what the user typed or connected, as opposed to a failure of ViewComfy or the network.
 * The node turns it into a NodeOperationError: `message` says what is wrong and names the field,
 * `hint` says how to fix it. Neither ever carries a stack trace or a secret.
 */
export class UserInputError extends Error {
	/** The node field the problem is in, as the user sees it (e.g. `Workflow JSON (workflow_api.json)`). */
	readonly field?: string;
	/** How to fix it, one or two sentences. */
	readonly hint?: string;

	constructor(message: string, options?: { field?: string; hint?: string }) {
		super(message);
		this.name = 'UserInputError';
		if (options?.field !== undefined) this.field = options.field;
		if (options?.hint !== undefined) this.hint = options.hint;
	}
}

/**
 * Quotes a user-supplied string for an error message, cut short so that a pasted megabyte
 * cannot turn into a megabyte-long message, and with control characters made visible.
 */
export function quoted(text: string, max = 80): string {
	return JSON.stringify(truncate(text, max));
}

/** "an array", "null", "a number"...: how a JSON value's type is named in messages. */
export function describeJsonType(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	switch (typeof value) {
		case 'string':
			return 'a string';
		case 'number':
			return 'a number';
		case 'boolean':
			return 'true/false';
		case 'undefined':
			return 'nothing';
		case 'object':
			return 'an object';
		default:
			return `a ${typeof value}`;
	}
}
