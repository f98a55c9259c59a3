/**
 * Checks an endpoint URL and credentials without running the workflow: a request with an empty
 * `params` is refused with 422 by a deployment that accepted the credentials, before any GPU work.
 */
import { CallDeadline } from './callDeadline';
import { parseEndpointUrl } from '../helpers/endpointUrl';
import { UserInputError } from '../helpers/userInputError';
import { credentialHeaders, type InferConnection } from './connection';
import { InferTimeoutError, ViewComfyTransportError, formatDuration, redactText } from './errors';
import { discardBody, readBodyStart, sendHop } from './exchange';
import { describeHttpFailure } from '../helpers/httpErrorHints';
import { httpFailure } from './httpFailure';
import { buildCredentialsProbeForm } from './inferForm';
import { MAX_REDIRECTS, firstHop, isRedirectStatus, nextHop } from './redirects';

export const DEFAULT_CREDENTIALS_TEST_TIMEOUT_MS = 30_000;

export type CredentialsTestResult = { ok: true } | { ok: false; message: string };

export async function testCredentials(conn: InferConnection, opts: { timeoutMs?: number } = {}): Promise<CredentialsTestResult> {
	const timeoutMs = opts.timeoutMs ?? DEFAULT_CREDENTIALS_TEST_TIMEOUT_MS;
	const secret = (conn.clientSecret ?? '').trim();
	let host = conn.endpointUrl;
	const deadline = new CallDeadline(timeoutMs);
	try {
		const endpoint = parseEndpointUrl(conn.endpointUrl);
		host = endpoint.host;
		const credentials = credentialHeaders(conn);
		let hop = firstHop(endpoint);
		for (let redirects = 0; ; redirects++) {
			const res = await sendHop(hop, credentials, buildCredentialsProbeForm, deadline.signal);
			const status = res.statusCode;
			if (isRedirectStatus(status) && redirects < MAX_REDIRECTS) {
				await discardBody(res.body);
				hop = nextHop(hop, status, res.headers.location, endpoint.origin);
				host = hop.url.host;
				continue;
			}
			if (status === 422 || (status >= 200 && status < 300)) {
				await discardBody(res.body);
				return { ok: true };
			}
			return { ok: false, message: redactText(describeProbeAnswer(status, await readBodyStart(res.body), secret), secret) };
		}
	} catch (err) {
		const failure = deadline.stopError ?? err;
		return { ok: false, message: redactText(describeProbeFailure(failure, host, timeoutMs), secret) };
	} finally {
		deadline.dispose();
	}
}

function describeProbeAnswer(status: number, body: string, secret: string): string {
	if (status === 401 || status === 403) {
		return `ViewComfy rejected the Client ID or Client Secret (HTTP ${status}). ${describeHttpFailure(status, body, [secret]).description}`;
	}
	if (status === 404) {
		return `Nothing answered at the Endpoint URL (HTTP 404). ${describeHttpFailure(status, body, [secret]).description}`;
	}
	return httpFailure(status, body, secret).message;
}

function describeProbeFailure(err: unknown, host: string, timeoutMs: number): string {
	if (err instanceof InferTimeoutError) return `No answer from ${host} within ${formatDuration(timeoutMs)}. Check the Endpoint URL and that the deployment is running.`;
	if (err instanceof ViewComfyTransportError) return err.message;
	if (err instanceof UserInputError) return err.hint ? `${err.message}. ${err.hint}` : err.message;
	return `Could not test the credentials against ${host}: ${err instanceof Error ? err.message : String(err)}`;
}
