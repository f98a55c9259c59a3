import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { probeDeployment } from '../transport/direct/deploymentProbe';
import { checkHostedCredentials } from '../transport/hosted/hostedRun';
import { n8nHttpOf } from '../transport/http/n8nHttp';
import { readApiConnection } from './connection';
import { failedItem } from './continueOnFail';
import { hostedCallOptions } from './hostedCallOptions';

export const description: INodeProperties[] = [
	{
		displayName:
			"Checks the credential without running the workflow. Direct deployment: sends the Endpoint URL an empty request, which a deployment refuses with 422 once it has accepted the Client ID and Client Secret (no GPU time). Hosted API: asks for the status of a run that does not exist. The credential's own Test connection cannot check the Endpoint URL (see the README).",
		name: 'checkConnectionNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { operation: ['checkConnection'] } },
	},
];

/** One short request; a cold deployment may still need a few minutes to answer it. */
const CHECK_OPTIONS = { timeoutMinutes: 5, maxRetries: 3, maxRetryWaitSeconds: 120 };

/** One check per input item, each answered by an item saying what was checked. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const api = await readApiConnection(this);
	const secret = api.api === 'direct' ? api.connection.clientSecret : api.client.secret;
	const returnData: INodeExecutionData[] = [];

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const opts = hostedCallOptions(this, CHECK_OPTIONS, itemIndex);
			if (api.api === 'direct') {
				const answer = await probeDeployment(api.connection, { ...opts, http: n8nHttpOf(this) });
				returnData.push({
					json: {
						api: 'direct',
						endpointUrl: api.connection.endpointUrl,
						connected: true,
						message: `The deployment accepted the Client ID and Client Secret: it refused the empty test request with HTTP ${answer.status} before running anything, so no GPU time was used.`,
						deploymentAnswer: answer.serverSays,
					},
					pairedItem: { item: itemIndex },
				});
			} else {
				await checkHostedCredentials(api.client, opts);
				returnData.push({
					json: {
						api: 'hosted',
						hostedApiUrl: api.client.origin,
						connected: true,
						message:
							'The ViewComfy hosted API accepted the Client ID and Client Secret. It calls the Endpoint URL only when a run is submitted, so the first run checks that one.',
					},
					pairedItem: { item: itemIndex },
				});
			}
		} catch (error) {
			returnData.push(failedItem(this, error, { itemIndex, itemCount: items.length, secret }));
		}
	}
	return returnData;
}
