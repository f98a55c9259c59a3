/**
 * The transport's N8nHttp over n8n-core's own `httpRequest` (the function behind both helpers),
 * for tests that call the transport without a whole node execution. The authenticated side
 * behaves like n8n's: it adds the credential's headers and REPLACES the request's abortSignal
 * with the execution's cancel signal, so tests prove the deadline does not depend on it.
 */
import { httpRequest } from 'n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions';
import type { IHttpRequestOptions } from 'n8n-workflow';

import type { N8nHttp } from '../../../nodes/ViewComfy/transport/http/n8nHttp';

export function n8nHttp(credentials: { clientId: string; clientSecret: string }, cancelSignal?: AbortSignal): N8nHttp {
	return {
		withCredentials: async (options: IHttpRequestOptions) =>
			await httpRequest({
				...options,
				headers: { ...options.headers, client_id: credentials.clientId.trim(), client_secret: credentials.clientSecret.trim() },
				abortSignal: cancelSignal,
			}),
		plain: async (options: IHttpRequestOptions) => await httpRequest(options),
	};
}
