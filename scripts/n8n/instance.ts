import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractJson, runN8nCli, type CliResult } from './cli';
import { dumpDatabase } from './db-dump';
import { binaryModeEnv, n8nEnv } from './env';
import type { N8nInstall } from './ensure-n8n';
import { installNodePackage } from './pack';
import { freePort } from './ports';
import { N8nClient } from './rest';
import type { CliRun } from './run-data';
import { scanDirForSecret, scanTextForSecret, type SecretHit } from './secret-scan';
import { N8nServer } from './server';

export interface CredentialSpec {
	id: string;
	name: string;
	type: string;
	/** Plain values; n8n encrypts them on import. */
	data: Record<string, unknown>;
}

export interface WorkflowSpec {
	id?: string;
	name: string;
	nodes: unknown[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	[key: string]: unknown;
}

export interface N8nInstanceOptions {
	install: N8nInstall;
	/** Tarball from `packNode()`; installed as a community package when given. */
	nodePackage?: string;
	/** Folders Read/Write Files from Disk may use; default `<root>/files`. */
	fileAccessDirs?: string[];
	extraEnv?: Record<string, string>;
	/** Working directory of n8n's processes: where relative file paths in workflows point. */
	cwd?: string;
	/** Parent for the instance's temp folder (default the OS temp dir). */
	parentDir?: string;
}

/** What one `n8n execute` gave back. A failed run has `run` undefined and the reason in `output`. */
export interface ExecuteResult {
	ok: boolean;
	run?: CliRun;
	cli: CliResult;
	/** stdout + stderr, for assertions on what n8n logged. */
	output: string;
}

/**
 * One isolated n8n: a fresh user folder (sqlite DB, settings, community nodes) under a temp dir,
 * its own ports, driven through the CLI or a started server.
 */
export class N8nInstance {
	readonly userFolder: string;
	readonly filesDir: string;
	readonly logDir: string;
	readonly env: NodeJS.ProcessEnv;
	readonly port: number;
	readonly cwd: string | undefined;
	server: N8nServer | undefined;
	client: N8nClient | undefined;
	/** Every CLI run's output, so scans for secrets can cover it. */
	readonly cliOutputs: string[] = [];

	private constructor(
		readonly install: N8nInstall,
		readonly root: string,
		port: number,
		runnerPort: number,
		options: N8nInstanceOptions,
	) {
		this.port = port;
		this.cwd = options.cwd;
		this.userFolder = join(root, 'user');
		this.filesDir = join(root, 'files');
		this.logDir = join(root, 'logs');
		for (const dir of [this.userFolder, this.filesDir, this.logDir]) mkdirSync(dir, { recursive: true });
		this.env = n8nEnv({
			userFolder: this.userFolder,
			port,
			runnerBrokerPort: runnerPort,
			fileAccessDirs: options.fileAccessDirs ?? [this.filesDir],
			runtime: install.runtimeEnv,
			extra: { ...binaryModeEnv(), ...options.extraEnv },
		});
	}

	static async create(options: N8nInstanceOptions): Promise<N8nInstance> {
		const root = mkdtempSync(join(options.parentDir ?? tmpdir(), 'n8n-viewcomfy-'));
		const instance = new N8nInstance(options.install, root, await freePort(), await freePort(), options);
		if (options.nodePackage) await installNodePackage(instance.userFolder, options.nodePackage);
		return instance;
	}

	async cli(args: string[], timeoutMs?: number): Promise<CliResult> {
		const result = await runN8nCli(this.install.bin, args, this.env, timeoutMs, this.cwd);
		this.cliOutputs.push(result.stdout, result.stderr);
		return result;
	}

	private async cliOrThrow(args: string[]): Promise<CliResult> {
		const result = await this.cli(args);
		if (result.code !== 0) throw new Error(`n8n ${args.join(' ')} failed (exit ${result.code}):\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`);
		return result;
	}

	/** `n8n import:workflow`; the workflow needs an `id` (16 alphanumerics) so it can be executed by id. */
	async importWorkflow(workflow: WorkflowSpec): Promise<string> {
		if (!workflow.id) throw new Error(`Workflow "${workflow.name}" needs an id to be imported and executed`);
		const file = join(this.root, `workflow-${workflow.id}.json`);
		writeFileSync(file, JSON.stringify({ active: false, settings: {}, ...workflow }));
		await this.cliOrThrow(['import:workflow', `--input=${file}`]);
		return workflow.id;
	}

	/**
	 * `n8n import:credentials` with plain data (n8n encrypts objects on import). The file holding
	 * the plain values is removed right away, so the instance folder never holds a secret in clear.
	 */
	async importCredentials(credentials: CredentialSpec[]): Promise<void> {
		const file = join(this.root, `credentials-${process.pid}-${Date.now()}.json`);
		writeFileSync(file, JSON.stringify(credentials));
		try {
			await this.cliOrThrow(['import:credentials', `--input=${file}`]);
		} finally {
			rmSync(file, { force: true });
		}
	}

	/** `n8n execute --id=ID --rawOutput`: runs the workflow from its Manual Trigger. */
	async execute(workflowId: string, timeoutMs?: number): Promise<ExecuteResult> {
		const cli = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput'], timeoutMs);
		const output = `${cli.stdout}\n${cli.stderr}`;
		if (cli.code !== 0) return { ok: false, cli, output };
		return { ok: true, run: extractJson<CliRun>(cli.stdout), cli, output };
	}

	/** Starts `n8n start`, creates the owner and an API key; `client` is then ready. */
	async startServer(): Promise<N8nClient> {
		this.server = new N8nServer({ bin: this.install.bin, env: this.env, port: this.port, logFile: join(this.logDir, 'n8n-start.log'), cwd: this.cwd });
		await this.server.start();
		this.client = new N8nClient(this.server.baseUrl);
		await this.client.setupOwner();
		await this.client.createApiKey();
		return this.client;
	}

	async stopServer(): Promise<void> {
		await this.server?.stop();
	}

	/**
	 * Where the secret shows up in anything this n8n recorded: every row of its database
	 * (executions, their data, credentials, logs of events), the files of its folder (database,
	 * binary store, logs) and every CLI output. Stops the server first so the database is complete.
	 */
	async findSecret(secret: string): Promise<SecretHit[]> {
		await this.stopServer();
		const dump = await dumpDatabase(this.install, this.userFolder);
		if (!dump.includes('execution_entity:')) throw new Error('The database dump has no execution records; nothing was checked');
		return [
			...scanTextForSecret('database rows', dump, secret),
			...scanDirForSecret(this.root, secret),
			...this.cliOutputs.flatMap((text, i) => scanTextForSecret(`CLI output #${i}`, text, secret)),
			...(this.server ? scanTextForSecret('n8n start output', this.server.output(), secret) : []),
		];
	}

	/** Stops what this instance started and deletes its folder (kept when N8N_HARNESS_KEEP=1). */
	async dispose(): Promise<void> {
		await this.stopServer();
		if (process.env.N8N_HARNESS_KEEP !== '1') rmSync(this.root, { recursive: true, force: true });
	}
}
