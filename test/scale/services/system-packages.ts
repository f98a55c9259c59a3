import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Where Debian's postgresql packages put the server binaries (not on PATH by default). */
const PG_LIB = '/usr/lib/postgresql';

/** The newest installed PostgreSQL's bin folder, or undefined when none is installed. */
export function postgresBinDir(): string | undefined {
	if (!existsSync(PG_LIB)) return undefined;
	const versions = readdirSync(PG_LIB)
		.filter((v) => existsSync(join(PG_LIB, v, 'bin', 'pg_ctl')))
		.sort((a, b) => Number(b) - Number(a));
	return versions.length > 0 ? join(PG_LIB, versions[0], 'bin') : undefined;
}

export function redisServerPath(): string | undefined {
	const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
	const path = found.stdout.trim();
	return found.status === 0 && path ? path : undefined;
}

/**
 * Installs PostgreSQL and Redis from Debian when they are missing. CI machines start clean, so
 * the scenario brings in its own services; on a machine that has them this does nothing.
 */
export function ensureSystemPackages(log: (line: string) => void): { postgresBin: string; redisServer: string } {
	const missing: string[] = [];
	if (!postgresBinDir()) missing.push('postgresql');
	if (!redisServerPath()) missing.push('redis-server');
	if (missing.length > 0) {
		log(`Installing Debian packages: ${missing.join(', ')} (once per machine, about a minute)`);
		const aptGet = process.getuid?.() === 0 ? ['apt-get'] : ['sudo', 'apt-get'];
		const apt = (args: string[]) =>
			execFileSync(aptGet[0], [...aptGet.slice(1), ...args], {
				stdio: ['ignore', 'ignore', 'inherit'],
				// RUNLEVEL=1: the packages' install scripts must not start system-wide daemons (port
				// 5432/6379, running forever); the scenario starts its own private instances.
				env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', RUNLEVEL: '1' },
			});
		// Another job on the machine may hold dpkg's lock; wait for it instead of failing.
		const lockWait = ['-o', 'DPkg::Lock::Timeout=300'];
		apt([...lockWait, 'update', '-qq']);
		apt([...lockWait, 'install', '-y', '-qq', '--no-install-recommends', ...missing]);
	}
	const postgresBin = postgresBinDir();
	const redisServer = redisServerPath();
	if (!postgresBin) throw new Error(`PostgreSQL is not installed: no ${PG_LIB}/<version>/bin/pg_ctl after apt-get install postgresql`);
	if (!redisServer) throw new Error('Redis is not installed: no redis-server on PATH after apt-get install redis-server');
	return { postgresBin, redisServer };
}
