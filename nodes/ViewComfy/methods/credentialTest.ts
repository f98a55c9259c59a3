import type {
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { parseEndpointUrl } from '../helpers/endpointUrl';
import { UserInputError } from '../helpers/userInputError';
import { testCredentials } from '../transport/infer';

/**
 * Tells a good Client ID / Secret from a bad one without running a generation: it sends an
 * empty `params`, which a deployment rejects with 422 after authenticating and before running
 * anything. A deployment that is scaled to zero may still have to start up to answer.
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
	const result = await testCredentials({
		endpointUrl,
		clientId: String(data.clientId ?? ''),
		clientSecret: String(data.clientSecret ?? ''),
	});
	return result.ok
		? { status: 'OK', message: 'Connection successful: ViewComfy accepted the Client ID and Secret' }
		: { status: 'Error', message: result.message };
}
