import type { IExecuteFunctions } from 'n8n-workflow';

import { parseEndpointUrl } from '../helpers/endpointUrl';
import { DEFAULT_HOSTED_API_URL } from '../helpers/hostedApiUrl';
import { UserInputError } from '../helpers/userInputError';
import { HostedApiClient } from '../transport/hosted/hostedClient';
import type { InferConnection } from '../transport/direct/infer';
import { n8nHttpOf } from '../transport/http/n8nHttp';

/** Which API the credential chose; credentials saved before the choice existed are direct. */
export type ApiConnection =
	| { api: 'direct'; connection: InferConnection }
	| { api: 'hosted'; client: HostedApiClient };

/** The credential as the transport needs it, checked once per execution. */
export async function readApiConnection(ctx: IExecuteFunctions): Promise<ApiConnection> {
	const credentials = await ctx.getCredentials('viewComfyApi');
	const connection = connectionOf(credentials);
	if (credentials.apiType !== 'hosted') return { api: 'direct', connection };
	const hostedApiUrl = credentials.hostedApiUrl ?? DEFAULT_HOSTED_API_URL;
	const client = new HostedApiClient({ ...connection, hostedApiUrl: String(hostedApiUrl) }, n8nHttpOf(ctx));
	return { api: 'hosted', client };
}

/** For operations that only exist on the hosted API. */
export async function readHostedClient(ctx: IExecuteFunctions, operation: string): Promise<HostedApiClient> {
	const api = await readApiConnection(ctx);
	if (api.api === 'hosted') return api.client;
	throw new UserInputError(`${operation} needs the ViewComfy hosted API, and this credential uses a direct deployment`, {
		field: 'API',
		hint: 'Open the ViewComfy credential and set API to "ViewComfy Hosted API" (the Endpoint URL, Client ID and Client Secret stay the same).',
	});
}

function connectionOf(credentials: Record<string, unknown>): InferConnection {
	const endpoint = parseEndpointUrl(credentials.endpointUrl);
	const clientId = String(credentials.clientId ?? '').trim();
	const clientSecret = String(credentials.clientSecret ?? '');
	if (!clientId || !clientSecret) {
		throw new UserInputError('The ViewComfy credential has no Client ID or no Client Secret', {
			field: clientId ? 'Client Secret' : 'Client ID',
			hint: 'Copy both from the API tab of the ViewComfy dashboard into the credential.',
		});
	}
	return { endpointUrl: endpoint.href, clientId, clientSecret };
}
