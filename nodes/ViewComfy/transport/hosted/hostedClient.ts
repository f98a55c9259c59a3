/**
 * The hosted API's three calls (submit, status, cancel) over the shared HTTP core: each call
 * follows redirects (credentials only to the API's own origin) and retries what its kind allows.
 * Polling and deadlines are the caller's (hostedRun.ts); this module only speaks the protocol.
 */
import { parseEndpointUrl } from '../../helpers/endpointUrl';
import { hostedRoutes, parseHostedApiUrl, type HostedRoutes } from '../../helpers/hostedApiUrl';
import type { CallDeadline } from '../http/callDeadline';
import { callFollowingRedirects } from '../http/call';
import { InferRedirectError, ResultFormatError, formatBytes, type RequestTargetKind } from '../http/errors';
import type { HopBody } from '../http/exchange';
import type { N8nHttp, ResponseBody } from '../http/n8nHttp';
import type { RequestKind, RetryOptions } from '../http/retry';
import { checkedCredentials, type InferConnection } from '../direct/inferConnection';
import { HostedNetworkError, hostedHttpFailure, type HostedStep } from './hostedErrors';
import { buildCancelBody, buildHostedSubmitForm, type HostedSubmitRequest } from './hostedForm';
import { parseStatusAnswer, parseSubmitAnswer, type HostedRunRecord, type HostedSubmitAnswer } from './hostedRecords';
import { markReached, type ReachedOrigin } from './reachedOrigin';

export interface HostedConnection extends InferConnection {
	/** Base URL of the hosted API, e.g. https://api.viewcomfy.com */
	hostedApiUrl: string;
}

/** A prompt id no run has: asking for its status costs nothing and needs accepted keys. */
export const NIL_PROMPT_ID = '00000000-0000-0000-0000-000000000000';

/** Ids per status request: keeps the query string well under common URL limits (8 KB). */
export const STATUS_IDS_PER_REQUEST = 50;

/** Status answers carry every run's workflow; this bounds a runaway one. */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/** Storage and API redirects are short chains; more means a loop. */
export const MAX_HOSTED_REDIRECTS = 10;

/** What one hosted call runs under: its deadline and its retry options. */
export interface CallScope {
	deadline: CallDeadline;
	retry: RetryOptions;
}

export class HostedApiClient {
	/** The deployment the hosted API runs (`view_comfy_api_url`). */
	readonly deploymentUrl: string;
	/** The client secret as sent, for redaction. */
	readonly secret: string;
	readonly clientId: string;
	private readonly routes: HostedRoutes;

	/** Checks the connection settings; throws UserInputError naming the field that is wrong. */
	constructor(
		conn: HostedConnection,
		readonly http: N8nHttp,
	) {
		this.routes = hostedRoutes(parseHostedApiUrl(conn.hostedApiUrl));
		this.deploymentUrl = parseEndpointUrl(conn.endpointUrl).href;
		const checked = checkedCredentials(conn);
		this.clientId = checked.clientId;
		this.secret = checked.clientSecret;
	}

	/** The hosted API's origin: its Socket.IO endpoint lives there too. */
	get origin(): string {
		return this.routes.origin;
	}

	get apiHost(): string {
		return this.routes.submit.host;
	}

	/** Submitting may start a paid run: only answers that say it did not are retried. */
	async submit(promptId: string, req: HostedSubmitRequest, scope: CallScope): Promise<HostedSubmitAnswer> {
		const body = { build: () => buildHostedSubmitForm(req, promptId, this.deploymentUrl) };
		return parseSubmitAnswer(await this.call('POST', this.routes.submit, 'submit', 'run', scope, body));
	}

	/**
	 * Records of the runs ViewComfy knows among `promptIds`, in batches of STATUS_IDS_PER_REQUEST.
	 * `target`: what a refusal by n8n's SSRF protection calls the request (Check Connection's own).
	 */
	async status(promptIds: readonly string[], scope: CallScope, target: RequestTargetKind = 'hostedApi'): Promise<HostedRunRecord[]> {
		const records: HostedRunRecord[] = [];
		for (let start = 0; start < promptIds.length; start += STATUS_IDS_PER_REQUEST) {
			const url = this.routes.status(promptIds.slice(start, start + STATUS_IDS_PER_REQUEST));
			records.push(...parseStatusAnswer(await this.call('GET', url, 'status', 'read', scope, undefined, undefined, target)));
		}
		return records;
	}

	/**
	 * The API's origin, right after a request through n8n's helpers (the status of a run that does
	 * not exist) got its answer: n8n's SSRF protection and proxy settings let it through. The only
	 * origin the Socket.IO socket, which bypasses those helpers, may then connect to.
	 */
	async reachOrigin(scope: CallScope): Promise<ReachedOrigin> {
		await this.status([NIL_PROMPT_ID], scope);
		return markReached(new URL(this.routes.origin));
	}

	/**
	 * The API's message, if it gave one. `afterStop`: n8n already stopped the execution, whose
	 * cancel signal would abort a request through its authenticated helper; the credential's
	 * headers then go along explicitly, to the API's own origin only, as the helper would send them.
	 */
	async cancel(promptId: string, scope: CallScope, afterStop = false): Promise<string | undefined> {
		const body = { build: () => buildCancelBody(promptId, this.deploymentUrl), contentType: 'application/json' };
		const ownCredentials = afterStop ? { client_id: this.clientId, client_secret: this.secret } : undefined;
		const text = await this.call('POST', this.routes.cancel, 'cancel', 'read', scope, body, ownCredentials);
		const json = parseJsonOrUndefined(text) as { message?: unknown; data?: { message?: unknown } } | undefined;
		if (json === undefined) return text.trim() || undefined;
		const message = json?.data?.message ?? json?.message;
		return typeof message === 'string' ? message : undefined;
	}

	private async call(
		method: 'GET' | 'POST',
		url: URL,
		step: HostedStep,
		kind: RequestKind,
		scope: CallScope,
		body?: HopBody,
		ownCredentials?: Record<string, string>,
		target: RequestTargetKind = 'hostedApi',
	): Promise<string> {
		return await callFollowingRedirects({
			http: this.http,
			url,
			method,
			target: { kind: target },
			body,
			credentialsOrigin: this.routes.origin,
			maxRedirects: MAX_HOSTED_REDIRECTS,
			tooManyRedirects: () => new InferRedirectError(`${url.host} redirected more than ${MAX_HOSTED_REDIRECTS} times; the link may be broken.`),
			deadline: scope.deadline,
			retry: { ...scope.retry, kind, deadline: scope.deadline, secret: this.secret },
			statusError: (status, text, retryAfterMs) => hostedHttpFailure(status, text, step, this.secret, retryAfterMs),
			connectionError: (failure) => new HostedNetworkError(failure.host, failure.code, 'api'),
			ownCredentials,
			read: async (answer) => await readAll(answer.body, MAX_ANSWER_BYTES),
		});
	}
}

function parseJsonOrUndefined(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

async function readAll(body: ResponseBody, limit: number): Promise<string> {
	const parts: Buffer[] = [];
	let size = 0;
	for await (const chunk of body) {
		size += chunk.length;
		if (size > limit) {
			body.destroy();
			throw new ResultFormatError(`the answer is larger than ${formatBytes(limit)}`, '');
		}
		parts.push(chunk);
	}
	return Buffer.concat(parts).toString('utf8');
}
