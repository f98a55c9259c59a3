/**
 * The credential test for the hosted API: asks for the status of a prompt id that cannot exist
 * (a fresh random UUID). That costs no run, and tells the answers apart: 401/403 means the
 * Client ID or Secret was refused; 200 (an empty list) or 404 (no such run) means the API
 * accepted them. The Endpoint URL is checked for its form only: the API reads it at submit time.
 */
import { randomUUID } from 'node:crypto';
import { UserInputError } from '../helpers/userInputError';
import { CallDeadline } from './callDeadline';
import { InferTimeoutError, ViewComfyTransportError, formatDuration, redactText } from './errors';
import { HostedApiClient, type HostedConnection } from './hostedClient';
import { HostedError, HostedHttpError } from './hostedErrors';
import type { CredentialsTestResult } from './testCredentials';

export const DEFAULT_HOSTED_TEST_TIMEOUT_MS = 30_000;

export async function testHostedCredentials(
	conn: HostedConnection,
	opts: { timeoutMs?: number } = {},
): Promise<CredentialsTestResult> {
	const timeoutMs = opts.timeoutMs ?? DEFAULT_HOSTED_TEST_TIMEOUT_MS;
	const secret = (conn.clientSecret ?? '').trim();
	const deadline = new CallDeadline(timeoutMs);
	let host = conn.hostedApiUrl;
	try {
		const client = new HostedApiClient(conn);
		host = client.apiHost;
		await client.status([randomUUID()], deadline.signal);
		return { ok: true };
	} catch (err) {
		const failure = deadline.stopError ?? err;
		if (failure instanceof HostedHttpError && failure.status === 404) return { ok: true };
		return { ok: false, message: redactText(describeFailure(failure, host, timeoutMs), secret) };
	} finally {
		deadline.dispose();
	}
}

function describeFailure(err: unknown, host: string, timeoutMs: number): string {
	if (err instanceof HostedHttpError && (err.status === 401 || err.status === 403)) {
		return `ViewComfy rejected the Client ID or Client Secret (HTTP ${err.status}). ${err.hint}`;
	}
	if (err instanceof InferTimeoutError) return `No answer from ${host} within ${formatDuration(timeoutMs)}. Check the Hosted API URL.`;
	if (err instanceof HostedError) return err.hint ? `${err.message}. ${err.hint}` : err.message;
	if (err instanceof ViewComfyTransportError) return err.message;
	if (err instanceof UserInputError) return err.hint ? `${err.message}. ${err.hint}` : err.message;
	return `Could not test the credentials against ${host}: ${err instanceof Error ? err.message : String(err)}`;
}
