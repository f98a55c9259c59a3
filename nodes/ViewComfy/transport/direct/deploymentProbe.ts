/**
 * The connection check of a direct deployment that costs no run: POST an empty `params`, which a
 * deployment refuses with 422 once it has accepted the Client ID and Client Secret and before it
 * runs anything. Refused keys (401/403), a wrong path (404/405) and a host that does not answer
 * come back as the infer call's own errors; any other answer means the Endpoint URL is not a
 * ViewComfy deployment.
 *
 * n8n's declarative credential test cannot make this check: it counts only 2xx as success, and
 * with `ignoreHttpStatusErrors` its rules see the body but never the status (see the README).
 */
import { parseEndpointUrl } from '../../helpers/endpointUrl';
import { bodyExcerpt } from '../../helpers/httpErrorHints';
import { UserInputError } from '../../helpers/userInputError';
import { CallDeadline } from '../http/callDeadline';
import { callFollowingRedirects } from '../http/call';
import { InferRedirectError, redactSecret } from '../http/errors';
import { readBodyStart } from '../http/exchange';
import type { N8nHttp } from '../http/n8nHttp';
import { MAX_REDIRECTS } from '../http/redirects';
import type { RetryOptions } from '../http/retry';
import { InferHttpError, InferNetworkError, directHttpFailure } from './directErrors';
import { checkedCredentials, type InferConnection } from './inferConnection';
import { buildCredentialsProbeForm } from './inferForm';

export interface DeploymentProbeOptions extends RetryOptions {
	http: N8nHttp;
	/** The whole check, retries of a cold start (502/503/504) included. */
	timeoutMs: number;
	signal?: AbortSignal;
}

export interface DeploymentProbeResult {
	/** The status of the refusal: 422. */
	status: number;
	/** The deployment's own words about the empty `params`, shortened. */
	serverSays: string;
}

/** An answer that is neither the refusal a deployment gives nor one of the infer call's errors. */
interface OtherAnswer {
	status: number;
	contentType: string;
	body: string;
}

export async function probeDeployment(conn: InferConnection, opts: DeploymentProbeOptions): Promise<DeploymentProbeResult> {
	const secret = conn.clientSecret ?? '';
	return await probeUnredacted(conn, opts).catch(async (err: unknown) => await Promise.reject(redactSecret(err, secret)));
}

async function probeUnredacted(conn: InferConnection, opts: DeploymentProbeOptions): Promise<DeploymentProbeResult> {
	const endpoint = parseEndpointUrl(conn.endpointUrl);
	const { clientSecret: secret } = checkedCredentials(conn);
	const deadline = new CallDeadline(opts.timeoutMs, opts.signal);
	const outcome = await callFollowingRedirects<OtherAnswer>({
		http: opts.http,
		url: endpoint,
		method: 'POST',
		target: { kind: 'checkConnection' },
		body: { build: buildCredentialsProbeForm },
		credentialsOrigin: endpoint.origin,
		maxRedirects: MAX_REDIRECTS,
		tooManyRedirects: () =>
			new InferRedirectError(`${endpoint.host} redirected more than ${MAX_REDIRECTS} times; check the Endpoint URL.`),
		deadline,
		// `run`: should a server run the workflow without params, a retry would run it again.
		retry: { ...opts, kind: 'run', deadline, secret },
		statusError: (status, body, retryAfterMs) => directHttpFailure(status, body, secret, retryAfterMs),
		connectionError: (failure) => new InferNetworkError(failure.host, failure.code, 1),
		read: async (answer) => ({
			status: answer.statusCode,
			contentType: String(answer.headers['content-type'] ?? ''),
			body: await readBodyStart(answer.body),
		}),
	}).then(
		(answer) => ({ ok: true as const, answer }),
		(error: unknown) => ({ ok: false as const, error }),
	);
	deadline.dispose();
	if (outcome.ok) return await Promise.reject(notADeployment(endpoint, outcome.answer));
	const { error } = outcome;
	if (!(error instanceof InferHttpError) || error.status !== 422) return await Promise.reject(error);
	const validation = validationDetail(error.body);
	if (validation !== undefined) return { status: 422, serverSays: validation };
	return await Promise.reject(notADeployment(endpoint, { status: 422, contentType: '', body: error.body }));
}

/** FastAPI's 422 body, `{"detail": [{loc, msg, …}, …]}`, as one line; undefined for any other body. */
function validationDetail(body: string): string | undefined {
	let json: unknown;
	try {
		json = JSON.parse(body);
	} catch {
		return undefined;
	}
	const detail = (json as { detail?: unknown } | null)?.detail;
	if (!Array.isArray(detail)) return undefined;
	const lines = detail.map((entry: { loc?: unknown; msg?: unknown }) =>
		[Array.isArray(entry?.loc) ? entry.loc.join('.') : '', typeof entry?.msg === 'string' ? entry.msg : ''].filter(Boolean).join(': '),
	);
	return bodyExcerpt(lines.join('; '));
}

function notADeployment(endpoint: URL, answer: OtherAnswer): UserInputError {
	const type = answer.contentType.split(';')[0].trim();
	const excerpt = bodyExcerpt(answer.body, 200);
	return new UserInputError(
		`The Endpoint URL does not answer as a ViewComfy deployment: ${endpoint.host} answered HTTP ${answer.status}` +
			`${type ? ` (${type})` : ''} to a request that a deployment refuses with 422` +
			(excerpt ? `. It answered: ${excerpt}` : ''),
		{
			field: 'Endpoint URL',
			hint: "Copy the Endpoint URL again from the API tab of the ViewComfy dashboard (the deployment's API endpoint, not the dashboard page).",
		},
	);
}
