/**
 * n8n's SSRF protection (n8n 2.12 and later, `N8N_SSRF_PROTECTION_ENABLED=true`) in a real n8n,
 * loopback only: the emulator on 127.0.0.1, a second one on 127.0.0.2 as the "other origin".
 *
 * - No allow-list: n8n refuses 127.0.0.1, and the node says so (which URL, that n8n's SSRF
 *   protection refused it, how an admin allows it) for the Endpoint URL, Check Connection and the
 *   hosted API; nothing reaches the emulator, nothing is retried.
 * - `N8N_SSRF_ALLOWED_IP_RANGES=127.0.0.1/32`: direct wait, direct Stream Logs, a hosted run with
 *   its download and hosted Stream Logs (its socket only right after a request through n8n's
 *   helpers reached the same origin) all work.
 * - Still allowing only 127.0.0.1: a redirect, a hosted download link and a file input URL to 127.0.0.2 are refused
 *   with the same clear message; the other origin receives nothing.
 * - The client secret is nowhere in n8n's records, files or logs.
 *
 * One n8n folder: each `n8n execute` is its own n8n process that reads the environment when it
 * starts, so the allow-list is set between runs as an admin sets it and restarts n8n.
 * n8n before 2.12 has no SSRF protection (no such setting, nothing to refuse): there the scenario
 * is skipped, and says so.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { N8nInstance } from '../../scripts/n8n/instance';
import { n8nVersion, REPO_ROOT } from '../../scripts/n8n/paths';
import { nodeOutput, readBinary, type ExecutionData, type Item } from '../../scripts/n8n/run-data';
import { startEmulator, type EmulatorHandle } from '../emulator/server';
import { e2eLog, n8nInstall, n8nWithNode, SCENARIO_TIMEOUT_MS, SETUP_TIMEOUT_MS } from './helpers/n8n-setup';
import { pngSize } from './helpers/scenario';
import { CREDENTIAL_REF, E2E_CLIENT_ID, E2E_SECRET, fixtureWorkflowText, mappedParameters, viewComfyCredential, viewComfyNode } from './helpers/viewcomfy';
import { chainWorkflow, manualTrigger, type NodeSpec } from './helpers/workflow-builder';

const [MAJOR, MINOR] = n8nVersion().split('.').map(Number);
/** n8n 2.12 brought SSRF protection into its request helpers. */
const HAS_SSRF_PROTECTION = MAJOR > 2 || (MAJOR === 2 && MINOR >= 12);
const DEPLOYMENT_URL = 'https://team--viewcomfy-deployment.modal.run/';
const HOSTED_CREDENTIAL = { id: 'ViewComfySsrfHst', name: 'ViewComfy hosted API (local emulator)' };
const PROMPT = 'a lighthouse at dusk';
const LIVE = Number(process.versions.node.split('.')[0]) >= 22;
/** An address in the URL: n8n checks it against N8N_SSRF_ALLOWED_IP_RANGES only (not the host names). */
const HOW_TO_ALLOW =
	/^An n8n administrator can allow it: add 127\.0\.0\.[12]\/32 to N8N_SSRF_ALLOWED_IP_RANGES \(a comma-separated list in n8n's environment; N8N_SSRF_ALLOWED_HOSTNAMES does not cover a URL that is an address\), then restart n8n\. /;

const run = (name: string, parameters: Record<string, unknown>, hosted = false): NodeSpec =>
	viewComfyNode(
		{ workflowJson: fixtureWorkflowText('txt2img'), parameters: mappedParameters({ '6-inputs-text': PROMPT }), ...parameters },
		{ name, onError: 'continueRegularOutput', credentials: { viewComfyApi: hosted ? HOSTED_CREDENTIAL : CREDENTIAL_REF } },
	);
const checkConnection = (name: string): NodeSpec => ({
	name,
	type: 'n8n-nodes-viewcomfy.viewComfy',
	typeVersion: 1,
	parameters: { operation: 'checkConnection' },
	credentials: { viewComfyApi: CREDENTIAL_REF },
	onError: 'continueRegularOutput',
});

/** The one item a node gave, as a user reads it: its error and description, or its output. */
function only(data: ExecutionData, node: string): Item {
	const items = nodeOutput(data, node);
	expect(items).toHaveLength(1);
	return items[0];
}

/**
 * The refusal a node gave, as the user reads it (printed for the record): `url` and `what` in the
 * message, how an admin allows it and `advice` in the description.
 */
function expectRefusal(data: ExecutionData, node: string, url: string | RegExp, what: string, advice: string): void {
	const { json } = only(data, node);
	console.info(`SSRF, ${node}:\n  ${String(json.error)}\n  ${String(json.description)}`);
	const shownUrl = typeof url === 'string' ? url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : url.source;
	expect(json.error).toMatch(
		new RegExp(`^n8n's SSRF protection refused the request to ${shownUrl}, ${what}: a restricted address on this n8n instance, so nothing was sent there$`),
	);
	expect(json.description).toMatch(HOW_TO_ALLOW);
	expect(json.description).toContain(advice);
}

const describeWithSsrf = HAS_SSRF_PROTECTION ? describe : describe.skip;

describeWithSsrf(`e2e: n8n ${n8nVersion()} with SSRF protection on${HAS_SSRF_PROTECTION ? '' : ' (skipped: n8n before 2.12 has none)'}`, () => {
	let instance: N8nInstance;
	let emulator: EmulatorHandle;
	/** The "other origin" a redirect and a download link point at. */
	let other: EmulatorHandle;
	let refused: ExecutionData;
	let refusedRequests: number;
	let credentialTest: { status: string; message: string };
	let allowed: ExecutionData;
	let redirected: ExecutionData;
	let n8nLogs: string;

	const execute = async (name: string, nodes: NodeSpec[]): Promise<ExecutionData> => {
		const id = await instance.importWorkflow(chainWorkflow(name, [manualTrigger(), ...nodes]));
		const started = Date.now();
		const result = await instance.execute(id);
		e2eLog(`"${name}" executed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
		if (!result.ok) throw new Error(`"${name}" failed in n8n:\n${result.output.slice(-6000)}`);
		n8nLogs += result.output;
		return result.run!.data;
	};

	beforeAll(async () => {
		n8nLogs = '';
		const { install, tarball } = await n8nWithNode();
		const clients = { clientId: E2E_CLIENT_ID, clientSecret: E2E_SECRET };
		const workflow = join(REPO_ROOT, 'test', 'fixtures', 'workflows', 'txt2img.json');
		emulator = await startEmulator({ workflow, ...clients, behaviour: { hostedRunMs: 300 } });
		other = await startEmulator({ workflow, ...clients, host: '127.0.0.2' });
		instance = await N8nInstance.create({ install, nodePackage: tarball, extraEnv: { N8N_SSRF_PROTECTION_ENABLED: 'true' } });
		await instance.importCredentials([
			viewComfyCredential(emulator.url),
			{
				...HOSTED_CREDENTIAL,
				type: 'viewComfyApi',
				data: { apiType: 'hosted', hostedApiUrl: emulator.origin, endpointUrl: DEPLOYMENT_URL, ...clients },
			},
		]);

		// 1. No allow-list: loopback is refused.
		refused = await execute('e2e: SSRF, no allow-list', [
			run('Direct', {}),
			checkConnection('Check Connection'),
			run('Hosted', {}, true),
		]);
		// n8n's own Test connection of the hosted credential (the credential dialog's button): a
		// declarative request n8n sends and words itself.
		const client = await instance.startServer();
		credentialTest = await client.rest<{ status: string; message: string }>('POST', '/credentials/test', {
			credentials: { ...HOSTED_CREDENTIAL, type: 'viewComfyApi', data: { apiType: 'hosted', hostedApiUrl: emulator.origin, endpointUrl: DEPLOYMENT_URL, ...clients } },
		});
		await instance.stopServer();
		refusedRequests = emulator.requests.length;

		// 2. The admin allows the emulator's address (and only it), and restarts n8n.
		instance.env.N8N_SSRF_ALLOWED_IP_RANGES = '127.0.0.1/32';
		emulator.clearRequests();
		allowed = await execute('e2e: SSRF, 127.0.0.1 allowed', [
			run('Direct wait', {}),
			run('Direct stream', { resultMode: 'stream' }),
			run('Hosted wait', {}, true),
			run('Hosted stream', { resultMode: 'stream' }, true),
		]);

		// 3. Still only 127.0.0.1 allowed: the deployment redirects, the hosted API links files, to 127.0.0.2.
		emulator.setBehaviour({ redirectToOrigin: other.origin, hostedLinkOrigin: other.origin });
		redirected = await execute('e2e: SSRF, other origin', [
			run('Redirected', {}),
			run('Linked elsewhere', {}, true),
			run('File from elsewhere', {
				workflowJson: fixtureWorkflowText('img2img'),
				fileInputs: { file: [{ key: '10-inputs-image', binaryProperty: `${other.origin}/inputs/cat.png?X-Amz-Signature=abc` }] },
			}),
		]);
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		await instance?.dispose();
		await emulator?.close();
		await other?.close();
	}, SCENARIO_TIMEOUT_MS);

	it('this n8n has the setting: its configuration reads N8N_SSRF_PROTECTION_ENABLED', () => {
		expect(configKnowsSsrf(join(instance.install.dir, 'node_modules', '@n8n', 'config', 'dist'))).toBe(true);
	});

	describe('without an allow-list', () => {
		it('refuses the Endpoint URL, naming it and how an admin allows it', () => {
			expectRefusal(refused, 'Direct', `${emulator.origin}/`, 'the Endpoint URL', 'If the Endpoint URL is not the deployment you meant, correct it in the ViewComfy credential instead.');
		});

		it('refuses Check Connection and the hosted API the same way', () => {
			expectRefusal(refused, 'Check Connection', `${emulator.origin}/`, 'the URL Check Connection tests', 'correct it in the ViewComfy credential instead');
			expectRefusal(refused, 'Hosted', `${emulator.origin}/api/workflow/infer`, 'a call to the Hosted API URL', 'If the Hosted API URL is not the API you meant');
		});

		it("n8n's own Test connection of the credential fails with n8n's SSRF words (the node has no say there)", () => {
			console.info(`SSRF, Test connection: ${JSON.stringify(credentialTest)}`);
			expect(credentialTest).toEqual({ status: 'Error', message: expect.stringMatching(/restricted IP address|blocked/i) });
		});

		it('sent nothing to the emulator, so nothing was retried', () => {
			expect(refusedRequests).toBe(0);
		});
	});

	describe('with N8N_SSRF_ALLOWED_IP_RANGES=127.0.0.1/32', () => {
		it('direct wait and direct Stream Logs output the 512×512 PNG; Stream Logs with the log lines', () => {
			for (const node of ['Direct wait', 'Direct stream']) {
				const item = only(allowed, node);
				expect({ node, error: item.json.error }).toEqual({ node, error: undefined });
				expect(pngSize(readBinary(instance.userFolder, item.binary!.data))).toEqual({ width: 512, height: 512 });
			}
			expect(only(allowed, 'Direct stream').json.logs).toEqual(expect.arrayContaining(['got prompt']));
		});

		it('a hosted run downloads its file; with Stream Logs too, its socket opened on the API origin only after a status request there', () => {
			for (const node of ['Hosted wait', 'Hosted stream']) {
				const item = only(allowed, node);
				expect({ node, error: item.json.error }).toEqual({ node, error: undefined });
				expect(item.json).toMatchObject({ status: 'success', completed: true });
				expect(pngSize(readBinary(instance.userFolder, item.binary!.data))).toEqual({ width: 512, height: 512 });
			}
			const downloads = emulator.requests.filter((r) => r.kind === 'download');
			expect(downloads.map((r) => r.status)).toEqual([200, 200]);
			if (!LIVE) {
				expect(emulator.sockets).toEqual([]);
				return;
			}
			expect(only(allowed, 'Hosted stream').json.logs).toEqual(expect.arrayContaining(['got prompt']));
			expect(emulator.sockets).toEqual([expect.objectContaining({ accepted: true, transport: 'websocket' })]);
			const socketAt = Date.parse(emulator.sockets[0].time);
			const reached = emulator.requests.filter((r) => r.kind === 'hosted-status' && r.hosted?.promptIds?.[0] === '00000000-0000-0000-0000-000000000000');
			expect(reached).toHaveLength(1);
			expect(Date.parse(reached[0].time)).toBeLessThanOrEqual(socketAt);
		});
	});

	describe('with 127.0.0.1 allowed, an other origin on 127.0.0.2', () => {
		it('refuses a redirect to 127.0.0.2, naming it as a redirect target', () => {
			expectRefusal(redirected, 'Redirected', `${other.origin}/`, 'a redirect target', 'If that redirect is unexpected, do not allow it');
			// One request, answered with the redirect: the refusal was not retried.
			expect(emulator.requests.filter((r) => r.fault === 'redirectToOrigin')).toHaveLength(1);
		});

		it('refuses a hosted download link to 127.0.0.2, shown without its pre-signed query', () => {
			const origin = other.origin.replace(/\./g, '\\.');
			expectRefusal(redirected, 'Linked elsewhere', new RegExp(`${origin}/__hosted-files/[^?\\s]+\\.png`), 'a hosted download link', 'fetch its files with Get Results');
			expect(only(redirected, 'Linked elsewhere').json.error).not.toMatch(/X-Amz|Signature|\?/);
		});

		it('refuses a file input URL on 127.0.0.2, naming the field, shown without its query', () => {
			expectRefusal(redirected, 'File from elsewhere', `${other.origin}/inputs/cat.png`, 'a file input URL \\(File Inputs → 10-inputs-image\\)', 'link the file from a host this n8n may reach');
		});

		it('the other origin received nothing', () => {
			expect(other.requests).toEqual([]);
			expect(other.sockets).toEqual([]);
		});
	});

	it('leaves the client secret nowhere in n8n’s records, files, logs or messages', async () => {
		expect(await instance.findSecret(E2E_SECRET)).toEqual([]);
		expect(n8nLogs).not.toContain(E2E_SECRET);
		expect(JSON.stringify([refused, allowed, redirected])).not.toContain(E2E_SECRET);
	}, SCENARIO_TIMEOUT_MS);
});

/** Whether this n8n's configuration knows the SSRF setting at all. */
function configKnowsSsrf(dir: string): boolean {
	return readdirSync(dir, { withFileTypes: true }).some((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return configKnowsSsrf(path);
		return entry.name.endsWith('.js') && readFileSync(path, 'utf8').includes('N8N_SSRF_PROTECTION_ENABLED');
	});
}

// On n8n before 2.12 the scenario above is skipped; this says why, and checks it.
(HAS_SSRF_PROTECTION ? it.skip : it)(`n8n ${n8nVersion()} has no SSRF protection to test: its configuration has no N8N_SSRF_PROTECTION_ENABLED`, async () => {
	const { dir } = await n8nInstall();
	expect(configKnowsSsrf(join(dir, 'node_modules', '@n8n', 'config', 'dist'))).toBe(false);
}, SETUP_TIMEOUT_MS);
