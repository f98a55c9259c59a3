import { N8nProcess } from '../../../scripts/n8n/processGroup';

export interface N8nWorkerOptions {
	name: string;
	bin: string;
	env: NodeJS.ProcessEnv;
	/** Port of the worker's own HTTP server (health checks); 127.0.0.1 only. */
	healthPort: number;
	concurrency: number;
	logFile: string;
	startTimeoutMs?: number;
}

/** "Worker started execution 12 (job 12)" and "... finished ..." lines n8n 2.8 logs on every worker. */
const STARTED = /Worker started execution (\d+) \(job (\d+)\)/g;
const FINISHED = /Worker finished execution (\d+) \(job (\d+)\)/g;

/**
 * One `n8n worker` in its own process group (its task runner is a child). Which executions it
 * ran is read from its own log: the execution records in the database do not name the worker.
 */
export class N8nWorker {
	private readonly process: N8nProcess;

	constructor(readonly options: N8nWorkerOptions) {
		const { bin, env, healthPort, concurrency, logFile } = options;
		this.process = new N8nProcess({
			bin,
			args: ['worker', `--concurrency=${concurrency}`],
			env: { ...env, QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(healthPort), N8N_WORKER_SERVER_ADDRESS: '127.0.0.1' },
			logFile,
		});
	}

	get name(): string {
		return this.options.name;
	}

	get pid(): number | undefined {
		return this.process.pid;
	}

	get alive(): boolean {
		return this.process.alive;
	}

	output(): string {
		return this.process.output();
	}

	/** Execution ids this worker logged as started (in order). */
	startedExecutions(): string[] {
		return [...this.output().matchAll(STARTED)].map((m) => m[1]);
	}

	finishedExecutions(): string[] {
		return [...this.output().matchAll(FINISHED)].map((m) => m[1]);
	}

	async start(): Promise<void> {
		this.process.spawn();
		// Readiness = connected to the database and to Redis.
		const readiness = `http://127.0.0.1:${this.options.healthPort}/healthz/readiness`;
		await this.process.waitUntilReady(
			async () => {
				try {
					return (await fetch(readiness)).ok;
				} catch {
					return false; // Not listening yet.
				}
			},
			this.options.startTimeoutMs ?? 120_000,
			`n8n worker ${this.name}`,
		);
	}

	/**
	 * A crash as the operating system would cause it: SIGKILL to the worker process only, no
	 * chance to finish or hand back its jobs. Its orphaned task runner is cleaned up afterwards.
	 */
	async crash(): Promise<void> {
		await this.process.crash();
	}

	/** Graceful stop (SIGTERM, n8n waits for running jobs), SIGKILL after `graceMs`. */
	async stop(graceMs = 20_000): Promise<void> {
		await this.process.stop(graceMs);
	}
}
