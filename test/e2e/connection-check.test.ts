/**
 * What a user gets in a real n8n when checking a ViewComfy credential, against the emulator over
 * real HTTP: n8n's own Test connection (POST /rest/credentials/test, what the credential dialog
 * calls), and the node's Check Connection operation, for a direct credential with the right keys,
 * a wrong secret, a wrong URL (a 404 route) and an unreachable host, and for a hosted one.
 *
 * n8n's declarative test counts only a 2xx answer as success and its rules never see the status
 * of an answer it accepts, so it cannot take a deployment's 422 as "keys accepted": Test
 * connection checks the key pair through the hosted API (for a direct credential always
 * https://api.viewcomfy.com, unreachable here); Check Connection checks the Endpoint URL.
 */
import { n8nVersion } from '../../scripts/n8n/paths';
import { freePort } from '../../scripts/n8n/ports';
import { nodeOutput, type Item } from '../../scripts/n8n/run-data';
import { startServer, type LoopbackServer } from '../integration/transport/loopback';
import { SCENARIO_TIMEOUT_MS, SETUP_TIMEOUT_MS } from './helpers/n8n-setup';
import { closeScenario, expectSecretNowhere, openScenario, runToCompletion, type Scenario } from './helpers/scenario';
import { E2E_CLIENT_ID, E2E_SECRET } from './helpers/viewcomfy';
import { chainWorkflow, manualTrigger, type NodeSpec } from './helpers/workflow-builder';

const WRONG_SECRET = 'e2e-WRONG-SECRET-conn-4b9d2e';

type Case = 'direct' | 'directWrongSecret' | 'directWrongUrl' | 'directUnreachable' | 'hosted' | 'hostedWrongSecret';
const CASES: Case[] = ['direct', 'directWrongSecret', 'directWrongUrl', 'directUnreachable', 'hosted', 'hostedWrongSecret'];

/** Credential ids are 16 characters in n8n. */
const credentialRef = (name: Case) => ({ id: `ConnCheck${CASES.indexOf(name)}xxxxxx`.slice(0, 16), name: `ViewComfy ${name}` });

/**
 * n8n 2.40's errors keep the HTTP answer as their cause; 2.8.4's and 1.123.81's do not. Only with
 * it does the tester apply the credential's rules, and name a failed connection by its code.
 */
const TESTER_SEES_ANSWER = (() => {
	const [major, minor] = n8nVersion().split('.').map(Number);
	return major > 2 || (major === 2 && minor >= 40);
})();

interface TestResult {
	status: 'OK' | 'Error';
	message: string;
}

describe('e2e: Test connection and Check Connection', () => {
	let scenario: Scenario;
	let notFound: LoopbackServer;
	let data: Record<Case, Record<string, string>>;
	let checked: Record<Case, Item[]>;
	/** What the emulator saw from the Check Connection run. */
	let checkRequests: string[];
	/** What each Test connection answered, and which requests it made. */
	const tested = {} as Record<Case, { result: TestResult; requests: string[] }>;

	beforeAll(async () => {
		scenario = await openScenario({ workflow: 'txt2img' });
		// A host that answers, but has no deployment at that path: FastAPI's 404.
		notFound = await startServer((_req, res) => {
			res.writeHead(404, { 'content-type': 'application/json' }).end('{"detail":"Not Found"}');
		});
		const unreachable = `http://127.0.0.1:${await freePort()}/`;
		const { url, origin } = scenario.emulator;
		// A direct credential keeps the Hosted API URL it was given (the field is hidden for it):
		// the emulator, which serves the hosted routes too.
		const keys = { clientId: E2E_CLIENT_ID, clientSecret: E2E_SECRET, hostedApiUrl: origin };
		data = {
			direct: { ...keys, apiType: 'direct', endpointUrl: url },
			directWrongSecret: { ...keys, apiType: 'direct', endpointUrl: url, clientSecret: WRONG_SECRET },
			directWrongUrl: { ...keys, apiType: 'direct', endpointUrl: notFound.url('/no-such-deployment') },
			directUnreachable: { ...keys, apiType: 'direct', endpointUrl: unreachable },
			hosted: { ...keys, apiType: 'hosted', endpointUrl: url },
			hostedWrongSecret: { ...keys, apiType: 'hosted', endpointUrl: url, clientSecret: WRONG_SECRET },
		};
		await scenario.instance.importCredentials(CASES.map((name) => ({ ...credentialRef(name), type: 'viewComfyApi', data: data[name] })));

		// Check Connection, once per credential, each node continuing on its error.
		scenario.emulator.clearRequests();
		const checkNode = (name: Case): NodeSpec => ({
			name: `Check ${name}`,
			type: 'n8n-nodes-viewcomfy.viewComfy',
			typeVersion: 1,
			parameters: { operation: 'checkConnection' },
			credentials: { viewComfyApi: credentialRef(name) },
			onError: 'continueRegularOutput',
		});
		const run = await runToCompletion(scenario, chainWorkflow('e2e: check connection', [manualTrigger(), ...CASES.map(checkNode)]));
		checkRequests = scenario.emulator.requests.map((r) => `${r.kind} ${r.status}`);
		checked = Object.fromEntries(CASES.map((name) => [name, nodeOutput(run, `Check ${name}`)])) as Record<Case, Item[]>;

		// Test connection, as the credential dialog sends it.
		const client = await scenario.instance.startServer();
		for (const name of CASES) {
			scenario.emulator.clearRequests();
			const result = await client.rest<TestResult>('POST', '/credentials/test', {
				credentials: { ...credentialRef(name), type: 'viewComfyApi', data: data[name] },
			});
			tested[name] = { result, requests: scenario.emulator.requests.map((r) => `${r.kind} ${r.status}`) };
		}
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		await notFound?.close();
		await closeScenario(scenario);
	}, SCENARIO_TIMEOUT_MS);

	describe("n8n's Test connection", () => {
		// n8n drops the Hosted API URL a direct credential hides, so its test asks the default,
		// https://api.viewcomfy.com, which this sandbox cannot reach: what a user sees offline.
		it('direct: asks the hosted API, never the Endpoint URL, whatever the keys and the URL', () => {
			for (const name of ['direct', 'directWrongSecret', 'directWrongUrl', 'directUnreachable'] as const) {
				expect({ name, ...tested[name] }).toEqual({
					name,
					result: {
						status: 'Error',
						message: TESTER_SEES_ANSWER
							? expect.stringMatching(/^(ENOTFOUND|EAI_AGAIN)$/)
							: 'The connection cannot be established, this usually occurs due to an incorrect host (domain) value',
					},
					requests: [],
				});
			}
			expect(notFound.requests).toHaveLength(1); // Check Connection's, not Test connection's
		});

		it('hosted, right keys: succeeds, from the status of a run that does not exist; the deployment is not called', () => {
			expect(tested.hosted).toEqual({ result: { status: 'OK', message: 'Connection successful!' }, requests: ['hosted-status 200'] });
		});

		it('hosted, wrong secret: fails; n8n 2.40 with the words of the credential, older n8n with its own', () => {
			expect(tested.hostedWrongSecret.result).toEqual({
				status: 'Error',
				message: TESTER_SEES_ANSWER
					? 'ViewComfy refused the Client ID and Client Secret (HTTP 401). Copy both again from the API tab of the ViewComfy dashboard, from the account that owns the deployment.'
					: 'Authorization failed - please check your credentials',
			});
			// n8n's helper repeats a request refused with 401.
			expect(new Set(tested.hostedWrongSecret.requests)).toEqual(new Set(['hosted-status 401']));
		});

		it('no message carries a secret', () => {
			const messages = JSON.stringify(tested);
			expect(messages).not.toContain(E2E_SECRET);
			expect(messages).not.toContain(WRONG_SECRET);
		});
	});

	describe('the node’s Check Connection', () => {
		it('direct, right keys: one empty request, refused with 422 before anything ran', () => {
			// In node order: direct (422), wrong secret (401, not retried), hosted (200), hosted wrong (401).
			expect(checkRequests.filter((r) => r.startsWith('infer'))).toEqual(['infer 422', 'infer 401']);
			expect(checkRequests.filter((r) => r.startsWith('hosted')).slice(0, 1)).toEqual(['hosted-status 200']);
			expect(checked.direct).toEqual([
				expect.objectContaining({
					json: expect.objectContaining({
						api: 'direct',
						connected: true,
						message:
							'The deployment accepted the Client ID and Client Secret: it refused the empty test request with HTTP 422 before running anything, so no GPU time was used.',
					}),
					pairedItem: { item: 0 },
				}),
			]);
		});

		it('direct, wrong secret: the 401 and the credential fields to fix', () => {
			const [item] = checked.directWrongSecret;
			expect(item.json.error).toContain('ViewComfy answered HTTP 401 Unauthorized');
			expect(item.json.description).toContain('Check the Client ID and Client Secret in the ViewComfy credential');
		});

		it('direct, wrong URL: the 404 and the Endpoint URL to fix', () => {
			const [item] = checked.directWrongUrl;
			expect(item.json.error).toBe('ViewComfy answered HTTP 404 Not Found: Not Found');
			expect(item.json.description).toContain('Check the Endpoint URL');
		});

		it('direct, unreachable host: the refused connection and the Endpoint URL to check', () => {
			const [item] = checked.directUnreachable;
			const host = new URL(data.directUnreachable.endpointUrl).host;
			// A refused connection is retried: a deployment may be restarting.
			expect(item.json.error).toBe(
				`Could not get an answer from ${host}: the connection was refused (ECONNREFUSED) (tried 4 times). Check the Endpoint URL, that the deployment is running, and any proxy settings (HTTP_PROXY, HTTPS_PROXY, NO_PROXY).`,
			);
		});

		it('hosted: right keys accepted, a wrong secret refused', () => {
			expect(checked.hosted[0].json).toMatchObject({ api: 'hosted', connected: true });
			expect(String(checked.hostedWrongSecret[0].json.error)).toContain('401');
		});

		it('leaves neither secret anywhere in n8n’s records, files or logs', async () => {
			await expectSecretNowhere(scenario);
			expect(await scenario.instance.findSecret(WRONG_SECRET)).toEqual([]);
		}, SCENARIO_TIMEOUT_MS);
	});
});
