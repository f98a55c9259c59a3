/**
 * The credential's declarative "Test connection", run the way n8n runs one: its request as the
 * routing of a declarative node, executed by n8n-core's engine (RoutingNode) with the credential
 * attached, against the emulator. n8n counts a 2xx answer as success and anything else as failure.
 */
import type { ICredentialDataDecryptedObject, INodeType } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { ViewComfyApi } from '../../../credentials/ViewComfyApi.credentials';
import { runWorkflowNode } from '../../harness';
import { HarnessNodeTypes } from '../../harness/nodeTypes';
import { DEPLOYMENT_URL, HOSTED_CLIENT_ID, HOSTED_SECRET, requestsOf, useHostedEmulator } from '../hosted/hostedNode';

const emulator = useHostedEmulator();
const credentialType = new ViewComfyApi();
const NIL_PROMPT_ID = '00000000-0000-0000-0000-000000000000';

/** A declarative node whose one request is the credential's test request, as n8n builds it. */
const testNode: INodeType = {
	description: {
		displayName: 'Credential test',
		name: 'credentialTest',
		group: ['transform'],
		version: 1,
		description: 'Runs the ViewComfy credential test request',
		defaults: { name: 'Credential test' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'viewComfyApi', required: true }],
		properties: [{ displayName: 'Temp', name: 'temp', type: 'string', default: '', routing: { request: credentialType.test.request } }],
	},
};

async function testConnection(data: ICredentialDataDecryptedObject) {
	const run = await runWorkflowNode({
		node: { name: 'Credential test', typeName: 'n8n-nodes-viewcomfy.credentialTest', type: testNode },
		credentials: { viewComfyApi: { type: credentialType, data } },
	});
	await run.dispose();
	return run;
}

describe('the credential test', () => {
	it('hosted: one status request for a prompt id no run has, with the trimmed credentials; success', async () => {
		const emu = emulator();
		const run = await testConnection({
			apiType: 'hosted',
			hostedApiUrl: `${emu.origin}/`,
			endpointUrl: DEPLOYMENT_URL,
			clientId: ` ${HOSTED_CLIENT_ID}\n`,
			clientSecret: `${HOSTED_SECRET} `,
		});
		expect(run.status).toBe('success');
		expect(emu.requests.map((r) => r.kind)).toEqual(['hosted-status']);
		expect(emu.requests[0].hosted?.promptIds).toEqual([NIL_PROMPT_ID]);
		expect(emu.requests[0].headers.client_id).toBe(HOSTED_CLIENT_ID);
		// The emulator answers 401 to any other secret; it records the header masked.
		expect(emu.requests[0].status).toBe(200);
	});

	it('hosted: a wrong secret fails the test with the HTTP status', async () => {
		const emu = emulator();
		const run = await testConnection({
			apiType: 'hosted',
			hostedApiUrl: emu.origin,
			endpointUrl: DEPLOYMENT_URL,
			clientId: HOSTED_CLIENT_ID,
			clientSecret: 'hosted-WRONG-secret-424242',
		});
		expect(run.status).toBe('error');
		expect(run.run.data.resultData.error).toMatchObject({ httpCode: '401' });
		expect(emu.requests[0].status).toBe(401);
		// n8n's authenticated helper sends a request refused with 401 once more (after its
		// pre-authentication step); both are status requests that cost no run.
		expect(new Set(emu.requests.map((r) => `${r.kind} ${r.status}`))).toEqual(new Set(['hosted-status 401']));
	});

	it('direct: checks the Client ID and Secret without calling the deployment (no GPU time)', async () => {
		const emu = emulator();
		const run = await testConnection({ endpointUrl: emu.url, hostedApiUrl: emu.origin, clientId: HOSTED_CLIENT_ID, clientSecret: HOSTED_SECRET });
		expect(run.status).toBe('success');
		expect(requestsOf(emu, 'infer')).toEqual([]);
		expect(emu.requests.map((r) => r.kind)).toEqual(['hosted-status']);
	});

	it('a credential saved without Hosted API URL tests the default URL, as the node runs against it', () => {
		const workflow = new Workflow({ nodes: [], connections: {}, active: false, nodeTypes: new HarnessNodeTypes() });
		const node = { id: '1', name: 'n', type: 't', typeVersion: 1, position: [0, 0] as [number, number], parameters: {} };
		const resolve = (hostedApiUrl: unknown) =>
			workflow.expression.getSimpleParameterValue(node, credentialType.test.request.baseURL!, 'internal', {
				$credentials: { apiType: 'hosted', ...(hostedApiUrl === undefined ? {} : { hostedApiUrl }) },
			} as never);
		expect(resolve(undefined)).toBe('https://api.viewcomfy.com');
		expect(resolve('')).toBe('https://api.viewcomfy.com');
		expect(resolve(' https://proxy.example/viewcomfy/ ')).toBe('https://proxy.example/viewcomfy');
	});
});
