import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const running = new Set<N8nWorker>();
let exitHookInstalled = false;
function killAllOnExit(): void {
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	process.on('exit', () => {
		for (const worker of running) worker.killGroup('SIGKILL');
	});
}

/** "Worker started execution 12 (job 12)" and "... finished ..." lines n8n 2.8 logs on every worker. */
const STARTED = /Worker started execution (\d+) \(job (\d+)\)/g;
const FINISHED = /Worker finished execution (\d+) \(job (\d+)\)/g;

/**
 * One `n8n worker` in its own process group (its task runner is a child). Which executions it
 * ran is read from its own log: the execution records in the database do not name the worker.
 */
export class N8nWorker {
	private child: ChildProcess | undefined;
	private log: WriteStream | undefined;
	private buffer = '';
	private exited: Promise<void> = Promise.resolve();

	constructor(readonly options: N8nWorkerOptions) {}

	get name(): string {
		return this.options.name;
	}

	get pid(): number | undefined {
		return this.child?.pid;
	}

	get alive(): boolean {
		return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
	}

	output(): string {
		return this.buffer;
	}

	/** Execution ids this worker logged as started (in order). */
	startedExecutions(): string[] {
		return [...this.buffer.matchAll(STARTED)].map((m) => m[1]);
	}

	finishedExecutions(): string[] {
		return [...this.buffer.matchAll(FINISHED)].map((m) => m[1]);
	}

	async start(): Promise<void> {
		killAllOnExit();
		const { bin, env, healthPort, concurrency, logFile } = this.options;
		this.log = createWriteStream(logFile, { flags: 'a' });
		const child = spawn(bin, ['worker', `--concurrency=${concurrency}`], {
			env: { ...env, QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(healthPort), N8N_WORKER_SERVER_ADDRESS: '127.0.0.1' },
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		this.child = child;
		running.add(this);
		const collect = (chunk: Buffer) => {
			this.buffer += chunk.toString('utf8');
			this.log?.write(chunk);
		};
		child.stdout!.on('data', collect);
		child.stderr!.on('data', collect);
		this.exited = new Promise((resolve) =>
			child.on('exit', () => {
				running.delete(this);
				resolve();
			}),
		);
		const timeoutMs = this.options.startTimeoutMs ?? 120_000;
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (!this.alive) throw new Error(`n8n worker ${this.name} exited (code ${child.exitCode}) before it was ready:\n${this.buffer.slice(-4000)}`);
			try {
				// Readiness = connected to the database and to Redis.
				const res = await fetch(`http://127.0.0.1:${healthPort}/healthz/readiness`);
				if (res.ok) return;
			} catch {
				// Not listening yet.
			}
			await sleep(500);
		}
		await this.stop();
		throw new Error(`n8n worker ${this.name} was not ready within ${timeoutMs / 1000} s:\n${this.buffer.slice(-4000)}`);
	}

	/**
	 * A crash as the operating system would cause it: SIGKILL to the worker process only, no
	 * chance to finish or hand back its jobs. Its orphaned task runner is cleaned up afterwards.
	 */
	async crash(): Promise<void> {
		if (!this.child?.pid) return;
		process.kill(this.child.pid, 'SIGKILL');
		await this.exited;
		this.killGroup('SIGKILL');
		this.closeLog();
	}

	/** Graceful stop (SIGTERM, n8n waits for running jobs), SIGKILL after `graceMs`. */
	async stop(graceMs = 20_000): Promise<void> {
		if (!this.alive) {
			this.closeLog();
			return;
		}
		this.killGroup('SIGTERM');
		const timedOut = await Promise.race([this.exited.then(() => false), sleep(graceMs).then(() => true)]);
		this.killGroup('SIGKILL');
		if (timedOut) await this.exited;
		this.closeLog();
	}

	killGroup(signal: NodeJS.Signals): void {
		if (!this.child?.pid) return;
		try {
			process.kill(-this.child.pid, signal);
		} catch {
			// The group is already gone.
		}
	}

	private closeLog(): void {
		this.log?.end();
		this.log = undefined;
	}
}
