/**
 * Stream Logs on the hosted API in a real n8n. On Node 22+ (n8n 2.40.7 runs on Node 24) the node
 * follows the run over Socket.IO: the output has the image and the run's log lines, and the file
 * is fetched within 100 ms of the emulator pushing the result (polling every 30 s could not). On
 * Node 20 (n8n 2.8.4) there is no WebSocket: one warning in n8n's log, and polling still outputs the image.
 */
import { nodeOutput, readBinary, type Item } from '../../scripts/n8n/run-data';
import type { RecordedRequest, RecordedSocket } from '../emulator/server';
import { SCENARIO_TIMEOUT_MS, SETUP_TIMEOUT_MS } from './helpers/n8n-setup';
import { closeScenario, expectSecretNowhere, openScenario, pngSize, type Scenario } from './helpers/scenario';
import { E2E_CLIENT_ID, E2E_SECRET, fixtureWorkflowText, mappedParameters, viewComfyNode } from './helpers/viewcomfy';
import { chainWorkflow, codeNode, manualTrigger } from './helpers/workflow-builder';

const DEPLOYMENT_URL = 'https://team--viewcomfy-deployment.modal.run/';
const RUN_MS = 3000;
const HOSTED_CREDENTIAL = { id: 'ViewComfyHostedL', name: 'ViewComfy hosted API, live logs (local emulator)' };
// The n8n under test runs on the same Node as jest (npm run test:latest puts Node 24 first on PATH).
const LIVE = Number(process.versions.node.split('.')[0]) >= 22;

describe(`e2e: hosted Stream Logs on Node ${process.versions.node} (${LIVE ? 'live over Socket.IO' : 'polling fallback'})`, () => {
	let scenario: Scenario;
	let output: Item[];
	let requests: RecordedRequest[];
	let sockets: RecordedSocket[];
	let n8nLog: string;

	beforeAll(async () => {
		scenario = await openScenario({ workflow: 'txt2img', behaviour: { hostedRunMs: RUN_MS } });
		await scenario.instance.importCredentials([
			{
				...HOSTED_CREDENTIAL,
				type: 'viewComfyApi',
				data: { apiType: 'hosted', hostedApiUrl: scenario.emulator.origin, endpointUrl: DEPLOYMENT_URL, clientId: E2E_CLIENT_ID, clientSecret: E2E_SECRET },
			},
		]);
		// Started as runToCompletion does, keeping what `n8n execute` printed (n8n's log of the run).
		const id = await scenario.instance.importWorkflow(
			chainWorkflow('e2e: hosted stream logs', [
				manualTrigger(),
				codeNode('Prompt', 'return [{ json: { prompt: "a lighthouse at dusk" } }];'),
				viewComfyNode(
					{
						workflowJson: fixtureWorkflowText('txt2img'),
						parameters: mappedParameters({ '6-inputs-text': '={{ $json.prompt }}' }),
						resultMode: 'stream',
						// Polls far apart: on Node 22+ only the push can end the wait in time.
						options: { pollIntervalSeconds: 30, maxPollIntervalSeconds: 30 },
					},
					{ credentials: { viewComfyApi: HOSTED_CREDENTIAL } },
				),
			]),
		);
		const result = await scenario.instance.execute(id);
		if (!result.ok) throw new Error(`the workflow failed in n8n:\n${result.output.slice(-6000)}`);
		n8nLog = result.output;
		output = nodeOutput(result.run!.data, 'ViewComfy');
		requests = [...scenario.emulator.requests];
		sockets = [...scenario.emulator.sockets];
	}, SETUP_TIMEOUT_MS);

	afterAll(() => closeScenario(scenario), SCENARIO_TIMEOUT_MS);

	it('outputs the 512×512 PNG', () => {
		expect(output).toHaveLength(1);
		const binary = output[0].binary?.data;
		expect(binary?.mimeType).toBe('image/png');
		expect(pngSize(readBinary(scenario.instance.userFolder, binary!))).toEqual({ width: 512, height: 512 });
		expect(output[0].json).toMatchObject({ status: 'success', completed: true });
	});

	// One case per runtime, so neither shows as skipped: the suite runs on Node 20 and on Node 24.
	const liveCase = () => {
		expect(output[0].json.logs).toEqual(expect.arrayContaining(['got prompt', `Prompt executed in ${(RUN_MS / 1000).toFixed(2)} seconds`]));
		expect(n8nLog).toContain('[ViewComfy] got prompt');
		expect(n8nLog).not.toMatch(/no live logs/);
		expect(sockets).toHaveLength(1);
		expect(sockets[0]).toMatchObject({ accepted: true, transport: 'websocket', closedBy: 'client' });
		const pushed = sockets[0].events.at(-1)!;
		expect(pushed.event).toBe('infer_result_message');
		const [download] = requests.filter((r) => r.kind === 'download');
		const lagMs = Date.parse(download.time) - pushed.atMs;
		console.info(`hosted Stream Logs: file requested ${lagMs} ms after the emulator pushed the result`);
		expect(lagMs).toBeLessThan(100);
		// The status of no run through n8n's helper right before the socket (which bypasses them)
		// connects, then only the poll right after the submit: the push ended the wait.
		const statuses = requests.filter((r) => r.kind === 'hosted-status');
		expect(statuses.map((r) => r.hosted?.promptIds?.[0] === '00000000-0000-0000-0000-000000000000')).toEqual([true, false]);
		expect(Date.parse(sockets[0].time)).toBeGreaterThanOrEqual(Date.parse(statuses[0].time));
		expect(requests.find((r) => r.kind === 'hosted-submit')?.hosted).toMatchObject({ sid: sockets[0].sid, sidConnected: true });
	};
	const fallbackCase = () => {
		expect(sockets).toEqual([]);
		expect(output[0].json.logs).toEqual([]);
		expect(n8nLog.match(/no live logs \(this runtime has no WebSocket/g)).toHaveLength(1);
	};
	it(
		LIVE
			? "Node 22+: the log lines are in the output and n8n's log, and the file was fetched within 100 ms of the pushed result"
			: "Node 20: no socket, one warning in n8n's log, the image by polling",
		LIVE ? liveCase : fallbackCase,
	);

	it('leaves the client secret nowhere in n8n’s records, files or logs', () => expectSecretNowhere(scenario), SCENARIO_TIMEOUT_MS);
});
