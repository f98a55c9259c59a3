/**
 * The error for an answer that is neither success nor redirect. Pure.
 * The wording (server text, what to check) comes from the shared HTTP error hints.
 */
import { describeHttpFailure } from '../helpers/httpErrorHints';
import { InferHttpError, excerpt } from './errors';

/** How much of the body the error keeps for the node to show. */
const KEPT_BODY_CHARS = 4096;

export function httpFailure(
	status: number,
	body: string,
	secret: string,
	retryAfterMs?: number,
	attempts = 1,
): InferHttpError {
	const { message, description } = describeHttpFailure(status, body, [secret]);
	const tries = attempts > 1 ? ` (after ${attempts} attempts)` : '';
	return new InferHttpError(
		status,
		excerpt(body, KEPT_BODY_CHARS),
		`${message.replace(/[.\s]+$/, '')}${tries}. ${description}`,
		retryAfterMs,
		attempts,
	);
}
