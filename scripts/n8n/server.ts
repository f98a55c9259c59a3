import { N8nProcess } from './processGroup';

export interface N8nServerOptions {
	bin: string;
	env: NodeJS.ProcessEnv;
	port: number;
	/** Everything n8n prints goes here (and stays readable through `output()`). */
	logFile: string;
	cwd?: string;
	startTimeoutMs?: number;
}

/**
 * `n8n start` in its own process group: stopping signals the group, so the task runner and any
 * other child n8n spawned go down with it.
 */
export class N8nServer {
	readonly baseUrl: string;
	private readonly process: N8nProcess;

	constructor(private readonly options: N8nServerOptions) {
		this.baseUrl = `http://127.0.0.1:${options.port}`;
		this.process = new N8nProcess({ ...options, args: ['start'] });
	}

	/** Pid of `n8n start`, which is also its process group id. */
	get pid(): number | undefined {
		return this.process.pid;
	}

	/** All output so far. */
	output(): string {
		return this.process.output();
	}

	async start(): Promise<void> {
		this.process.spawn();
		await this.process.waitUntilReady(
			() => this.answersSettings(),
			this.options.startTimeoutMs ?? 120_000,
			`n8n start (${this.baseUrl}/rest/settings)`,
		);
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

	/** SIGTERM to the whole group, SIGKILL after a grace period; resolves once nothing of it is left. */
	async stop(graceMs = 15_000): Promise<void> {
		await this.process.stop(graceMs);
	}

	/** Synchronous last resort for process exit. */
	killNow(): void {
		this.process.signalGroup('SIGKILL');
	}
}
