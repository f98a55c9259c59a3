import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { giveToServiceUser, runAsServiceUser } from './as-service-user';

export interface PostgresConnection {
	host: string;
	port: number;
	user: string;
	password: string;
	database: string;
}

/**
 * A throwaway PostgreSQL cluster: initdb into `<root>/pgdata`, listening on 127.0.0.1 only (no
 * other interface, socket in its own folder), password-protected, started and stopped by pg_ctl.
 */
export class PostgresService {
	/** Own folder directly under the OS temp dir: the postgres user cannot enter our private temp folders. */
	readonly root: string;
	readonly dataDir: string;
	readonly logFile: string;
	readonly connection: PostgresConnection;
	private started = false;

	constructor(
		private readonly binDir: string,
		port: number,
	) {
		this.root = mkdtempSync(join(tmpdir(), 'n8n-scale-postgres-'));
		this.dataDir = join(this.root, 'pgdata');
		this.logFile = join(this.root, 'postgres.log');
		this.connection = { host: '127.0.0.1', port, user: 'n8n', password: randomBytes(12).toString('hex'), database: 'n8n' };
	}

	async start(): Promise<void> {
		giveToServiceUser(this.root);
		const pwFile = join(this.root, 'pwfile');
		writeFileSync(pwFile, this.connection.password, { mode: 0o600 });
		giveToServiceUser(pwFile);
		try {
			runAsServiceUser(join(this.binDir, 'initdb'), [
				'-D', this.dataDir,
				'-U', this.connection.user,
				`--pwfile=${pwFile}`,
				'--auth-host=scram-sha-256',
				'--auth-local=peer',
				'--encoding=UTF8',
				'--no-instructions',
			]);
		} finally {
			rmSync(pwFile, { force: true });
		}
		const socketDir = join(this.root, 'socket');
		// Only the service user may use the unix socket.
		mkdirSync(socketDir, { mode: 0o700 });
		giveToServiceUser(socketDir);
		const serverOptions = `-c listen_addresses=127.0.0.1 -p ${this.connection.port} -k ${socketDir} -c max_connections=200`;
		runAsServiceUser(join(this.binDir, 'pg_ctl'), ['start', '-w', '-t', '60', '-D', this.dataDir, '-l', this.logFile, '-o', serverOptions]);
		this.started = true;
		stopOnExit(this);
		// Over TCP with the password, the same way n8n will connect.
		runAsServiceUser(join(this.binDir, 'createdb'), ['-h', '127.0.0.1', '-p', String(this.connection.port), '-U', this.connection.user, this.connection.database], {
			env: { ...process.env, PGPASSWORD: this.connection.password },
		});
	}

	/** Pid of the postmaster (parent of every backend), from its pid file. */
	get pid(): number | undefined {
		try {
			return Number(readFileSync(join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]) || undefined;
		} catch {
			return undefined;
		}
	}

	/** Every table, data included, as SQL text in `file` (for scans of what n8n stored). */
	dump(file: string): void {
		const c = this.connection;
		execFileSync(join(this.binDir, 'pg_dump'), ['-h', c.host, '-p', String(c.port), '-U', c.user, '-f', file, c.database], {
			env: { ...process.env, PGPASSWORD: c.password },
			stdio: ['ignore', 'ignore', 'pipe'],
		});
	}

	/** Stops the server and deletes its folder (kept with N8N_HARNESS_KEEP=1 for a post-mortem). */
	dispose(): void {
		this.stop();
		if (process.env.N8N_HARNESS_KEEP !== '1') rmSync(this.root, { recursive: true, force: true });
	}

	/** Fast shutdown; `immediate` when called from an exit hook, where nothing may wait. */
	stop(mode: 'fast' | 'immediate' = 'fast'): void {
		if (!this.started) return;
		this.started = false;
		try {
			runAsServiceUser(join(this.binDir, 'pg_ctl'), ['stop', '-w', '-m', mode, '-D', this.dataDir], { timeout: 60_000 });
		} catch {
			// Already down (or never came up); nothing is left to stop.
		}
	}

	/** The n8n settings that point an instance at this database. */
	n8nEnv(): Record<string, string> {
		const c = this.connection;
		return {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: c.host,
			DB_POSTGRESDB_PORT: String(c.port),
			DB_POSTGRESDB_USER: c.user,
			DB_POSTGRESDB_PASSWORD: c.password,
			DB_POSTGRESDB_DATABASE: c.database,
		};
	}
}

const live = new Set<PostgresService>();
let hooked = false;
/** A crashed or interrupted run must not leave a postgres daemon behind. */
function stopOnExit(service: PostgresService): void {
	live.add(service);
	if (hooked) return;
	hooked = true;
	process.on('exit', () => {
		for (const s of live) s.stop('immediate');
	});
}
