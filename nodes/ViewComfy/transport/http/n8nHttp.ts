/**
 * The two request helpers of n8n the transport sends through, injected as a small interface so
 * the transport can run in n8n-core's engine or against loopback servers in tests alike.
 */
import type { IExecuteFunctions, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';

/** The credential type whose `authenticate` block adds `client_id` / `client_secret`. */
export const CREDENTIAL_TYPE = 'viewComfyApi';

/** An answer body as n8n's helpers hand it over with `encoding: 'stream'` (a Node Readable). */
export interface ResponseBody extends AsyncIterable<Buffer> {
	destroy(error?: Error): void;
	once(event: 'close', listener: () => void): unknown;
}

export interface HttpAnswer {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: ResponseBody;
}

export interface N8nHttp {
	/**
	 * `httpRequestWithAuthentication`: the credential adds its headers. n8n replaces
	 * `abortSignal` with the execution's cancel signal, so only `timeout` bounds the wait.
	 */
	withCredentials(options: IHttpRequestOptions): Promise<unknown>;
	/** `httpRequest`: no credentials (other origins, pre-signed download links). */
	plain(options: IHttpRequestOptions): Promise<unknown>;
}

/** The helpers of one node execution. */
export function n8nHttpOf(ctx: IExecuteFunctions): N8nHttp {
	return {
		withCredentials: async (options) => await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, options),
		plain: async (options) => await ctx.helpers.httpRequest(options),
	};
}

/** What `returnFullResponse` + `encoding: 'stream'` give back, typed. */
export function asHttpAnswer(response: unknown): HttpAnswer {
	const full = response as IN8nHttpFullResponse;
	return {
		statusCode: full.statusCode,
		headers: (full.headers ?? {}) as HttpAnswer['headers'],
		body: full.body as ResponseBody,
	};
}
