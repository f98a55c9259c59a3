/**
 * `npm run test:scale`: the ViewComfy node in n8n queue mode, end to end. Installs and starts
 * PostgreSQL and Redis (Debian packages, loopback only), n8n 2.8.4 as one main process and two
 * workers, the ViewComfy emulator; then load, a large output, a worker crash and a secret scan.
 * Ends with `N passed, N failed`.
 *
 *   --write-docs   write the measured figures into docs/scaling.md
 *   --json FILE    also write a jest-style report (for scripts/summarize-tests.cjs)
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureN8n } from '../../scripts/n8n/ensure-n8n';
import { packNode } from '../../scripts/n8n/pack';
import { DEFAULT_N8N_VERSION, REPO_ROOT } from '../../scripts/n8n/paths';
import { startEmulator, type EmulatorHandle } from '../emulator/server';
import { Checks, finishChecks, runScenario } from './checks';
import { QueueCluster } from './cluster/cluster';
import type { ScenarioContext, ScenarioSettings } from './context';
import { ExecutionsDb } from './executions-db';
import { newFigures, renderFigures, writeFiguresIntoDoc } from './figures';
import { imageBatch } from './stages/batch';
import { largeBinary } from './stages/large-binary';
import { probeQueueMode } from './stages/probe';
import { secretScan } from './stages/secrets';
import { setupViewComfy, TXT2IMG_FIXTURE } from './stages/setup';
import { workerCrash } from './stages/worker-crash';

const SETTINGS: ScenarioSettings = {
	calls: 60,
	clientConcurrency: 10,
	// Below the client's concurrency, so one worker is the bottleneck and a second one can help.
	workerConcurrency: 5,
	latencyMs: 500,
	largeOutputBytes: 100 * 1024 * 1024,
	crashBatchCalls: 20,
	// Long enough that the killed worker is surely in the middle of its runs.
	crashLatencyMs: 3000,
	// n8n's defaults (60 s / 10 s / 30 s) would make the crash stage wait 1-1.5 minutes.
	stalledJobs: { lockDurationMs: 15_000, lockRenewMs: 3_000, stalledIntervalMs: 5_000 },
};

/** Webhook calls that can run at once: the client's limit or the workers' slots, whichever is lower. */
function idealSeconds(workers: number): number {
	const lanes = Math.min(SETTINGS.clientConcurrency, workers * SETTINGS.workerConcurrency);
	return (Math.ceil(SETTINGS.calls / lanes) * SETTINGS.latencyMs) / 1000;
}

async function main(argv: string[]): Promise<number> {
	const started = performance.now();
	const log = (line: string) => console.log(line);
	const checks = new Checks(log);
	const figures = newFigures(DEFAULT_N8N_VERSION, { ...SETTINGS });
	const credentials = { clientId: 'scale-client', clientSecret: `scale-SECRET-${randomBytes(8).toString('hex')}` };
	let cluster: QueueCluster | undefined;
	let emulator: EmulatorHandle | undefined;
	let db: ExecutionsDb | undefined;

	const stage = async (name: string, job: () => Promise<void> | void) => {
		log(`\n=== ${name}`);
		try {
			await job();
		} catch (error) {
			checks.crashed(name, error);
		}
	};

	try {
		log('=== start: n8n install, package, emulator, PostgreSQL, Redis, n8n main + worker A');
		const install = await ensureN8n(DEFAULT_N8N_VERSION, log);
		const nodePackage = await packNode();
		emulator = await startEmulator({ port: 0, workflow: TXT2IMG_FIXTURE, ...credentials, behaviour: { latencyMs: SETTINGS.latencyMs } });
		cluster = await QueueCluster.start({ install, nodePackage, workerConcurrency: SETTINGS.workerConcurrency, stalledJobs: SETTINGS.stalledJobs, log });
		await cluster.addWorker('A');
		db = await ExecutionsDb.connect(install, cluster.postgres.connection);
		const ctx: ScenarioContext = {
			install,
			cluster,
			db,
			emulator,
			credentials,
			workflows: { imageId: '', imageUrl: '', videoId: '', videoUrl: '' },
			checks,
			figures,
			log,
			settings: SETTINGS,
		};

		await stage('probe: queue mode with n8n nodes only', () => probeQueueMode(ctx));
		await stage('setup: ViewComfy credential and webhook workflows', () => setupViewComfy(ctx));
		await stage(`batch of ${SETTINGS.calls}, 1 worker`, async () => {
			const outcome = await imageBatch(ctx, 'batch, 1 worker', 1000);
			figures.batches.push({ label: 'prompt → image', workers: 1, calls: SETTINGS.calls, wallS: outcome.wallMs / 1000, idealS: idealSeconds(1), perWorker: outcome.perWorker, cpuS: outcome.cpuS, machineBusy: outcome.machineBusy, callMs: outcome.callMs });
		});
		await stage('add worker B', async () => {
			await cluster!.addWorker('B');
		});
		await stage(`batch of ${SETTINGS.calls}, 2 workers`, async () => {
			const outcome = await imageBatch(ctx, 'batch, 2 workers', 2000);
			figures.batches.push({ label: 'prompt → image', workers: 2, calls: SETTINGS.calls, wallS: outcome.wallMs / 1000, idealS: idealSeconds(2), perWorker: outcome.perWorker, cpuS: outcome.cpuS, machineBusy: outcome.machineBusy, callMs: outcome.callMs });
			const idle = Object.entries(outcome.perWorker).filter(([, count]) => count === 0).map(([name]) => name);
			checks.check('batch, 2 workers: both workers ran executions', Object.keys(outcome.perWorker).length === 2 && idle.length === 0, JSON.stringify(outcome.perWorker));
		});
		await stage(`large output (${SETTINGS.largeOutputBytes / 2 ** 20} MiB) through a worker and the main process`, () => largeBinary(ctx));
		await stage('worker crash in the middle of a batch', () => workerCrash(ctx));
		await stage('secret scan', () => secretScan(ctx));
	} catch (error) {
		checks.crashed('start', error);
	} finally {
		Object.assign(figures.startupS, cluster?.startupS ?? {});
		await db?.close().catch(() => undefined);
		await cluster?.dispose().catch((error: Error) => checks.crashed('shutdown', error));
		await emulator?.close();
	}

	figures.totalS = (performance.now() - started) / 1000;
	figures.result = checks.summary();
	log(`\n=== figures\n${renderFigures(figures)}`);
	const figuresFile = join(tmpdir(), 'n8n-nodes-viewcomfy-scale-figures.json');
	writeFileSync(figuresFile, JSON.stringify(figures, null, 2));
	log(`(figures as JSON: ${figuresFile})`);
	if (argv.includes('--write-docs')) {
		writeFiguresIntoDoc(join(REPO_ROOT, 'docs', 'scaling.md'), figures);
		log('(figures written into docs/scaling.md)');
	}
	return finishChecks(checks, argv, log);
}

runScenario(main);
