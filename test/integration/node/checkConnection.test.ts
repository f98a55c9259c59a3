/**
 * Check Connection in n8n-core's engine, against the emulator over real HTTP: a direct deployment
 * is sent an empty `params`, which it refuses with 422 after checking the keys (so nothing runs);
 * the hosted API is asked for the status of a run that does not exist. Each failure names the
 * field to fix, and the secret appears nowhere.
 */
import type { IDataObject } from 'n8n-workflow';

import { freePort } from '../../../scripts/n8n/ports';
import { DEPLOYMENT_URL, HOSTED_CLIENT_ID, HOSTED_SECRET, errorText, requestsOf, runNode, useHostedEmulator, visibleText } from '../hosted/hostedNode';
import { startServer, type LoopbackServer } from '../transport/loopback';

const emulator = useHostedEmulator();
const WRONG_SECRET = 'WRONG-secret-check-5f3a91';

const check = async (credential: IDataObject, continueOnFail = false) =>
	await runNode(emulator(), { parameters: { operation: 'checkConnection' }, credential, continueOnFail });

const direct = (extra: IDataObject = {}): IDataObject => ({ apiType: 'direct', endpointUrl: emulator().url, ...extra });

describe('Check Connection, direct deployment', () => {
	let notFound: LoopbackServer;
	beforeAll(async () => {
		// What a wrong path on a deployment host answers: FastAPI's 404.
		notFound = await startServer((_req, res) => {
			res.writeHead(404, { 'content-type': 'application/json' }).end('{"detail":"Not Found"}');
		});
	});
	afterAll(async () => await notFound.close());

	it('right keys: one request with an empty params, refused with 422 before anything runs; the item says so', async () => {
		const run = await check(direct());
		expect(run.error).toBeUndefined();
		expect(run.items).toEqual([
			{
				json: {
					api: 'direct',
					endpointUrl: emulator().url,
					connected: true,
					message:
						'The deployment accepted the Client ID and Client Secret: it refused the empty test request with HTTP 422 before running anything, so no GPU time was used.',
					deploymentAnswer: expect.stringContaining('body.params: params is empty'),
				},
				pairedItem: { item: 0 },
			},
		]);
		const [infer] = requestsOf(emulator(), 'infer');
		expect(emulator().requests).toHaveLength(1);
		expect(infer.status).toBe(422);
		expect(infer.form).toMatchObject({ params: '', logs: 'false', fieldNames: ['params', 'logs'] });
		expect(infer.files).toEqual([]);
		expect(infer.headers.client_id).toBe(HOSTED_CLIENT_ID);
		expect(visibleText(run)).not.toContain(HOSTED_SECRET);
	});

	it('a wrong secret: 401, the Client ID and Client Secret named, the secret nowhere, no retry', async () => {
		const run = await check(direct({ clientSecret: WRONG_SECRET }));
		expect(run.status).toBe('error');
		expect(errorText(run)).toContain('ViewComfy answered HTTP 401 Unauthorized');
		expect(errorText(run)).toContain('Check the Client ID and Client Secret in the ViewComfy credential');
		expect(requestsOf(emulator(), 'infer').map((r) => r.status)).toEqual([401]);
		expect(visibleText(run)).not.toContain(WRONG_SECRET);
	});

	it('a wrong URL (a path the host does not serve): 404 and the Endpoint URL named', async () => {
		const run = await check(direct({ endpointUrl: notFound.url('/wrong-deployment') }));
		expect(run.status).toBe('error');
		expect(errorText(run)).toContain('ViewComfy answered HTTP 404 Not Found: Not Found');
		expect(errorText(run)).toContain('Check the Endpoint URL');
		expect(visibleText(run)).not.toContain(HOSTED_SECRET);
	});

	it('a URL that answers, but not as a deployment (a web page): the Endpoint URL named', async () => {
		const page = await startServer((_req, res) => {
			res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><body><h1>ViewComfy dashboard</h1></body></html>');
		});
		try {
			const run = await check(direct({ endpointUrl: page.url('/dashboard') }));
			expect(run.status).toBe('error');
			expect(errorText(run)).toContain(
				`The Endpoint URL does not answer as a ViewComfy deployment: ${new URL(page.origin).host} answered HTTP 200 (text/html) to a request that a deployment refuses with 422. It answered: ViewComfy dashboard`,
			);
			expect(errorText(run)).toContain('Copy the Endpoint URL again from the API tab of the ViewComfy dashboard');
		} finally {
			await page.close();
		}
	});

	it('a 422 that is not FastAPI\'s validation answer is not taken for a deployment', async () => {
		const other = await startServer((_req, res) => {
			res.writeHead(422, { 'content-type': 'application/json' }).end('{"error":"unprocessable"}');
		});
		try {
			const run = await check(direct({ endpointUrl: other.url('/api') }));
			expect(run.status).toBe('error');
			expect(errorText(run)).toContain(
				`The Endpoint URL does not answer as a ViewComfy deployment: ${new URL(other.origin).host} answered HTTP 422 to a request that a deployment refuses with 422. It answered: {"error":"unprocessable"}`,
			);
		} finally {
			await other.close();
		}
	});

	// A refused connection is retried like any call's (a deployment's host may be restarting): 3
	// retries with full-jitter waits under 1, 2 and 4 s ceilings, so up to 7 s before the error.
	it('an unreachable host: retried, then the connection failure and the Endpoint URL named', async () => {
		const port = await freePort();
		const run = await check(direct({ endpointUrl: `http://127.0.0.1:${port}/` }));
		expect(run.status).toBe('error');
		expect(errorText(run)).toContain(`Could not get an answer from 127.0.0.1:${port}: the connection was refused (ECONNREFUSED) (tried 4 times)`);
		expect(errorText(run)).toContain('Check the Endpoint URL');
	}, 30_000);

	it('Continue On Fail: the failure becomes an error item paired with the input item', async () => {
		const run = await check(direct({ clientSecret: WRONG_SECRET }), true);
		expect(run.status).toBe('success');
		expect(run.items).toEqual([
			{ json: expect.objectContaining({ error: expect.stringContaining('HTTP 401'), httpCode: 401 }), pairedItem: { item: 0 } },
		]);
		expect(visibleText(run)).not.toContain(WRONG_SECRET);
	});
});

describe('Check Connection, hosted API', () => {
	it('right keys: one status request for a run that does not exist; the deployment is not called', async () => {
		const run = await check({});
		expect(run.error).toBeUndefined();
		expect(run.items).toEqual([
			{
				json: {
					api: 'hosted',
					hostedApiUrl: emulator().origin,
					connected: true,
					message:
						'The ViewComfy hosted API accepted the Client ID and Client Secret. It calls the Endpoint URL only when a run is submitted, so the first run checks that one.',
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(emulator().requests.map((r) => `${r.kind} ${r.status}`)).toEqual(['hosted-status 200']);
		expect(emulator().requests[0].hosted?.promptIds).toEqual(['00000000-0000-0000-0000-000000000000']);
		expect(DEPLOYMENT_URL).not.toContain(new URL(emulator().origin).host);
	});

	it('a wrong secret: 401 and the Client ID and Client Secret named, the secret nowhere', async () => {
		const run = await check({ clientSecret: WRONG_SECRET });
		expect(run.status).toBe('error');
		expect(errorText(run)).toMatch(/401/);
		expect(errorText(run)).toMatch(/Client ID and Client Secret/);
		expect(visibleText(run)).not.toContain(WRONG_SECRET);
	});
});
