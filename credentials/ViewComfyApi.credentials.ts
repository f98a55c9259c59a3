import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
	IHttpRequestOptions,
	Icon,
} from 'n8n-workflow';

/**
 * A ViewComfy deployment: which API the node talks to, the endpoint URL the dashboard shows, and
 * the Client ID / Client Secret pair that ViewComfy expects as `client_id` / `client_secret` headers.
 *
 * Credentials saved before the API choice existed have no `apiType`: they read as `direct`.
 *
 * The connection test asks the hosted API for the status of a prompt id no run has (the nil
 * UUID): a request that costs no run, that ViewComfy refuses with 401/403 when it does not accept
 * the Client ID and Secret, and answers 2xx when it does. A direct deployment has no route that
 * answers 2xx without running the workflow, and n8n's declarative test counts only 2xx as success
 * (with `ignoreHttpStatusErrors` its rules see the body, never the status), so for a direct
 * credential the test checks the key pair only (on https://api.viewcomfy.com: n8n drops the hidden
 * Hosted API URL of a direct credential); the node's Check Connection operation checks the
 * Endpoint URL (see the README).
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
			displayName: 'API',
			name: 'apiType',
			type: 'options',
			options: [
				{
					name: 'Direct Deployment',
					value: 'direct',
					description:
						'Call the deployment URL itself: one request per run, live logs available',
				},
				{
					name: 'ViewComfy Hosted API',
					value: 'hosted',
					description:
						'Go through api.viewcomfy.com: submit now and fetch results later, cancel runs, results as download links',
				},
			],
			default: 'direct',
		},
		{
			displayName: 'Hosted API URL',
			name: 'hostedApiUrl',
			type: 'string',
			default: 'https://api.viewcomfy.com',
			description:
				'Base URL of the ViewComfy hosted API. Keep the default unless ViewComfy gave you another one.',
			// `hide`, not `show`, and not `required`: n8n's public API turns either into a rule that
			// demands this field from every credential that omits API, i.e. every direct one.
			displayOptions: { hide: { apiType: ['direct'] } },
		},
		{
			displayName: 'Endpoint URL',
			name: 'endpointUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://your-workspace--viewcomfy-deployment.modal.run',
			description:
				'The deployment URL from the ViewComfy dashboard (API tab). Direct Deployment: requests go to exactly this URL. Hosted API: it tells the hosted API which deployment to run (sent as view_comfy_api_url).',
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

	/**
	 * Adds the two headers to the node's requests to the credential's own origin, and to n8n's HTTP
	 * Request node ("Predefined credential type"). Pasted values often carry stray spaces.
	 *
	 * A function, not a generic block of `={{$credentials.…}}` expressions: n8n evaluates such a
	 * block with its whole expression engine on every request (a data proxy with `$now` in the
	 * workflow's time zone), which measured about 2 ms per request, half of the node's overhead
	 * on small runs.
	 */
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		return {
			...requestOptions,
			headers: {
				...requestOptions.headers,
				client_id: String(credentials.clientId ?? '').trim(),
				client_secret: String(credentials.clientSecret ?? '').trim(),
			},
		};
	}

	test: ICredentialTestRequest = {
		request: {
			// A credential saved without Hosted API URL uses the default, as the node does.
			baseURL: '={{String($credentials.hostedApiUrl || "https://api.viewcomfy.com").trim().replace(/\\/+$/, "")}}',
			url: '/api/workflow/infer/?prompt_ids=00000000-0000-0000-0000-000000000000',
			method: 'GET',
		},
		// n8n 2.40 applies these to a refusal; 2.8 and 1.123 never see the status here (their error
		// keeps no HTTP answer) and show "Authorization failed - please check your credentials".
		rules: [401, 403].map((status) => ({
			type: 'responseCode' as const,
			properties: {
				value: status,
				message: `ViewComfy refused the Client ID and Client Secret (HTTP ${status}). Copy both again from the API tab of the ViewComfy dashboard, from the account that owns the deployment.`,
			},
		})),
	};
}
