import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNodeRuntime, nodeRuntimeEnv, readMarker, runLogged, writeMarker, type NodeRuntime } from './node-runtime';
import { n8nInstallDir } from './paths';
import { DEFAULT_TARGET, findTarget, targetForVersion, type N8nTarget } from './targets';

export interface N8nInstall {
	version: string;
	/** `<cache>/n8n-<version>` */
	dir: string;
	/** The `n8n` CLI entry point. */
	bin: string;
	/** The Node release it runs on when not the machine's own (see N8nTarget.node). */
	node?: NodeRuntime;
	/** Added to every n8n process's environment: the target's settings, and PATH to its Node. */
	runtimeEnv: Record<string, string>;
	/** false when this call had to install it. */
	reused: boolean;
	/** Seconds this call spent installing, Node included (0 when reused). */
	installSeconds: number;
	/** Seconds the n8n install took when it was made (from its marker when reused, if known). */
	firstInstallSeconds?: number;
}

type Log = (line: string) => void;

// Measured: 3 min on an idle 2-core machine, 6 min on a busy one (native sqlite3 build); 17-21 min
// for 1.123.81, 2.8.4 and 2.40.7 each while six test runs shared the 2 cores.
const EXPECTED_INSTALL = '3-6 minutes on an idle machine, up to ~20 on a busy one; ~2.3 GB';
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
 * Complete = our marker, for the Node the target runs on, or (for a copy installed by hand on the
 * machine's node) the CLI, the right n8n version and npm's hidden lockfile, which npm writes only
 * once the whole tree is in place.
 */
export function isCompleteInstall(dir: string, target: N8nTarget): boolean {
	const marker = readMarker(dir);
	if (marker) return marker.node === target.node;
	return (
		!target.node &&
		existsSync(binPath(dir)) &&
		installedVersion(dir) === target.version &&
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

async function waitForForeignInstall(dir: string, target: N8nTarget, log: Log): Promise<void> {
	const started = Date.now();
	let lastReport = 0;
	for (;;) {
		const pids = processesWorkingIn(dir);
		if (pids.length === 0 || isCompleteInstall(dir, target)) return;
		if (Date.now() - lastReport >= PROGRESS_EVERY_MS) {
			lastReport = Date.now();
			log(`n8n ${target.version} is being installed by another process (pid ${pids.join(', ')}) in ${dir}; waited ${Math.round((Date.now() - started) / 1000)} s.`);
		}
		await sleep(2000);
	}
}

/** npm in `dir`, its output in `logFile`, with a progress line every PROGRESS_EVERY_MS. */
async function runNpm(dir: string, args: string[], env: NodeJS.ProcessEnv, logFile: string, what: string, log: Log): Promise<void> {
	const started = Date.now();
	const timer = setInterval(() => {
		let packages = 0;
		try {
			packages = readdirSync(join(dir, 'node_modules')).length;
		} catch {
			// npm has not created node_modules yet.
		}
		log(`  ... still ${what}: ${Math.round((Date.now() - started) / 1000)} s elapsed, ${packages} top-level packages so far`);
	}, PROGRESS_EVERY_MS);
	try {
		await runLogged('npm', args, dir, { ...env, npm_config_yes: 'true' }, logFile);
	} finally {
		clearInterval(timer);
	}
}

/**
 * `npm install` of n8n as the target says: with every install script, or without them and then
 * only the native modules it names compiled (against the target's Node).
 */
async function installN8n(dir: string, target: N8nTarget, node: NodeRuntime | undefined, log: Log): Promise<void> {
	const logFile = join(dir, 'install.log');
	const env = nodeRuntimeEnv(node);
	const on = node ? ` for Node ${node.version}` : '';
	log(`Installing n8n ${target.version}${on} into ${dir} (first run only, usually ${EXPECTED_INSTALL}; log: ${logFile})`);
	// xlsx 0.20 is only published on SheetJS's own CDN, which npm cannot reach here.
	const overrides = { xlsx: '0.18.5', ...target.overrides };
	writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, dependencies: { n8n: target.version }, overrides }, null, 2) + '\n');
	const ignoreScripts = target.rebuild ? ['--ignore-scripts'] : [];
	await runNpm(dir, ['install', ...ignoreScripts, '--no-audit', '--no-fund', '--loglevel=http'], env, logFile, `installing n8n ${target.version}`, log);
	if (target.rebuild?.length) {
		log(`  compiling ${target.rebuild.join(' and ')}${node ? ` against Node ${node.version}` : ''}`);
		await runNpm(dir, ['rebuild', ...target.rebuild, '--foreground-scripts'], env, logFile, `compiling ${target.rebuild.join(', ')}`, log);
	}
}

/**
 * Installs n8n `version` into the shared cache unless a complete copy is already there, the way
 * its N8nTarget says (Node release, install scripts, native rebuilds).
 */
export async function ensureN8n(version: string, log: Log = (line) => console.log(line)): Promise<N8nInstall> {
	const target = targetForVersion(version);
	const dir = n8nInstallDir(version);
	mkdirSync(dir, { recursive: true });
	const started = Date.now();
	const node = target.node ? (await ensureNodeRuntime(target.node, log)).node : undefined;
	const runtimeEnv: Record<string, string> = { ...target.env };
	if (node) runtimeEnv.PATH = nodeRuntimeEnv(node).PATH!;
	const install = (reused: boolean): N8nInstall => ({
		version,
		dir,
		bin: binPath(dir),
		node,
		runtimeEnv,
		reused,
		installSeconds: reused ? 0 : (Date.now() - started) / 1000,
		firstInstallSeconds: readMarker(dir)?.installSeconds,
	});

	await waitForForeignInstall(dir, target, log);
	if (isCompleteInstall(dir, target)) return install(true);
	return withInstallLock(dir, log, async () => {
		if (isCompleteInstall(dir, target)) return install(true);
		const n8nStarted = Date.now();
		await installN8n(dir, target, node, log);
		if (!existsSync(binPath(dir)) || installedVersion(dir) !== version) {
			throw new Error(`npm finished but ${binPath(dir)} (n8n ${version}) is missing; see ${join(dir, 'install.log')}`);
		}
		const installSeconds = (Date.now() - n8nStarted) / 1000;
		writeMarker(dir, { version, node: target.node, installSeconds });
		log(`Installed n8n ${version}${node ? ` on Node ${node.version}` : ''} in ${installSeconds.toFixed(0)} s.`);
		return install(false);
	});
}

// `tsx scripts/n8n/ensure-n8n.ts <target name or version>`: install ahead of a test run.
if (require.main === module) {
	const wanted = process.argv[2] ?? DEFAULT_TARGET.name;
	ensureN8n(findTarget(wanted)?.version ?? wanted).then(
		(install) => console.log(`n8n ${install.version} ready at ${install.bin}${install.node ? ` (Node ${install.node.version} in ${install.node.binDir})` : ''}`),
		(error: unknown) => {
			console.error(error instanceof Error ? error.message : String(error));
			process.exit(1);
		},
	);
}
