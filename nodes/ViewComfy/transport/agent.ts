/**
 * The one undici dispatcher every call goes through (connection reuse across items).
 *
 * It honours HTTP_PROXY / HTTPS_PROXY / NO_PROXY like other n8n nodes. undici's own headers and
 * body timeouts (300 s each) are off: a cold start or a 40-minute stream must not be cut by them;
 * the caller's overall timeout applies instead.
 */
import { EnvHttpProxyAgent, type Dispatcher } from 'undici';

let shared: EnvHttpProxyAgent | undefined;

/** Created on first use, so proxy variables set after loading are still seen. */
export function getSharedDispatcher(): Dispatcher {
	shared ??= new EnvHttpProxyAgent({ headersTimeout: 0, bodyTimeout: 0 });
	return shared;
}

/** Closes pooled connections (tests, shutdown). The next call creates a new dispatcher. */
export async function closeSharedDispatcher(): Promise<void> {
	const current = shared;
	shared = undefined;
	await current?.close();
}
