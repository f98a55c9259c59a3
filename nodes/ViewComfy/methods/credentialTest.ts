import type {
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { parseEndpointUrl } from '../helpers/endpointUrl';
import { UserInputError } from '../helpers/userInputError';
import { testCredentials } from '../transport/infer';
import { testHostedCredentials } from '../transport/hostedTestCredentials';

/**
 * Tells a good Client ID / Secret from a bad one without running a generation.
 * Direct deployment: it sends an empty `params`, which a deployment rejects with 422 after
 * authenticating and before running anything (a deployment scaled to zero may have to start up).
 * Hosted API: it asks for the status of a random prompt id (see hostedTestCredentials.ts).
 */
export async function viewComfyApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	let endpointUrl: string;
	try {
		endpointUrl = parseEndpointUrl(data.endpointUrl).href;
	} catch (error) {
		const hint = error instanceof UserInputError && error.hint ? ` ${error.hint}` : '';
		return { status: 'Error', message: `${(error as Error).message}.${hint}` };
	}
	const connection = {
		endpointUrl,
		clientId: String(data.clientId ?? ''),
		clientSecret: String(data.clientSecret ?? ''),
	};
	const hosted = data.apiType === 'hosted';
	const result = hosted
		? await testHostedCredentials({ ...connection, hostedApiUrl: String(data.hostedApiUrl ?? '') })
		: await testCredentials(connection);
	if (!result.ok) return { status: 'Error', message: result.message };
	return {
		status: 'OK',
		message: hosted
			? 'Connection successful: the ViewComfy hosted API accepted the Client ID and Secret'
			: 'Connection successful: ViewComfy accepted the Client ID and Secret',
	};
}
