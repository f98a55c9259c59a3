/**
 * The node's credential test against the emulator, for both API choices: hosted asks for the
 * status of a random prompt id; direct (also a credential without apiType) posts an empty params.
 */
import type { ICredentialDataDecryptedObject, ICredentialTestFunctions } from 'n8n-workflow';

import { ViewComfy } from '../../../nodes/ViewComfy/ViewComfy.node';
import { DEPLOYMENT_URL, HOSTED_CLIENT_ID, HOSTED_SECRET, requestsOf, useHostedEmulator } from './hostedNode';

const emulator = useHostedEmulator();
const { viewComfyApiTest } = new ViewComfy().methods.credentialTest;

const test = (data: ICredentialDataDecryptedObject) =>
	viewComfyApiTest.call({} as ICredentialTestFunctions, { id: '1', name: 'ViewComfy', type: 'viewComfyApi', data });

describe('credential test', () => {
	it('hosted: one status request for a random id, with the credentials; OK', async () => {
		const emu = emulator();
		const result = await test({ apiType: 'hosted', hostedApiUrl: emu.origin, endpointUrl: DEPLOYMENT_URL, clientId: HOSTED_CLIENT_ID, clientSecret: HOSTED_SECRET });
		expect(result).toEqual({ status: 'OK', message: 'Connection successful: the ViewComfy hosted API accepted the Client ID and Secret' });
		expect(emu.requests.map((r) => r.kind)).toEqual(['hosted-status']);
		expect(emu.requests[0].hosted?.promptIds).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/)]);
		expect(emu.requests[0].headers.client_id).toBe(HOSTED_CLIENT_ID);
	});

	it('hosted: a wrong secret is reported, and not repeated', async () => {
		const emu = emulator();
		const wrong = 'hosted-WRONG-secret-424242';
		const result = await test({ apiType: 'hosted', hostedApiUrl: emu.origin, endpointUrl: DEPLOYMENT_URL, clientId: HOSTED_CLIENT_ID, clientSecret: wrong });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^ViewComfy rejected the Client ID or Client Secret \(HTTP 401\)/);
		expect(result.message).not.toContain(wrong);
	});

	it('hosted: the Endpoint URL is still required (the API is told which deployment to run)', async () => {
		const emu = emulator();
		const result = await test({ apiType: 'hosted', hostedApiUrl: emu.origin, endpointUrl: '', clientId: HOSTED_CLIENT_ID, clientSecret: HOSTED_SECRET });
		expect(result).toEqual({ status: 'Error', message: expect.stringContaining('The Endpoint URL of the ViewComfy credential is empty') });
		expect(emu.requests).toEqual([]);
	});

	it('a credential without apiType tests the direct deployment as before', async () => {
		const emu = emulator();
		const result = await test({ endpointUrl: emu.url, clientId: HOSTED_CLIENT_ID, clientSecret: HOSTED_SECRET });
		expect(result).toEqual({ status: 'OK', message: 'Connection successful: ViewComfy accepted the Client ID and Secret' });
		expect(requestsOf(emu, 'infer')).toEqual([expect.objectContaining({ status: 422, form: expect.objectContaining({ params: '' }) })]);
	});
});
