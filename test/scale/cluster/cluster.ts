import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { N8nInstall } from '../../../scripts/n8n/ensure-n8n';
import { N8nInstance } from '../../../scripts/n8n/instance';
import { freePort } from '../../../scripts/n8n/ports';
import { N8nClient } from '../../../scripts/n8n/rest';
import { N8nServer } from '../../../scripts/n8n/server';
import { PostgresService } from '../services/postgres';
import { RedisService } from '../services/redis';
import { ensureSystemPackages } from '../services/system-packages';
import { queueModeEnv, type QueueEnvOptions } from './queue-env';
import { N8nWorker } from './worker';

export interface QueueClusterOptions {
	install: N8nInstall;
	/** Community package tarball; every process gets its own install, as on separate machines. */
	nodePackage?: string;
	workerConcurrency: number;
	stalledJobs?: QueueEnvOptions['stalledJobs'];
	log: (line: string) => void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `N8nInstance.startServer()` minus its race: n8n answers `/rest/settings` with 200 "n8n is
 * starting up" while it migrates a fresh PostgreSQL, so this also waits for `/healthz/readiness`
 * (connected + migrated) and for a JSON settings answer (controllers mounted).
 */
async function startMain(main: N8nInstance): Promise<void> {
	const server = new N8nServer({ bin: main.install.bin, env: main.env, port: main.port, logFile: join(main.logDir, 'n8n-main.log'), startTimeoutMs: 180_000 });
	main.server = server;
	await server.start();
	const deadline = Date.now() + 180_000;
	for (;;) {
		const ready = await fetch(`${server.baseUrl}/healthz/readiness`).then((r) => r.ok, () => false);
		const settings = ready && (await fetch(`${server.baseUrl}/rest/settings`).then((r) => (r.headers.get('content-type') ?? '').includes('json'), () => false));
		if (settings) break;
		if (Date.now() > deadline) throw new Error(`n8n main did not finish starting within 180 s:\n${server.output().slice(-4000)}`);
		await sleep(500);
	}
	main.client = new N8nClient(server.baseUrl);
	await main.client.setupOwner();
	await main.client.createApiKey();
}

interface WorkerSlot {
	instance: N8nInstance;
	worker: N8nWorker;
}

/**
 * PostgreSQL + Redis + one n8n main + any number of `n8n worker`s, each n8n process with its own
 * user folder (nothing shared but the database, the queue and the encryption key).
 */
export class QueueCluster {
	readonly workers: N8nWorker[] = [];
	/** Seconds each part took to come up, for the figures. */
	readonly startupS: Record<string, number> = {};
	private readonly slots: WorkerSlot[] = [];
	private main: N8nInstance | undefined;
	private sharedEnv: Record<string, string> = {};

	private constructor(
		private readonly options: QueueClusterOptions,
		readonly postgres: PostgresService,
		readonly redis: RedisService,
	) {}

	static async start(options: QueueClusterOptions): Promise<QueueCluster> {
		const { postgresBin, redisServer } = ensureSystemPackages(options.log);
		const postgres = new PostgresService(postgresBin, await freePort());
		const redis = new RedisService(redisServer, join(postgres.root, 'redis'), await freePort());
		const cluster = new QueueCluster(options, postgres, redis);
		const timed = async (what: string, job: () => Promise<void>) => {
			const started = performance.now();
			await job();
			cluster.startupS[what] = (performance.now() - started) / 1000;
		};
		try {
			await timed('PostgreSQL (initdb + start)', () => postgres.start());
			await timed('Redis', () => redis.start());
			cluster.sharedEnv = queueModeEnv({
				encryptionKey: randomBytes(24).toString('hex'),
				database: postgres.n8nEnv(),
				redis: redis.n8nEnv(),
				stalledJobs: options.stalledJobs,
			});
			// The main process runs the database migrations; workers start after it.
			await timed('n8n main (package install, migrations of a fresh database)', async () => {
				cluster.main = await N8nInstance.create({ install: options.install, nodePackage: options.nodePackage, extraEnv: cluster.sharedEnv });
				await startMain(cluster.main);
			});
		} catch (error) {
			await cluster.dispose();
			throw error;
		}
		return cluster;
	}

	get mainInstance(): N8nInstance {
		if (!this.main) throw new Error('The main process is not running');
		return this.main;
	}

	get client(): N8nClient {
		const client = this.mainInstance.client;
		if (!client) throw new Error('The main process has no REST client');
		return client;
	}

	get mainPid(): number | undefined {
		return this.main?.server?.pid;
	}

	get baseUrl(): string {
		return `http://127.0.0.1:${this.mainInstance.port}`;
	}

	async addWorker(name: string): Promise<N8nWorker> {
		const started = performance.now();
		const instance = await N8nInstance.create({ install: this.options.install, nodePackage: this.options.nodePackage, extraEnv: this.sharedEnv });
		const worker = new N8nWorker({
			name,
			bin: this.options.install.bin,
			env: instance.env,
			healthPort: await freePort(),
			concurrency: this.options.workerConcurrency,
			logFile: join(instance.logDir, `worker-${name}.log`),
		});
		this.slots.push({ instance, worker });
		this.workers.push(worker);
		await worker.start();
		this.startupS[`n8n worker ${name} (package install + start)`] = (performance.now() - started) / 1000;
		return worker;
	}

	/** Root pid of each part of the installation, for CPU and memory accounting. */
	processes(): Record<string, number | undefined> {
		return {
			main: this.mainPid,
			...Object.fromEntries(this.workers.filter((w) => w.alive).map((w) => [`worker ${w.name}`, w.pid])),
			PostgreSQL: this.postgres.pid,
			Redis: this.redis.pid,
		};
	}

	/** Every log line any n8n process of the cluster printed, for secret scans and post-mortems. */
	allOutput(): Array<{ where: string; text: string }> {
		return [
			{ where: 'main', text: this.main?.server?.output() ?? '' },
			...this.workers.map((w) => ({ where: `worker ${w.name}`, text: w.output() })),
		];
	}

	/** Folders of every n8n process (user folders, logs). */
	instanceRoots(): string[] {
		return [this.main?.root, ...this.slots.map((s) => s.instance.root)].filter((r): r is string => !!r);
	}

	async dispose(): Promise<void> {
		for (const { worker, instance } of this.slots) {
			await worker.stop(5000);
			await instance.dispose();
		}
		await this.main?.dispose();
		await this.redis.stop();
		this.postgres.dispose();
	}
}
