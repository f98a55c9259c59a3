/**
 * One call to the hosted API or a download link: send, follow redirects, hand back the final
 * answer with its body unread. Credentials go only to the hosted API's own origin, so a redirect
 * to storage, or a pre-signed download link, never sees them.
 */
import { request, type Dispatcher, type FormData } from 'undici';
import { getSharedDispatcher } from './agent';
import { InferRedirectError } from './errors';
import { discardBody, networkErrorCode, type HopResponse } from './exchange';
import { HostedNetworkError } from './hostedErrors';
import { isRedirectStatus, nextHop, type HopRequest } from './redirects';

/** Storage and API redirects are short chains; more means a loop. */
const MAX_HOSTED_REDIRECTS = 10;

export interface HostedCall {
	method: 'GET' | 'POST';
	url: URL;
	/** Headers sent to `credentialsOrigin` only; empty for downloads. */
	credentials: Record<string, string>;
	/** The only origin trusted with the credentials; '' trusts none. */
	credentialsOrigin: string;
	/** Built once per hop that sends a body: a streamed body cannot be sent twice. */
	body?: () => FormData | string;
	/** For a string body; FormData sets its own. */
	contentType?: string;
	target: 'api' | 'download';
	signal: AbortSignal;
}

export async function sendHostedCall(call: HostedCall): Promise<HopResponse> {
	let hop: HopRequest = {
		url: call.url,
		method: call.method,
		sendBody: call.body !== undefined,
		withCredentials: call.credentialsOrigin !== '' && call.url.origin === call.credentialsOrigin,
	};
	for (let redirects = 0; ; redirects++) {
		const res = await sendOnce(hop, call);
		if (!isRedirectStatus(res.statusCode)) return res;
		await discardBody(res.body);
		if (redirects >= MAX_HOSTED_REDIRECTS) {
			throw new InferRedirectError(`${call.url.host} redirected more than ${MAX_HOSTED_REDIRECTS} times; the link may be broken.`);
		}
		hop = nextHop(hop, res.statusCode, res.headers.location, call.credentialsOrigin);
	}
}

async function sendOnce(hop: HopRequest, call: HostedCall): Promise<HopResponse> {
	const headers: Record<string, string> = hop.withCredentials ? { ...call.credentials } : {};
	if (hop.sendBody && call.contentType) headers['content-type'] = call.contentType;
	try {
		return await request(hop.url, {
			method: hop.method as Dispatcher.HttpMethod,
			headers,
			body: hop.sendBody ? call.body!() : undefined,
			dispatcher: getSharedDispatcher(),
			signal: call.signal,
		});
	} catch (err) {
		// The abort reason is already the error to report (timeout or cancel).
		if (call.signal.aborted) throw call.signal.reason;
		throw new HostedNetworkError(hop.url.host, networkErrorCode(err), call.target);
	}
}
