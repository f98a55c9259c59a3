import type { IDataObject, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { describeHttpFailure } from '../helpers/httpErrorHints';
import { redactSecrets } from '../helpers/redact';
import { RunFailedError } from '../helpers/runStatus';
import { UserInputError } from '../helpers/userInputError';
import { InferHttpError } from '../transport/direct/directErrors';
import { InputFileError, SsrfRefusedError } from '../transport/http/errors';
import { HostedError, HostedHttpError, HostedNetworkError } from '../transport/hosted/hostedErrors';

type NodeError = NodeApiError | NodeOperationError;

/** What a user reads about one failure: what went wrong, and how to fix it. */
interface Explanation {
	message: string;
	description?: string;
	/** Set for failures that are an HTTP answer, so n8n shows them as API errors. */
	http?: { status: number; body: string };
}

/**
 * Every failure of an item, as the n8n error a user reads: what went wrong, naming the field,
 * and in the description how to fix it. Never a stack trace, never the client secret.
 */
export function toNodeError(
	node: INode,
	error: unknown,
	context: { itemIndex: number; itemCount?: number; secret?: string },
): NodeError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;

	const { itemIndex } = context;
	const scrub = (text: string) => redactSecrets(text, [context.secret]);
	const explained = explain(error);
	const message = scrub(explained.message) + ((context.itemCount ?? 1) > 1 ? ` [item ${itemIndex}]` : '');
	const description = explained.description && scrub(explained.description);

	const nodeError = explained.http
		? new NodeApiError(
				node,
				{ status: explained.http.status, body: scrub(explained.http.body) } as JsonObject,
				{ message, description, httpCode: String(explained.http.status), itemIndex },
			)
		: new NodeOperationError(node, message, { description, itemIndex });
	// n8n swaps a message that mentions a network code (ECONNREFUSED, ECONNRESET, …) for a generic
	// sentence; ours already says what failed and what to check, so it is put back.
	nodeError.message = message;
	return nodeError;
}

function explain(error: unknown): Explanation {
	if (error instanceof InferHttpError) {
		const { message, description } = describeHttpFailure(error.status, error.body);
		const tries = error.attempts > 1 ? ` (after ${error.attempts} attempts)` : '';
		return {
			message: message.replace(/[.\s]+$/, '') + tries,
			description,
			http: { status: error.status, body: error.body ?? '' },
		};
	}
	if (error instanceof HostedHttpError) {
		return { message: error.message, description: error.hint, http: { status: error.status, body: error.body } };
	}
	if (
		error instanceof HostedError ||
		error instanceof HostedNetworkError ||
		error instanceof UserInputError ||
		error instanceof InputFileError ||
		// n8n refused the address: the description says how an administrator allows it.
		error instanceof SsrfRefusedError
	) {
		return { message: error.message, description: error.hint };
	}
	if (error instanceof RunFailedError) {
		return {
			message: error.message,
			description: `ViewComfy answered, but the run did not complete${
				error.promptId ? ` (prompt_id ${error.promptId})` : ''
			}. Check the run in the ViewComfy dashboard logs; a missing model or a bad input value is the usual cause.`,
		};
	}
	// Transport errors end their text with the last log lines; they belong in the description.
	const text = error instanceof Error ? error.message : String(error);
	const [head, ...tail] = text.split(LOG_TAIL_MARKER);
	return { message: head.trim(), description: tail.length ? `${LOG_TAIL_MARKER.trim()}${tail.join('')}` : undefined };
}

const LOG_TAIL_MARKER = '\nLast log lines:';

/** The JSON of an error item under Continue On Fail: the message and what helps to act on it. */
export function errorItemJson(nodeError: NodeError, cause: unknown): IDataObject {
	const json: IDataObject = { error: nodeError.message };
	if (nodeError.description) json.description = nodeError.description;
	if (cause instanceof InferHttpError || cause instanceof HostedHttpError) json.httpCode = cause.status;
	if (cause instanceof InputFileError && cause.status !== undefined) json.httpCode = cause.status;
	// Hosted failures about one run name it, so a workflow can retry or cancel that run.
	const promptId = (cause as { promptId?: unknown })?.promptId;
	if (cause instanceof HostedError && typeof promptId === 'string') json.prompt_id = promptId;
	if (cause instanceof RunFailedError) {
		json.status = cause.status ?? null;
		json.completed = cause.completed ?? null;
		if (cause.promptId) json.prompt_id = cause.promptId;
	}
	const logs = (cause as { logs?: unknown })?.logs;
	if (Array.isArray(logs) && logs.length) json.logs = logs as string[];
	return json;
}
