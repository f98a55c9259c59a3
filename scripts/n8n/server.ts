import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

export interface N8nServerOptions {
	bin: string;
	env: NodeJS.ProcessEnv;
	port: number;
	/** Everything n8n prints goes here (and stays readable through `output()`). */
	logFile: string;
	cwd?: string;
	startTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Processes some test or demo started and must not outlive it, even on Ctrl+C or a crash. */
const running = new Set<N8nServer>();
let exitHookInstalled = false;
function installExitHook(): void {
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	process.on('exit', () => {
		for (const server of running) server.killNow();
	});
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		process.once(signal, () => {
			for (const server of running) server.killNow();
			process.exit(130);
		});
	}
}

/**
 * `n8n start` in its own process group: stopping signals the group, so the task runner and any
 * other child n8n spawned go down with it.
 */
export class N8nServer {
	readonly baseUrl: string;
	private child: ChildProcess | undefined;
	private log: WriteStream | undefined;
	private buffer = '';
	private exited: Promise<void> = Promise.resolve();

	constructor(private readonly options: N8nServerOptions) {
		this.baseUrl = `http://127.0.0.1:${options.port}`;
	}

	/** Pid of `n8n start`, which is also its process group id. */
	get pid(): number | undefined {
		return this.child?.pid;
	}

	/** All output so far. */
	output(): string {
		return this.buffer;
	}

	async start(): Promise<void> {
		installExitHook();
		this.log = createWriteStream(this.options.logFile, { flags: 'a' });
		const child = spawn(this.options.bin, ['start'], { env: this.options.env, cwd: this.options.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
		this.child = child;
		running.add(this);
		const collect = (chunk: Buffer) => {
			this.buffer += chunk.toString('utf8');
			this.log?.write(chunk);
		};
		child.stdout!.on('data', collect);
		child.stderr!.on('data', collect);
		let exitCode: number | null | undefined;
		this.exited = new Promise((resolve) =>
			child.on('exit', (code) => {
				exitCode = code;
				running.delete(this);
				resolve();
			}),
		);
		const deadline = Date.now() + (this.options.startTimeoutMs ?? 120_000);
		while (Date.now() < deadline) {
			if (exitCode !== undefined) {
				throw new Error(`n8n start exited with code ${exitCode} before it was ready:\n${this.buffer.slice(-4000)}`);
			}
			if (await this.answersSettings()) return;
			await sleep(500);
		}
		await this.stop();
		throw new Error(`n8n did not answer ${this.baseUrl}/rest/settings within ${(this.options.startTimeoutMs ?? 120_000) / 1000} s:\n${this.buffer.slice(-4000)}`);
	}

	/**
	 * Ready means the settings come back as JSON: while migrating, n8n answers every path with
	 * 200 "n8n is starting up. Please wait", and later calls would get that text too.
	 */
	private async answersSettings(): Promise<boolean> {
		try {
			const res = await fetch(`${this.baseUrl}/rest/settings`);
			if (!res.ok) return false;
			const body = (await res.json()) as { data?: unknown };
			return body.data !== undefined;
		} catch {
			// Not listening yet, or still the start-up text.
			return false;
		}
	}

	/** SIGTERM to the whole group, SIGKILL after a grace period; resolves once n8n has exited. */
	async stop(graceMs = 15_000): Promise<void> {
		const child = this.child;
		if (!child || child.exitCode !== null || child.signalCode !== null) {
			this.closeLog();
			return;
		}
		this.signal('SIGTERM');
		let timer: NodeJS.Timeout | undefined;
		const timedOut = await Promise.race([
			this.exited.then(() => false),
			new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs))),
		]);
		clearTimeout(timer);
		// Whatever the main process left behind (task runner) goes too.
		this.signal('SIGKILL');
		if (timedOut) await this.exited;
		await this.groupGone();
		this.closeLog();
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

	/** Synchronous last resort for process exit. */
	killNow(): void {
		this.signal('SIGKILL');
	}

	private signal(signal: NodeJS.Signals): void {
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
