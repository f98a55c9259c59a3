/**
 * The direct deployment's own failures: an HTTP answer that is neither success nor redirect, and
 * no connection at all. The wording (server text, what to check) comes from the shared HTTP hints.
 */
import { describeHttpFailure } from '../../helpers/httpErrorHints';
import { ConnectionError, HttpStatusError, describeNetworkCode, excerpt } from '../http/errors';

/** The direct deployment answered with a status that is neither success nor redirect. */
export class InferHttpError extends HttpStatusError {
	afterAttempts(attempts: number, secret: string): InferHttpError {
		return directHttpFailure(this.status, this.body, secret, this.retryAfterMs, attempts);
	}
}

/** No connection to the direct deployment, also after the retries. */
export class InferNetworkError extends ConnectionError {
	constructor(host: string, code: string | undefined, attempts: number) {
		super(
			host,
			code,
			`Could not get an answer from ${host}: ${describeNetworkCode(code)}` +
				(attempts > 1 ? ` (tried ${attempts} times)` : '') +
				'. Check the Endpoint URL, that the deployment is running, and any proxy settings (HTTP_PROXY, HTTPS_PROXY, NO_PROXY).',
		);
	}

	afterAttempts(attempts: number): InferNetworkError {
		return new InferNetworkError(this.host, this.code, attempts);
	}
}

/** How much of the body the error keeps for the node to show. */
const KEPT_BODY_CHARS = 4096;

export function directHttpFailure(
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
