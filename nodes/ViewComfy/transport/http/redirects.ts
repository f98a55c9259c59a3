/**
 * The next request after a 3xx. Pure.
 *
 * Long runs answer a chain of 303s to a result URL, each after ~150 s, so redirects are
 * followed here rather than by undici: we decide the method, the body and, above all, whether
 * the credentials go along (only to the configured endpoint's own origin).
 */
import { parseUrl } from '../../helpers/endpointUrl';
import { InferRedirectError } from './errors';

export interface HopRequest {
	url: URL;
	method: string;
	/** Whether the multipart body is sent (rebuilt) on this hop. */
	sendBody: boolean;
	/** Whether `client_id`/`client_secret` headers go with this hop. */
	withCredentials: boolean;
	/** Set on a hop a redirect led to. */
	redirected?: true;
}

/** Long runs can take 40+ minutes at ~150 s per 303. */
export const MAX_REDIRECTS = 50;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export function isRedirectStatus(status: number): boolean {
	return REDIRECT_STATUSES.has(status);
}

export function firstHop(endpoint: URL): HopRequest {
	return { url: endpoint, method: 'POST', sendBody: true, withCredentials: true };
}

/**
 * @param credentialsOrigin origin of the configured endpoint URL: the only origin trusted with the credentials.
 */
export function nextHop(
	current: HopRequest,
	status: number,
	location: string | string[] | undefined,
	credentialsOrigin: string,
): HopRequest {
	const target = Array.isArray(location) ? location[0] : location;
	if (!target) {
		throw new InferRedirectError(`ViewComfy answered HTTP ${status} (a redirect) without a Location header to follow.`);
	}
	const url = parseUrl(target, current.url);
	if (!url) throw new InferRedirectError(`ViewComfy answered HTTP ${status} with a Location that is not a URL.`);
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new InferRedirectError(`ViewComfy redirected to a ${url.protocol} URL, which cannot be followed.`);
	}
	// RFC 9110 §15.4: 303 always becomes GET; 301/302 after POST do so too in every client.
	const keepMethod = status === 307 || status === 308 || (current.method !== 'POST' && status !== 303);
	const method = keepMethod ? current.method : 'GET';
	return {
		url,
		method,
		sendBody: keepMethod && current.sendBody,
		withCredentials: url.origin === credentialsOrigin,
		redirected: true,
	};
}
