/** The owner account every fresh instance gets; only ever used on loopback test instances. */
export const OWNER = { email: 'owner@example.com', firstName: 'Test', lastName: 'Owner', password: 'Harness-Passw0rd' };

function parseJson(text: string, where: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		throw new Error(`${where} answered something that is not JSON: ${text.slice(0, 500)}`);
	}
}

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
}
