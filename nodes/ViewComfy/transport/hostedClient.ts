/**
 * The hosted API's three calls (submit, status, cancel), one attempt each. Retries, polling and
 * deadlines are the caller's (hostedRun.ts); this module only speaks the protocol.
 */
import { parseEndpointUrl } from '../helpers/endpointUrl';
import { hostedRoutes, parseHostedApiUrl, type HostedRoutes } from '../helpers/hostedApiUrl';
import { credentialHeaders, type InferConnection } from './connection';
import { ResultFormatError, formatBytes } from './errors';
import { readBodyStart, type HopResponse, type ResponseBody } from './exchange';
import { hostedHttpFailure, type HostedStep } from './hostedErrors';
import { sendHostedCall } from './hostedExchange';
import { buildCancelBody, buildHostedSubmitForm, type HostedSubmitRequest } from './hostedForm';
import { parseStatusAnswer, parseSubmitAnswer, type HostedRunRecord, type HostedSubmitAnswer } from './hostedRecords';
import { isRetryableStatus, parseRetryAfter } from './retryPolicy';

export interface HostedConnection extends InferConnection {
	/** Base URL of the hosted API, e.g. https://api.viewcomfy.com */
	hostedApiUrl: string;
}

/** Ids per status request: keeps the query string well under common URL limits (8 KB). */
export const STATUS_IDS_PER_REQUEST = 50;

/** Status answers carry every run's workflow; this bounds a runaway one. */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

export class HostedApiClient {
	/** The deployment the hosted API runs (`view_comfy_api_url`). */
	readonly deploymentUrl: string;
	/** The client secret as sent, for redaction. */
	readonly secret: string;
	private readonly routes: HostedRoutes;
	private readonly credentials: Record<string, string>;

	/** Checks the connection settings; throws UserInputError naming the field that is wrong. */
	constructor(conn: HostedConnection) {
		this.routes = hostedRoutes(parseHostedApiUrl(conn.hostedApiUrl));
		this.deploymentUrl = parseEndpointUrl(conn.endpointUrl).href;
		this.credentials = credentialHeaders(conn);
		this.secret = this.credentials.client_secret;
	}

	get apiHost(): string {
		return this.routes.submit.host;
	}

	async submit(promptId: string, req: HostedSubmitRequest, signal: AbortSignal): Promise<HostedSubmitAnswer> {
		const res = await this.send('POST', this.routes.submit, signal, () => buildHostedSubmitForm(req, promptId, this.deploymentUrl));
		return parseSubmitAnswer(await this.readSuccess(res, 'submit'));
	}

	/** Records of the runs ViewComfy knows among `promptIds`, in batches of STATUS_IDS_PER_REQUEST. */
	async status(promptIds: readonly string[], signal: AbortSignal): Promise<HostedRunRecord[]> {
		const records: HostedRunRecord[] = [];
		for (let start = 0; start < promptIds.length; start += STATUS_IDS_PER_REQUEST) {
			const url = this.routes.status(promptIds.slice(start, start + STATUS_IDS_PER_REQUEST));
			const res = await this.send('GET', url, signal);
			records.push(...parseStatusAnswer(await this.readSuccess(res, 'status')));
		}
		return records;
	}

	/** The API's message, if it gave one. */
	async cancel(promptId: string, signal: AbortSignal): Promise<string | undefined> {
		const res = await this.send('POST', this.routes.cancel, signal, () => buildCancelBody(promptId, this.deploymentUrl), 'application/json');
		const text = await this.readSuccess(res, 'cancel');
		try {
			const json = JSON.parse(text) as { message?: unknown; data?: { message?: unknown } };
			const message = json?.data?.message ?? json?.message;
			return typeof message === 'string' ? message : undefined;
		} catch {
			return text.trim() || undefined;
		}
	}

	private async send(
		method: 'GET' | 'POST',
		url: URL,
		signal: AbortSignal,
		body?: () => ReturnType<typeof buildHostedSubmitForm> | string,
		contentType?: string,
	): Promise<HopResponse> {
		return await sendHostedCall({
			method,
			url,
			credentials: this.credentials,
			credentialsOrigin: this.routes.origin,
			body,
			contentType,
			target: 'api',
			signal,
		});
	}

	private async readSuccess(res: HopResponse, step: HostedStep): Promise<string> {
		const status = res.statusCode;
		if (status < 200 || status >= 300) {
			const text = await readBodyStart(res.body);
			const retryAfterMs = isRetryableStatus(status) ? parseRetryAfter(res.headers['retry-after'], Date.now()) : undefined;
			throw hostedHttpFailure(status, text, step, this.secret, retryAfterMs);
		}
		return await readAll(res.body, MAX_ANSWER_BYTES);
	}
}

async function readAll(body: ResponseBody, limit: number): Promise<string> {
	const parts: Buffer[] = [];
	let size = 0;
	for await (const chunk of body) {
		size += (chunk as Buffer).length;
		if (size > limit) {
			body.destroy();
			throw new ResultFormatError(`the answer is larger than ${formatBytes(limit)}`, '');
		}
		parts.push(chunk as Buffer);
	}
	return Buffer.concat(parts).toString('utf8');
}
