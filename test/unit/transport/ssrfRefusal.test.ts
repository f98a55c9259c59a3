/**
 * A refusal by n8n's SSRF protection, classified: the shape n8n hands over is found however it is
 * wrapped, becomes one SsrfRefusedError that names the URL (never its query), what the URL was
 * and how an admin allows it, and is never retried. The real refusal is the e2e scenario's
 * (test/e2e/ssrf-protection.test.ts); n8n-core 2.8 here has no SSRF protection.
 */
import { Readable } from 'node:stream';
import type { IHttpRequestOptions, INode } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { toNodeError } from '../../../nodes/ViewComfy/actions/nodeErrors';
import { CallDeadline } from '../../../nodes/ViewComfy/transport/http/callDeadline';
import { callFollowingRedirects } from '../../../nodes/ViewComfy/transport/http/call';
import { ConnectionError, HttpStatusError, InferRedirectError, SsrfRefusedError, type RequestTarget } from '../../../nodes/ViewComfy/transport/http/errors';
import { ssrfRefusal } from '../../../nodes/ViewComfy/transport/http/exchange';
import type { N8nHttp } from '../../../nodes/ViewComfy/transport/http/n8nHttp';
import { classifyFailure } from '../../../nodes/ViewComfy/transport/http/retry';
import { ssrfRefusal as fakeRefusal } from '../../fakes/ssrfRefusal';

const NODE: INode = { id: 'n', name: 'ViewComfy', type: 'n8n-nodes-viewcomfy.viewComfy', typeVersion: 1, position: [0, 0], parameters: {} };
const SECRET = 'ssrf-unit-SECRET-5e1b';

class NeverStatus extends HttpStatusError {
	afterAttempts(): HttpStatusError {
		return this;
	}
}
class NeverConnection extends ConnectionError {
	afterAttempts(): ConnectionError {
		return this;
	}
}

/** n8n's helpers, faked: 127.0.0.1 answers `answer`; any other host is refused as n8n's SSRF protection does. */
function helpers(answer: (url: URL) => { status: number; headers?: Record<string, string> }): { http: N8nHttp; sent: string[] } {
	const sent: string[] = [];
	const send = async (options: IHttpRequestOptions) => {
		const url = new URL(String(options.url));
		sent.push(url.href);
		if (url.hostname !== '127.0.0.1') throw fakeRefusal(url.hostname === 'localhost' ? '127.0.0.1' : url.hostname, url.hostname);
		const { status, headers } = answer(url);
		return { statusCode: status, headers: headers ?? {}, body: Readable.from([Buffer.from('{}')]) };
	};
	return { http: { plain: send, withCredentials: send }, sent };
}

async function call(http: N8nHttp, url: string, target: RequestTarget): Promise<unknown> {
	const deadline = new CallDeadline(10_000);
	try {
		return await callFollowingRedirects({
			http,
			url: new URL(url),
			method: 'POST',
			target,
			credentialsOrigin: new URL(url).origin,
			maxRedirects: 5,
			tooManyRedirects: () => new InferRedirectError('too many'),
			deadline,
			// A budget that would retry a refused connection five times, at once.
			retry: { kind: 'read', maxRetries: 5, maxRetryWaitMs: 60_000, retryBaseDelayMs: 1, deadline, secret: SECRET },
			statusError: (status, body) => new NeverStatus(status, body, `HTTP ${status}`),
			connectionError: (failure) => new NeverConnection(failure.host, failure.code, failure.message),
			read: async (answer) => answer.statusCode,
		}).then(
			() => undefined,
			(error: unknown) => error,
		);
	} finally {
		deadline.dispose();
	}
}

describe("n8n's SSRF refusal", () => {
	it('is found by name and shape: alone, as the cause of the client error, under an authenticated helper error', () => {
		const blocked = fakeRefusal('127.0.0.2').cause as Error;
		expect(ssrfRefusal(blocked)).toEqual({ ip: '127.0.0.2' });
		expect(ssrfRefusal(fakeRefusal('10.0.0.7', 'internal.example'))).toEqual({ ip: '10.0.0.7' });
		expect(ssrfRefusal(Object.assign(new Error('wrapped'), { cause: fakeRefusal('::1') }))).toEqual({ ip: '::1' });
		expect(ssrfRefusal(Object.assign(new Error('blocked'), { name: 'SsrfBlockedHostnameError', hostname: 'metadata.internal' }))).toEqual({});
		// A refused connection is not a refusal by n8n.
		expect(ssrfRefusal(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }))).toBeUndefined();
		expect(ssrfRefusal(new NodeApiError(NODE, { message: 'x', httpCode: 'ECONNREFUSED' }))).toBeUndefined();
	});

	it('on the Endpoint URL: one SsrfRefusedError naming the URL without its query, one request, no retry', async () => {
		const { http, sent } = helpers(() => ({ status: 200 }));
		const error = await call(http, 'http://127.0.0.2:8188/run?token=pre-signed-secret', { kind: 'endpoint' });
		expect(sent).toEqual(['http://127.0.0.2:8188/run?token=pre-signed-secret']);
		expect(error).toBeInstanceOf(SsrfRefusedError);
		const refused = error as SsrfRefusedError;
		expect(refused).toMatchObject({ shownUrl: 'http://127.0.0.2:8188/run', kind: 'endpoint', hostname: '127.0.0.2', ip: '127.0.0.2' });
		expect(refused.message).toBe(
			"n8n's SSRF protection refused the request to http://127.0.0.2:8188/run, the Endpoint URL: a restricted address on this n8n instance, so nothing was sent there",
		);
		expect(refused.hint).toBe(
			"An n8n administrator can allow it: add 127.0.0.2/32 to N8N_SSRF_ALLOWED_IP_RANGES (a comma-separated list in n8n's environment; N8N_SSRF_ALLOWED_HOSTNAMES does not cover a URL that is an address), then restart n8n. " +
				'If the Endpoint URL is not the deployment you meant, correct it in the ViewComfy credential instead.',
		);
		expect(`${refused.message} ${refused.hint}`).not.toContain('pre-signed-secret');
		expect(classifyFailure(refused, { kind: 'read' })).toEqual({ retryable: false });
	});

	it('on a redirect target: named as one, whatever the call was; the first host was asked once', async () => {
		const { http, sent } = helpers(() => ({ status: 307, headers: { location: 'http://127.0.0.2:9000/files/out.png?X-Amz-Signature=abc' } }));
		const error = (await call(http, 'http://127.0.0.1:8188/', { kind: 'endpoint' })) as SsrfRefusedError;
		expect(sent).toEqual(['http://127.0.0.1:8188/', 'http://127.0.0.2:9000/files/out.png?X-Amz-Signature=abc']);
		expect(error).toBeInstanceOf(SsrfRefusedError);
		expect(error.kind).toBe('redirect');
		expect(error.message).toBe(
			"n8n's SSRF protection refused the request to http://127.0.0.2:9000/files/out.png, a redirect target: a restricted address on this n8n instance, so nothing was sent there",
		);
		expect(error.hint).toMatch(/If that redirect is unexpected, do not allow it/);
	});

	it.each<[RequestTarget, RegExp, RegExp]>([
		[{ kind: 'hostedApi' }, /, a call to the Hosted API URL: /, /correct it in the ViewComfy credential/],
		[{ kind: 'download' }, /, a hosted download link: /, /fetch its files with Get Results/],
		[{ kind: 'inputFile', field: 'File Inputs → 10-inputs-image' }, /, a file input URL \(File Inputs → 10-inputs-image\): /, /link the file from a host this n8n may reach/],
		[{ kind: 'checkConnection' }, /, the URL Check Connection tests: /, /correct it in the ViewComfy credential/],
	])('names what the URL was: %j', async (target, message, hint) => {
		const { http } = helpers(() => ({ status: 200 }));
		const error = (await call(http, 'http://localhost:5000/x', target)) as SsrfRefusedError;
		expect(error).toBeInstanceOf(SsrfRefusedError);
		expect(error.message).toMatch(message);
		expect(error.message).toContain('the request to http://localhost:5000/x, ');
		expect(error.message).toContain(': localhost resolves to 127.0.0.1, a restricted address');
		expect(error.hint).toMatch(hint);
	});

	it('says which address a host name resolved to, and suggests its range (/128 for IPv6)', () => {
		const v4 = new SsrfRefusedError('http://files.internal/a.png', 'files.internal', 'download', '10.1.2.3');
		expect(v4.message).toContain('files.internal resolves to 10.1.2.3, a restricted address');
		expect(v4.hint).toContain('add files.internal to N8N_SSRF_ALLOWED_HOSTNAMES, or 10.1.2.3/32 to N8N_SSRF_ALLOWED_IP_RANGES');
		expect(new SsrfRefusedError('http://[::1]:80/', '[::1]', 'endpoint', '::1').hint).toMatch(/^An n8n administrator can allow it: add ::1\/128 to N8N_SSRF_ALLOWED_IP_RANGES \(/);
		// An address in the URL: n8n checks it against the ranges only, so the hint names only those.
		expect(new SsrfRefusedError('http://10.0.0.7/', '10.0.0.7', 'endpoint').hint).toMatch(
			/^An n8n administrator can allow it: add 10\.0\.0\.7\/32 to N8N_SSRF_ALLOWED_IP_RANGES \(a comma-separated list in n8n's environment; N8N_SSRF_ALLOWED_HOSTNAMES does not cover a URL that is an address\)/,
		);
		// A host name on n8n's deny-list (no address): allowed by name only.
		const byName = new SsrfRefusedError('http://blocked.example/', 'blocked.example', 'endpoint').hint;
		expect(byName).toMatch(/^An n8n administrator can allow it: add blocked\.example to N8N_SSRF_ALLOWED_HOSTNAMES \(/);
		expect(byName).not.toContain('N8N_SSRF_ALLOWED_IP_RANGES');
	});

	it('becomes a node error with the refusal as message and how to allow it as description, the secret scrubbed', () => {
		const refused = new SsrfRefusedError(`http://127.0.0.2:1/${SECRET}`, '127.0.0.2', 'endpoint', '127.0.0.2');
		const nodeError = toNodeError(NODE, refused, { itemIndex: 0, secret: SECRET });
		expect(nodeError.message).toMatch(/^n8n's SSRF protection refused the request to http:\/\/127\.0\.0\.2:1\//);
		expect(nodeError.message).not.toContain(SECRET);
		expect(nodeError.description).toMatch(/^An n8n administrator can allow it: add 127\.0\.0\.2\/32 to N8N_SSRF_ALLOWED_IP_RANGES/);
	});
});
