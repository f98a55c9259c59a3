import type { IDataObject, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { describeHttpFailure } from '../helpers/httpErrorHints';
import { RunFailedError } from '../helpers/runStatus';
import { UserInputError } from '../helpers/userInputError';
import { InferHttpError } from '../transport/errors';
import { HostedError, HostedHttpError } from '../transport/hostedErrors';

type NodeError = NodeApiError | NodeOperationError;

/**
 * Every failure of an item, as the n8n error a user reads: what went wrong, naming the field,
 * and in the description how to fix it. Never a stack trace, never the client secret.
 */
export function toNodeError(
	node: INode,
	error: unknown,
	context: { itemIndex: number; itemCount?: number; secret?: string },
): NodeError {
	const { itemIndex } = context;
	const scrub = (text: string) => scrubSecret(text, context.secret);
	const where = (context.itemCount ?? 1) > 1 ? ` [item ${itemIndex}]` : '';

	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;

	if (error instanceof InferHttpError) {
		const { message, description } = describeHttpFailure(error.status, error.body);
		return new NodeApiError(node, { status: error.status, body: scrub(error.body ?? '') } as JsonObject, {
			message: scrub(message) + where,
			description: scrub(description),
			httpCode: String(error.status),
			itemIndex,
		});
	}

	if (error instanceof HostedHttpError) {
		return new NodeApiError(node, { status: error.status, body: scrub(error.body) } as JsonObject, {
			message: scrub(error.message) + where,
			description: error.hint ? scrub(error.hint) : undefined,
			httpCode: String(error.status),
			itemIndex,
		});
	}

	if (error instanceof HostedError) {
		return new NodeOperationError(node, scrub(error.message) + where, {
			description: error.hint ? scrub(error.hint) : undefined,
			itemIndex,
		});
	}

	if (error instanceof UserInputError) {
		return new NodeOperationError(node, scrub(error.message) + where, {
			description: error.hint ? scrub(error.hint) : undefined,
			itemIndex,
		});
	}

	if (error instanceof RunFailedError) {
		return new NodeOperationError(node, error.message + where, {
			description: `ViewComfy answered, but the run did not complete${
				error.promptId ? ` (prompt_id ${error.promptId})` : ''
			}. Check the run in the ViewComfy dashboard logs; a missing model or a bad input value is the usual cause.`,
			itemIndex,
		});
	}

	const message = error instanceof Error ? error.message : String(error);
	const logs = (error as { logs?: unknown })?.logs;
	const description = Array.isArray(logs) && logs.length
		? `Last log lines:\n${logs.slice(-10).join('\n')}`
		: undefined;
	return new NodeOperationError(node, scrub(message) + where, {
		description: description && scrub(description),
		itemIndex,
	});
}

/** The JSON of an error item under Continue On Fail: the message and what helps to act on it. */
export function errorItemJson(nodeError: NodeError, cause: unknown): IDataObject {
	const json: IDataObject = { error: nodeError.message };
	if (nodeError.description) json.description = nodeError.description;
	if (cause instanceof InferHttpError || cause instanceof HostedHttpError) json.httpCode = cause.status;
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

function scrubSecret(text: string, secret?: string): string {
	return secret && secret.length >= 4 ? text.split(secret).join('***') : text;
}
