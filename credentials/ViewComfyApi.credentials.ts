import type {
	IAuthenticateGeneric,
	ICredentialType,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

/**
 * A ViewComfy deployment: the endpoint URL the dashboard shows, and the Client ID / Client Secret
 * pair that ViewComfy expects as `client_id` / `client_secret` headers.
 *
 * The connection test lives on the node (`methods.credentialTest.viewComfyApiTest`), not here as a
 * declarative request: the cheap probe we use answers 422 on success, which a declarative test
 * would count as a failure.
 */
export class ViewComfyApi implements ICredentialType {
	name = 'viewComfyApi';

	displayName = 'ViewComfy API';

	icon: Icon = {
		light: 'file:../nodes/ViewComfy/viewcomfy.svg',
		dark: 'file:../nodes/ViewComfy/viewcomfy.dark.svg',
	};

	documentationUrl = 'https://github.com/ViewComfy/n8n-nodes-viewcomfy#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Endpoint URL',
			name: 'endpointUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://your-workspace--viewcomfy-deployment.modal.run',
			description:
				'The deployment URL from the ViewComfy dashboard (API tab). Requests go to exactly this URL.',
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
	];

	// Lets the same credential drive n8n's HTTP Request node ("Predefined credential type").
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				client_id: '={{$credentials.clientId}}',
				client_secret: '={{$credentials.clientSecret}}',
			},
		},
	};
}
