import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { n8nInstallDir } from './paths';

export interface N8nInstall {
	version: string;
	/** `<cache>/n8n-<version>` */
	dir: string;
	/** The `n8n` CLI entry point. */
	bin: string;
	/** false when this call had to install it. */
	reused: boolean;
	/** Seconds this call spent installing (0 when reused). */
	installSeconds: number;
}

type Log = (line: string) => void;

const MARKER = '.viewcomfy-install-complete';
// Measured: 3 min on an idle 2-core machine, 6 min on a busy one (native sqlite3 build).
const EXPECTED_INSTALL = '3-6 minutes, ~2.3 GB';
const PROGRESS_EVERY_MS = 15_000;

function binPath(dir: string): string {
	return join(dir, 'node_modules', '.bin', 'n8n');
}

function installedVersion(dir: string): string | undefined {
	try {
		return (JSON.parse(readFileSync(join(dir, 'node_modules', 'n8n', 'package.json'), 'utf8')) as { version?: string }).version;
	} catch {
		return undefined;
	}
}

/**
 * Complete = our marker, or (for a copy installed by hand) the CLI, the right n8n version and
 * npm's hidden lockfile, which npm writes only once the whole tree is in place.
 */
export function isCompleteInstall(dir: string, version: string): boolean {
	if (existsSync(join(dir, MARKER))) return true;
	return (
		existsSync(binPath(dir)) &&
		installedVersion(dir) === version &&
		existsSync(join(dir, 'node_modules', '.package-lock.json'))
	);
}

/** Pids of other processes whose working directory is `dir` (an install someone else started). */
function processesWorkingIn(dir: string): number[] {
	if (process.platform !== 'linux') return [];
	const pids: number[] = [];
	for (const entry of readdirSync('/proc')) {
		const pid = Number(entry);
		if (!Number.isInteger(pid) || pid === process.pid) continue;
		try {
			if (readlinkSync(`/proc/${pid}/cwd`) === dir) pids.push(pid);
		} catch {
			// The process ended or is not ours to inspect.
		}
	}
	return pids;
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Two runs (demo and e2e, or two e2e runs) may start at once: a lock directory holding the
 * owner's pid makes the second wait instead of running npm in the same folder.
 */
async function withInstallLock<T>(dir: string, log: Log, job: () => Promise<T>): Promise<T> {
	const lock = `${dir}.lock`;
	let announced = false;
	for (;;) {
		try {
			mkdirSync(lock);
			writeFileSync(join(lock, 'pid'), String(process.pid));
			break;
		} catch {
			let owner = NaN;
			try {
				owner = Number(readFileSync(join(lock, 'pid'), 'utf8'));
			} catch {
				// The owner has not written its pid yet, or just released the lock.
			}
			if (Number.isInteger(owner) && !isAlive(owner)) {
				rmSync(lock, { recursive: true, force: true });
				continue;
			}
			if (!announced) log(`Another process (pid ${owner}) is installing n8n into ${dir}; waiting for it.`);
			announced = true;
			await sleep(2000);
		}
	}
	try {
		return await job();
	} finally {
		rmSync(lock, { recursive: true, force: true });
	}
}

async function waitForForeignInstall(dir: string, version: string, log: Log): Promise<void> {
	const started = Date.now();
	let lastReport = 0;
	for (;;) {
		const pids = processesWorkingIn(dir);
		if (pids.length === 0 || isCompleteInstall(dir, version)) return;
		if (Date.now() - lastReport >= PROGRESS_EVERY_MS) {
			lastReport = Date.now();
			log(`n8n ${version} is being installed by another process (pid ${pids.join(', ')}) in ${dir}; waited ${Math.round((Date.now() - started) / 1000)} s.`);
		}
		await sleep(2000);
	}
}

function runNpmInstall(dir: string, version: string, log: Log): Promise<void> {
	const logFile = join(dir, 'install.log');
	const out = createWriteStream(logFile);
	const started = Date.now();
	log(`Installing n8n ${version} into ${dir} (first run only, usually ${EXPECTED_INSTALL}; log: ${logFile})`);
	return new Promise((resolve, reject) => {
		const child = spawn('npm', ['install', '--no-audit', '--no-fund', '--loglevel=http'], {
			cwd: dir,
			stdio: ['ignore', 'pipe', 'pipe'],
			env: { ...process.env, npm_config_yes: 'true' },
		});
		child.stdout.pipe(out, { end: false });
		child.stderr.pipe(out, { end: false });
		const timer = setInterval(() => {
			const seconds = Math.round((Date.now() - started) / 1000);
			let packages = 0;
			try {
				packages = readdirSync(join(dir, 'node_modules')).length;
			} catch {
				// npm has not created node_modules yet.
			}
			log(`  ... still installing n8n ${version}: ${seconds} s elapsed, ${packages} top-level packages so far (expected ${EXPECTED_INSTALL})`);
		}, PROGRESS_EVERY_MS);
		child.on('error', (error) => {
			clearInterval(timer);
			out.end();
			reject(new Error(`Could not start npm to install n8n: ${error.message}`));
		});
		child.on('close', (code) => {
			clearInterval(timer);
			out.end();
			if (code === 0) resolve();
			else reject(new Error(`npm install of n8n ${version} failed with exit code ${code}; see ${logFile}`));
		});
	});
}

/** Installs n8n `version` into the shared cache unless a complete copy is already there. */
export async function ensureN8n(version: string, log: Log = (line) => console.log(line)): Promise<N8nInstall> {
	const dir = n8nInstallDir(version);
	mkdirSync(dir, { recursive: true });
	await waitForForeignInstall(dir, version, log);
	const reuse = (): N8nInstall => ({ version, dir, bin: binPath(dir), reused: true, installSeconds: 0 });
	if (isCompleteInstall(dir, version)) return reuse();

	return withInstallLock(dir, log, async () => {
		if (isCompleteInstall(dir, version)) return reuse();
		const started = Date.now();
		writeFileSync(
			join(dir, 'package.json'),
			// xlsx 0.20 is only published on SheetJS's own CDN, which npm cannot reach here.
			JSON.stringify({ dependencies: { n8n: version }, overrides: { xlsx: '0.18.5' } }, null, 2) + '\n',
		);
		await runNpmInstall(dir, version, log);
		if (!existsSync(binPath(dir)) || installedVersion(dir) !== version) {
			throw new Error(`npm finished but ${binPath(dir)} (n8n ${version}) is missing; see ${join(dir, 'install.log')}`);
		}
		const installSeconds = (Date.now() - started) / 1000;
		writeFileSync(join(dir, MARKER), JSON.stringify({ version, installedAt: new Date().toISOString(), installSeconds }) + '\n');
		log(`Installed n8n ${version} in ${installSeconds.toFixed(0)} s.`);
		return { version, dir, bin: binPath(dir), reused: false, installSeconds };
	});
}
