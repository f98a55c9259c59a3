/**
 * The hosted API's Socket.IO socket does not pass through n8n's request helpers, so neither n8n's
 * SSRF protection nor its proxy settings see it. It may connect only where a request through
 * those helpers has just arrived: a ReachedOrigin says so. HostedApiClient.reachOrigin alone
 * makes one, right after its request to the API's own origin got an answer; the socket client
 * uses each once (test/unit/hosted/reachedOrigin.test.ts checks both).
 */

/** An origin a request through n8n's helpers has just reached. */
export interface ReachedOrigin {
	readonly origin: string;
}

/** Made by markReached and not used yet. */
const unused = new WeakSet<ReachedOrigin>();

/** Only for HostedApiClient.reachOrigin, after its request through n8n's helpers got an answer from `url`'s origin. */
export function markReached(url: URL): ReachedOrigin {
	const reached = Object.freeze({ origin: url.origin });
	unused.add(reached);
	return reached;
}

/**
 * The origin of a ReachedOrigin that markReached made and nobody used yet, using it up; undefined
 * for anything else (a look-alike object, or one already used).
 */
export function useReachedOrigin(reached: ReachedOrigin): string | undefined {
	if (!unused.has(reached)) return undefined;
	unused.delete(reached);
	return reached.origin;
}
