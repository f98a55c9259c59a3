/**
 * The hosted API's base URL from the credential, and the three routes the node calls on it. Pure.
 */
import { parseUrl } from './endpointUrl';
import { UserInputError } from './userInputError';

export const DEFAULT_HOSTED_API_URL = 'https://api.viewcomfy.com';

const FIELD = 'Hosted API URL';
const HINT = `Set Hosted API URL in the ViewComfy credential to ${DEFAULT_HOSTED_API_URL} (or the base URL ViewComfy gave you), without a path.`;

/** Paths of the hosted API; the status route keeps its trailing slash, as the API serves it. */
const INFER_PATH = '/api/workflow/infer';

export interface HostedRoutes {
	/** Origin trusted with the credentials (redirects elsewhere go without them). */
	origin: string;
	submit: URL;
	cancel: URL;
	status(promptIds: readonly string[]): URL;
}

/** The credential's Hosted API URL as a base URL, or a clear error naming the field. */
export function parseHostedApiUrl(value: unknown): URL {
	// A credential saved without the field (e.g. through n8n's public API) means the default.
	const text = value === undefined || value === null ? DEFAULT_HOSTED_API_URL : typeof value === 'string' ? value.trim() : '';
	if (!text) throw new UserInputError('The Hosted API URL of the ViewComfy credential is empty', { field: FIELD, hint: HINT });
	const url = parseUrl(text);
	if (!url) {
		throw new UserInputError(`The Hosted API URL ${JSON.stringify(text.slice(0, 80))} is not a valid URL`, { field: FIELD, hint: HINT });
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new UserInputError(`The Hosted API URL must start with https:// or http://, not ${url.protocol}//`, { field: FIELD, hint: HINT });
	}
	if (url.username || url.password) {
		throw new UserInputError('The Hosted API URL must not contain a user name or password', {
			field: FIELD,
			hint: 'Put the Client ID and Client Secret in their own fields of the credential.',
		});
	}
	// A URL copied from the API docs often carries the route itself; the base is what is before it.
	const at = url.pathname.indexOf(INFER_PATH);
	const base = (at >= 0 ? url.pathname.slice(0, at) : url.pathname).replace(/\/+$/, '');
	return new URL(`${url.origin}${base}`);
}

export function hostedRoutes(base: URL): HostedRoutes {
	const root = `${base.origin}${base.pathname.replace(/\/+$/, '')}${INFER_PATH}`;
	return {
		origin: base.origin,
		submit: new URL(root),
		cancel: new URL(`${root}/cancel`),
		status(promptIds) {
			const url = new URL(`${root}/`);
			for (const id of promptIds) url.searchParams.append('prompt_ids', id);
			return url;
		},
	};
}
