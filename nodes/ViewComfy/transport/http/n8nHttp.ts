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
	 * `httpRequestWithAuthentication`: the credential adds its headers. `abortSignal` stops the
	 * request (see withAbortSignal), as it does with `plain`.
	 */
	withCredentials(options: IHttpRequestOptions): Promise<unknown>;
	/** `httpRequest`: no credentials (other origins, pre-signed download links). */
	plain(options: IHttpRequestOptions): Promise<unknown>;
}

/** The helpers of one node execution. */
export function n8nHttpOf(ctx: IExecuteFunctions): N8nHttp {
	return {
		withCredentials: async (options) =>
			await ctx.helpers.httpRequestWithAuthentication.call(withAbortSignal(ctx, options.abortSignal), CREDENTIAL_TYPE, options),
		plain: async (options) => await ctx.helpers.httpRequest(options),
	};
}

/**
 * n8n's authenticated helper replaces the request's `abortSignal` with
 * `this.getExecutionCancelSignal()` (n8n-core 1.122, 2.8 and 2.40 alike). The call's own signal
 * fires on n8n's cancel too, and also at the call's deadline: so the helper is handed a view of
 * the context whose cancel signal is that one. Without it a timeout would leave the connection
 * open until the server answered (axios does not close it on its own `timeout`).
 */
function withAbortSignal(ctx: IExecuteFunctions, signal: IHttpRequestOptions['abortSignal']): IExecuteFunctions {
	if (!signal) return ctx;
	return Object.create(ctx, { getExecutionCancelSignal: { value: () => signal } }) as IExecuteFunctions;
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
