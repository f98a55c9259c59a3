import type { IExecuteFunctions } from 'n8n-workflow';

import { parseEndpointUrl } from '../helpers/endpointUrl';
import { UserInputError } from '../helpers/userInputError';
import type { InferConnection } from '../transport/infer';

/** The credential as the transport needs it, checked once per execution. */
export async function readConnection(ctx: IExecuteFunctions): Promise<InferConnection> {
	const credentials = await ctx.getCredentials('viewComfyApi');
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
