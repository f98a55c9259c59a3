import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

export interface N8nProcessOptions {
	bin: string;
	/** `['start']`, `['worker', '--concurrency=5']`, … */
	args: string[];
	env: NodeJS.ProcessEnv;
	/** Everything the process prints goes here (and stays readable through `output()`). */
	logFile: string;
	cwd?: string;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Processes some test or demo started and must not outlive it, even on Ctrl+C or a crash. */
const running = new Set<N8nProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	process.on('exit', () => {
		for (const child of running) child.signalGroup('SIGKILL');
	});
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		process.once(signal, () => {
			for (const child of running) child.signalGroup('SIGKILL');
			process.exit(130);
		});
	}
}

/**
 * One n8n command in its own process group: signals go to the group, so the task runner and any
 * other child n8n spawned go down with it. Shared by `n8n start` (N8nServer) and `n8n worker`.
 */
export class N8nProcess {
	private child: ChildProcess | undefined;
	private log: WriteStream | undefined;
	private buffer = '';
	/** Resolves once the n8n process itself has exited. */
	exited: Promise<void> = Promise.resolve();

	constructor(private readonly options: N8nProcessOptions) {}

	/** Pid of the n8n process, which is also its process group id. */
	get pid(): number | undefined {
		return this.child?.pid;
	}

	get alive(): boolean {
		return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
	}

	get exitCode(): number | null | undefined {
		return this.child?.exitCode;
	}

	/** All output so far. */
	output(): string {
		return this.buffer;
	}

	spawn(): void {
		installExitHook();
		const { bin, args, env, cwd, logFile } = this.options;
		this.log = createWriteStream(logFile, { flags: 'a' });
		const child = spawn(bin, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
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
	}

	/**
	 * Polls `ready` every 500 ms until it answers true; fails at once if the process exits first,
	 * and stops the group if the time runs out. `what` names the process in the errors.
	 */
	async waitUntilReady(ready: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (!this.alive) {
				throw new Error(`${what} exited with code ${this.exitCode} before it was ready:\n${this.buffer.slice(-4000)}`);
			}
			if (await ready()) return;
			await sleep(500);
		}
		await this.stop();
		throw new Error(`${what} was not ready within ${timeoutMs / 1000} s:\n${this.buffer.slice(-4000)}`);
	}

	/** SIGTERM to the whole group, SIGKILL after a grace period; resolves once nothing of it is left. */
	async stop(graceMs = 15_000): Promise<void> {
		if (!this.alive) {
			this.closeLog();
			return;
		}
		this.signalGroup('SIGTERM');
		let timer: NodeJS.Timeout | undefined;
		const timedOut = await Promise.race([
			this.exited.then(() => false),
			new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs))),
		]);
		clearTimeout(timer);
		// Whatever the main process left behind (task runner) goes too.
		this.signalGroup('SIGKILL');
		if (timedOut) await this.exited;
		await this.groupGone();
		this.closeLog();
	}

	/**
	 * A crash as the operating system would cause it: SIGKILL to the n8n process only, no chance to
	 * finish or hand back its work. Its orphaned children are cleaned up afterwards.
	 */
	async crash(): Promise<void> {
		if (!this.child?.pid) return;
		process.kill(this.child.pid, 'SIGKILL');
		await this.exited;
		this.signalGroup('SIGKILL');
		this.closeLog();
	}

	signalGroup(signal: NodeJS.Signals): void {
		if (!this.child?.pid) return;
		try {
			process.kill(-this.child.pid, signal);
		} catch {
			// The group is already gone.
		}
	}

	/** Waits until no process of the group is left (killed grandchildren take a moment to be reaped). */
	private async groupGone(timeoutMs = 10_000): Promise<void> {
		const pid = this.child?.pid;
		if (!pid) return;
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			try {
				process.kill(-pid, 0);
			} catch {
				return;
			}
			await sleep(100);
		}
		throw new Error(`Processes of n8n's group ${pid} were still running ${timeoutMs / 1000} s after SIGKILL`);
	}

	private closeLog(): void {
		this.log?.end();
		this.log = undefined;
	}
}
