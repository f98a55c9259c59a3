/**
 * `npm run test:batch`: a scheduled batch of 1,000 prompts on the newest n8n target (filesystem
 * binary mode, one `n8n start`), the way the mission's users run one: Schedule Trigger → Code
 * (the prompts) → ViewComfy with concurrency 8, against the emulator with 50 ms of GPU time and a
 * 1 MiB output per run (beside a 64×64 PNG). Checks that all outputs are in n8n's execution store, in input order,
 * each paired with its prompt and carrying its own image; reports wall time against the ideal and
 * n8n's peak RSS at 100 and 1,000 items (reported, never asserted).
 *
 * n8n's own run data is measured as the length of the execution's data the public API returns
 * (the items n8n keeps until the execution ends). Beside it, a reference: the same batch with
 * n8n's HTTP Request node fetching a 1 MiB file per item (50 ms per request, batches of 8) in a
 * second, fresh `n8n start`: what the same item count and binary sizes cost without the package.
 *
 *   --write-docs   write the figures into docs/performance.md (between the batch markers)
 *   --counts A,B   other batch sizes than 100,1000 (to try the stage out quickly)
 *   --json FILE    also write a jest-style report (for scripts/summarize-tests.cjs)
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { ensureN8n, type N8nInstall } from '../../scripts/n8n/ensure-n8n';
import { N8nInstance, type WorkflowSpec } from '../../scripts/n8n/instance';
import { packNode } from '../../scripts/n8n/pack';
import { REPO_ROOT } from '../../scripts/n8n/paths';
import { readBinary, nodeOutput, type Item } from '../../scripts/n8n/run-data';
import { LATEST_TARGET } from '../../scripts/n8n/targets';
import { createActiveWorkflow, inferRequests, maxOverlap, waitForExecution, type PublicExecution, type Scenario } from '../e2e/helpers/scenario';
import { CREDENTIAL_REF, E2E_CLIENT_ID, E2E_SECRET, fixtureWorkflowText, mappedParameters, viewComfyCredential, viewComfyNode } from '../e2e/helpers/viewcomfy';
import { chainWorkflow, codeNode, type NodeSpec } from '../e2e/helpers/workflow-builder';
import { startEmulator, type EmulatorHandle } from '../emulator/server';
import { argValue, Checks, finishChecks, runScenario } from './checks';
import { renderBatchFigures, writeBatchFiguresIntoDoc, type BatchFigures, type BatchRun } from './batch-1000-figures';
import { MemoryWatch, readMemory } from './proc-memory';
import { sample } from './stages/verify-answers';
import { TXT2IMG_FIXTURE } from './stages/setup';

const SETTINGS = { counts: [100, 1000], concurrency: 8, latencyMs: 50, outputBytes: 2 ** 20 };
const PROMPT_KEY = '6-inputs-text';
const SEED_KEY = '3-inputs-seed';
/**
 * 64×64 images, as in the benchmark: the emulator draws every PNG in JavaScript, and 160 images
 * of 512×512 a second (8 runs every 50 ms) would make it, not n8n or the node, the bottleneck.
 */
const IMAGE_SIZE = { '5-inputs-width': 64, '5-inputs-height': 64 };
const prompt = (i: number) => `a lighthouse on a cliff at dusk, variation ${i + 1}`;
const seed = (i: number) => 5000 + i;

/** Runs that can be in flight × GPU time: what 1,000 runs would take with no cost but the GPU's. */
const idealSeconds = (count: number) => (Math.ceil(count / SETTINGS.concurrency) * SETTINGS.latencyMs) / 1000;

/** A Schedule Trigger firing once, a few seconds from now, then the prompts and the node under test. */
function batchWorkflow(name: string, count: number, node: NodeSpec): WorkflowSpec {
	const second = (new Date().getSeconds() + 8) % 60;
	return chainWorkflow(name, [
		{
			name: 'Schedule',
			type: 'n8n-nodes-base.scheduleTrigger',
			typeVersion: 1.2,
			parameters: { rule: { interval: [{ field: 'cronExpression', expression: `${second} * * * * *` }] } },
		},
		codeNode('Prompts', `return Array.from({ length: ${count} }, (_, i) => ({ json: { i, prompt: \`a lighthouse on a cliff at dusk, variation \${i + 1}\`, seed: 5000 + i } }));`),
		node,
	]);
}

const viewComfyUnderTest = (): NodeSpec =>
	viewComfyNode({
		workflowJson: fixtureWorkflowText('txt2img'),
		parameters: mappedParameters({ [PROMPT_KEY]: '={{ $json.prompt }}', [SEED_KEY]: '={{ $json.seed }}', ...IMAGE_SIZE }),
		resultMode: 'wait',
		outputMode: 'allOnOneItem',
		options: { concurrency: SETTINGS.concurrency, randomizeSeed: 'never' },
	});

/** n8n's own node doing the same amount of binary work: one 1 MiB file per item, 8 at a time. */
const httpRequestReference = (url: string): NodeSpec => ({
	name: 'HTTP Request',
	type: 'n8n-nodes-base.httpRequest',
	typeVersion: 4.2,
	parameters: {
		url: `=${url}?i={{ $json.i }}`,
		options: {
			batching: { batch: { batchSize: SETTINGS.concurrency, batchInterval: SETTINGS.latencyMs } },
			response: { response: { responseFormat: 'file', outputPropertyName: 'data' } },
		},
	},
});

/** A loopback file server answering every GET with the same 1 MiB after 50 ms, like one GPU run. */
interface FileServer {
	url: string;
	server: Server;
	/** GETs answered or under way since the count was last reset. */
	requests: number;
}

const files: FileServer = { url: '', server: createServer(), requests: 0 };

async function startFileServer(): Promise<void> {
	const body = Buffer.alloc(SETTINGS.outputBytes, 7);
	const server = createServer((_req, res) => {
		files.requests++;
		setTimeout(() => {
			res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': body.length, 'content-disposition': 'attachment; filename="large.mp4"' });
			res.end(body);
		}, SETTINGS.latencyMs);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	files.server = server;
	files.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/file`;
}

interface ExecutionTimes extends PublicExecution {
	startedAt?: string;
	stoppedAt?: string;
}

const nodeSeconds = (execution: PublicExecution, node: string): number => {
	const run = execution.data?.resultData.runData[node]?.[0] as { executionTime?: number } | undefined;
	return (run?.executionTime ?? NaN) / 1000;
};

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Checks of one batch's outputs as n8n stored them: count, order, pairing, each item's own files. */
function checkOutputs(checks: Checks, label: string, outputs: Item[], count: number, instance: N8nInstance, viewComfy: boolean): void {
	checks.check(`${label}: n8n stored ${count} output items`, outputs.length === count, `${outputs.length} items`);
	const unpaired = outputs.map((item, i) => [item, i] as const).filter(([item, i]) => JSON.stringify(item.pairedItem) !== JSON.stringify({ item: i })).map(([item, i]) => `#${i}: ${JSON.stringify(item.pairedItem)}`);
	checks.check(`${label}: every output i is paired with input item i`, outputs.length === count && unpaired.length === 0, sample(unpaired));
	const noFile = outputs.map((item, i) => [item, i] as const).filter(([item]) => !Object.values(item.binary ?? {}).some((b) => b.id?.startsWith('filesystem'))).map(([, i]) => `#${i}`);
	checks.check(`${label}: every output carries its files in n8n's filesystem store`, noFile.length === 0, sample(noFile));
	if (!viewComfy) return;
	const misordered = outputs
		.map((item, i) => [item.json.params as Record<string, unknown> | undefined, i] as const)
		.filter(([params, i]) => params?.[PROMPT_KEY] !== prompt(i) || params?.[SEED_KEY] !== seed(i) || params?.['5-inputs-width'] !== IMAGE_SIZE['5-inputs-width'])
		.map(([params, i]) => `#${i}: ${JSON.stringify(params)}`);
	checks.check(`${label}: output i carries prompt i and seed i (input order)`, outputs.length === count && misordered.length === 0, sample(misordered));
	const pngs = outputs.map((item) => Object.values(item.binary ?? {}).find((b) => b.mimeType === 'image/png'));
	const hashes = new Set(pngs.filter((b) => b !== undefined).map((b) => sha(readBinary(instance.userFolder, b))));
	checks.check(`${label}: each output has its own seed's PNG (${count} distinct images read from the store)`, hashes.size === count, `${hashes.size} distinct of ${pngs.length}`);
}

async function until(condition: () => boolean, timeoutMs: number, failure: string): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(failure);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

interface BatchUnderTest {
	kind: 'viewcomfy' | 'reference';
	count: number;
	node: NodeSpec;
	/** True once the node has made its first call (the execution is under way). */
	started: () => boolean;
}

async function runBatch(checks: Checks, scenario: Scenario, { kind, count, node, started }: BatchUnderTest, pid: number, log: (l: string) => void): Promise<BatchRun> {
	const label = `${kind === 'viewcomfy' ? 'ViewComfy' : 'n8n HTTP Request (reference)'}, ${count} items`;
	const before = readMemory(pid);
	const watch = new MemoryWatch([pid]);
	scenario.emulator.clearRequests();
	files.requests = 0;
	watch.start();
	const workflowId = await createActiveWorkflow(scenario, batchWorkflow(`batch of ${count}: ${kind}`, count, node));
	// The cron fires every minute: once the batch has begun, the trigger goes, so a long batch is never started twice.
	await until(started, 120_000, `the batch of ${count} did not reach its first call within 120 s of activation`);
	await scenario.instance.client!.deactivateWorkflow(workflowId);
	const execution = (await waitForExecution(scenario, workflowId, 15 * 60_000)) as ExecutionTimes;
	const peak = watch.stop().get(pid)!;
	const ok = checks.check(`${label}: the scheduled execution succeeded`, execution.status === 'success' && execution.mode === 'trigger', `${execution.status}, mode ${execution.mode} ${JSON.stringify(execution.data?.resultData.error ?? '')}`.slice(0, 600));
	const outputs = ok ? nodeOutput(execution.data!, node.name) : [];
	checkOutputs(checks, label, outputs, count, scenario.instance, kind === 'viewcomfy');
	if (kind === 'viewcomfy') {
		const calls = inferRequests(scenario.emulator);
		const overlap = maxOverlap(calls.map((c) => ({ start: Date.parse(c.time), end: Date.parse(c.time) + (c.durationMs ?? 0) })));
		checks.check(`${label}: ViewComfy was called once per item, at most ${SETTINGS.concurrency} at a time`, calls.length === count && overlap <= SETTINGS.concurrency, `${calls.length} calls, at most ${overlap} at once`);
	}
	const run: BatchRun = {
		kind,
		count,
		nodeS: nodeSeconds(execution, node.name),
		executionS: (Date.parse(execution.stoppedAt ?? '') - Date.parse(execution.startedAt ?? '')) / 1000,
		idealS: idealSeconds(count),
		rssBeforeMiB: before?.rssMiB ?? NaN,
		peakMiB: peak.peakMiB,
		peakSource: peak.source,
		executionDataBytes: execution.data ? JSON.stringify(execution.data).length : NaN,
		loadAverage: loadavg()[0],
	};
	log(`  ${label}: node ${run.nodeS.toFixed(2)} s (ideal ${run.idealS.toFixed(2)} s), RSS ${run.rssBeforeMiB.toFixed(0)} → peak ${run.peakMiB.toFixed(0)} MiB (${run.peakSource}), run data ${(run.executionDataBytes / count).toFixed(0)} B per item`);
	return run;
}

async function main(argv: string[]): Promise<number> {
	const started = performance.now();
	const log = (line: string) => console.log(line);
	const checks = new Checks(log);
	const counts = argValue(argv, '--counts');
	if (counts) SETTINGS.counts = counts.split(',').map(Number);
	const figures: BatchFigures = { date: new Date().toISOString(), n8nVersion: LATEST_TARGET.version, settings: SETTINGS, runs: [], startupS: {}, totalS: NaN, result: '' };
	let emulator: EmulatorHandle | undefined;
	try {
		log(`=== start: n8n ${LATEST_TARGET.version}, package, emulator (${SETTINGS.latencyMs} ms a run, ${SETTINGS.outputBytes / 2 ** 20} MiB output), file server`);
		let t = performance.now();
		const install: N8nInstall = await ensureN8n(LATEST_TARGET.version, log);
		const nodePackage = await packNode();
		figures.startupS['n8n install (reused) + pack'] = (performance.now() - t) / 1000;
		emulator = await startEmulator({ port: 0, workflow: TXT2IMG_FIXTURE, clientId: E2E_CLIENT_ID, clientSecret: E2E_SECRET, behaviour: { latencyMs: SETTINGS.latencyMs, outputBytes: SETTINGS.outputBytes } });
		await startFileServer();
		for (const kind of ['viewcomfy', 'reference'] as const) {
			log(`\n=== ${kind === 'viewcomfy' ? 'ViewComfy' : "reference: n8n's HTTP Request node"} in a fresh n8n start`);
			t = performance.now();
			const instance = await N8nInstance.create({ install, nodePackage });
			try {
				await instance.importCredentials([viewComfyCredential(emulator.url, E2E_SECRET, CREDENTIAL_REF)]);
				await instance.startServer();
				figures.startupS[`n8n start (${kind})`] = (performance.now() - t) / 1000;
				const scenario: Scenario = { instance, emulator };
				const node = kind === 'viewcomfy' ? viewComfyUnderTest() : httpRequestReference(files.url);
				const started = kind === 'viewcomfy' ? () => inferRequests(scenario.emulator).length > 0 : () => files.requests > 0;
				for (const count of SETTINGS.counts) {
					try {
						figures.runs.push(await runBatch(checks, scenario, { kind, count, node, started }, instance.server!.pid!, log));
					} catch (error) {
						checks.crashed(`${kind}, ${count} items`, error);
					}
				}
			} finally {
				await instance.dispose();
			}
		}
	} catch (error) {
		checks.crashed('start', error);
	} finally {
		await emulator?.close();
		files.server.close();
	}
	figures.totalS = (performance.now() - started) / 1000;
	figures.result = checks.summary();
	log(`\n=== figures\n${renderBatchFigures(figures)}`);
	if (argv.includes('--write-docs')) {
		writeBatchFiguresIntoDoc(join(REPO_ROOT, 'docs', 'performance.md'), figures);
		log('(figures written into docs/performance.md)');
	}
	return finishChecks(checks, argv, log);
}

runScenario(main);
