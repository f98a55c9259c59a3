/** The owner account every fresh instance gets; only ever used on loopback test instances. */
export const OWNER = { email: 'owner@example.com', firstName: 'Test', lastName: 'Owner', password: 'Harness-Passw0rd' };

function parseJson(text: string, where: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		throw new Error(`${where} answered something that is not JSON: ${text.slice(0, 500)}`);
	}
}

/** What `GET /rest/workflows/:id/publication-status` answers (n8n 2.x with the publication service). */
interface PublicationStatus {
	status: 'not_published' | 'in_progress' | 'published' | 'partial' | 'failed';
	triggers: Array<{ nodeId: string; status: string; errorMessage: string | null }>;
}

const PUBLICATION_TIMEOUT_MS = 60_000;
const PUBLICATION_POLL_MS = 250;

export class N8nHttpError extends Error {
	constructor(
		readonly status: number,
		readonly body: string,
		where: string,
	) {
		super(`${where} answered HTTP ${status}: ${body.slice(0, 1000)}`);
	}
}

/**
 * The two HTTP faces of a running n8n: the internal REST API (`/rest`, cookie of the owner) and
 * the public API (`/api/v1`, API key).
 */
export class N8nClient {
	private cookie = '';
	private apiKey = '';

	constructor(readonly baseUrl: string) {}

	/** Creates the instance owner (a fresh instance has none) and keeps its session cookie. */
	async setupOwner(): Promise<void> {
		const res = await fetch(`${this.baseUrl}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(OWNER),
		});
		if (!res.ok) throw new N8nHttpError(res.status, await res.text(), 'POST /rest/owner/setup');
		this.cookie = res.headers
			.getSetCookie()
			.map((c) => c.split(';')[0])
			.join('; ');
	}

	/** Creates a public API key for the owner (all scopes the role has) and uses it from now on. */
	async createApiKey(): Promise<void> {
		const scopes = await this.rest<string[]>('GET', '/api-keys/scopes');
		const key = await this.rest<{ rawApiKey: string }>('POST', '/api-keys', { label: 'harness', scopes, expiresAt: null });
		this.apiKey = key.rawApiKey;
	}

	/** Internal REST call as the owner; returns the `data` field n8n wraps answers in. */
	async rest<T>(method: string, path: string, body?: unknown): Promise<T> {
		const res = await fetch(`${this.baseUrl}/rest${path}`, {
			method,
			headers: { cookie: this.cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		if (!res.ok) throw new N8nHttpError(res.status, text, `${method} /rest${path}`);
		return (parseJson(text, `${method} /rest${path}`) as { data: T }).data;
	}

	/** Public API call (`/api/v1`) with the API key. */
	async api<T>(method: string, path: string, body?: unknown): Promise<T> {
		if (!this.apiKey) throw new Error('No API key yet: call createApiKey() first.');
		const res = await fetch(`${this.baseUrl}/api/v1${path}`, {
			method,
			headers: { 'x-n8n-api-key': this.apiKey, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		if (!res.ok) throw new N8nHttpError(res.status, text, `${method} /api/v1${path}`);
		return (text ? parseJson(text, `${method} /api/v1${path}`) : undefined) as T;
	}

	/**
	 * Activates ("publishes") a workflow through the public API and returns once its triggers are
	 * live, so a production webhook answers and a schedule is registered. Newer n8n (2.40) answers
	 * the activation as soon as it has queued the publication and registers the triggers a moment
	 * later; it reports the progress on `publication-status`. Older n8n (2.8) has no such route
	 * and has registered everything by the time it answers.
	 */
	async activateWorkflow(id: string): Promise<void> {
		// `/activate` is what 2.8 has; 2.40 still serves it (deprecated in favour of `/publish`).
		await this.api('POST', `/workflows/${id}/activate`);
		await this.waitForPublication(id, ['published'], 'activated');
	}

	/** Deactivates ("unpublishes") a workflow and returns once n8n has taken its triggers down. */
	async deactivateWorkflow(id: string): Promise<void> {
		await this.api('POST', `/workflows/${id}/deactivate`);
		await this.waitForPublication(id, ['not_published'], 'deactivated');
	}

	private async waitForPublication(id: string, done: Array<PublicationStatus['status']>, what: string): Promise<void> {
		const deadline = Date.now() + PUBLICATION_TIMEOUT_MS;
		let last: PublicationStatus | undefined;
		while (Date.now() < deadline) {
			try {
				last = await this.rest<PublicationStatus>('GET', `/workflows/${id}/publication-status`);
			} catch (error) {
				// No such route (n8n before the publication service) or the service switched off:
				// then (de)activation happened synchronously inside the call that just returned.
				if (error instanceof N8nHttpError && error.status === 404) return;
				throw error;
			}
			if (done.includes(last.status)) return;
			if (last.status === 'failed' || last.status === 'partial') {
				const reasons = last.triggers.filter((t) => t.errorMessage).map((t) => `node ${t.nodeId}: ${t.errorMessage}`);
				throw new Error(`n8n could not get workflow ${id} ${what} (publication ${last.status}): ${reasons.join('; ') || 'no reason given'}`);
			}
			await new Promise((resolve) => setTimeout(resolve, PUBLICATION_POLL_MS));
		}
		throw new Error(`Workflow ${id} was not ${what} within ${PUBLICATION_TIMEOUT_MS / 1000} s; last publication status: ${JSON.stringify(last)}`);
	}
}
