import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { N8nInstall } from '../n8n/ensure-n8n';
import { n8nCacheDir, n8nInstallDir } from '../n8n/paths';

/**
 * The newest n8n line that installs here needs Node 24, which the machine does not have: it comes
 * from the npm package `node` (the official Linux build, headers included), kept in the shared cache.
 */
export const LATEST_N8N_VERSION = process.env.N8N_LATEST_VERSION?.trim() || '2.40.7';
export const NODE24_VERSION = process.env.N8N_LATEST_NODE_VERSION?.trim() || '24.21.0';

/** The native modules n8n loads at start (database driver, Code node sandbox). */
const NATIVE_MODULES = ['sqlite3', 'isolated-vm'];
/** The shared harness's marker file name, so `ensureN8n()` accepts this install as complete. */
const MARKER = '.viewcomfy-install-complete';

export interface Node24 {
	/** Folder holding the `node` binary: put it first on PATH. */
	binDir: string;
	/** Unpacked release with include/node/, for node-gyp's `--nodedir`. */
	headersDir: string;
}

export interface LatestN8nInstall extends N8nInstall {
	node: Node24;
	/** Seconds this call spent on Node 24 + n8n + native rebuilds (0 when all was cached). */
	totalInstallSeconds: number;
	/** Seconds the n8n install took when it was made (from its marker when reused). */
	firstInstallSeconds?: number;
}

type Log = (line: string) => void;

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, logFile: string): Promise<void> {
	const fd = openSync(logFile, 'a');
	return new Promise<void>((resolve, reject) => {
		const child = spawn(command, args, { cwd, env, stdio: ['ignore', fd, fd] });
		child.on('error', (error) => reject(new Error(`Could not start ${command}: ${error.message}`)));
		child.on('close', (code) =>
			code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed (exit ${code}) in ${cwd}; see ${logFile}`)),
		);
	}).finally(() => closeSync(fd));
}

/** The environment that makes `node`, npm's scripts and node-gyp all use Node 24. */
export function node24Env(node: Node24, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
	return { ...base, PATH: [node.binDir, base.PATH ?? ''].join(delimiter), npm_config_nodedir: node.headersDir };
}

interface Marker {
	/** The Node version native modules were compiled for. */
	node?: string;
	installSeconds?: number;
}

/** The marker of a finished install for Node 24 (the shared harness writes one without `node`). */
function node24Marker(dir: string): Marker | undefined {
	try {
		const marker = JSON.parse(readFileSync(join(dir, MARKER), 'utf8')) as Marker;
		return marker.node === NODE24_VERSION ? marker : undefined;
	} catch {
		return undefined;
	}
}

function writeMarker(dir: string, installSeconds: number): void {
	const marker: Marker & { installedAt: string } = { node: NODE24_VERSION, installSeconds, installedAt: new Date().toISOString() };
	writeFileSync(join(dir, MARKER), JSON.stringify(marker) + '\n');
}

async function ensureNode24(log: Log): Promise<{ node: Node24; seconds: number }> {
	const dir = join(n8nCacheDir(), `node-${NODE24_VERSION}`);
	// The `node` package's preinstall puts the platform package (binary + include/) under its own node_modules.
	const platformDir = join(dir, 'node_modules', 'node', 'node_modules', `node-${process.platform}-${process.arch}`);
	const node: Node24 = { binDir: join(dir, 'node_modules', 'node', 'bin'), headersDir: platformDir };
	if (node24Marker(dir)) return { node, seconds: 0 };
	const started = Date.now();
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, dependencies: { node: NODE24_VERSION } }, null, 2) + '\n');
	log(`Installing Node ${NODE24_VERSION} from the npm registry into ${dir}`);
	await run('npm', ['install', '--no-audit', '--no-fund'], dir, process.env, join(dir, 'install.log'));
	if (!existsSync(join(node.binDir, 'node')) || !existsSync(join(node.headersDir, 'include', 'node', 'node.h'))) {
		throw new Error(`npm installed node@${NODE24_VERSION} but ${node.binDir}/node or ${node.headersDir}/include/node/node.h is missing`);
	}
	const seconds = (Date.now() - started) / 1000;
	writeMarker(dir, seconds);
	return { node, seconds };
}

/**
 * n8n `LATEST_N8N_VERSION` on Node 24, in the folder the shared harness uses for that version
 * (`ensureN8n()` then reuses it: same layout, same marker). Install scripts are skipped (some
 * fetch prebuilt binaries from hosts this machine cannot reach); the two native modules n8n needs
 * are then compiled against Node 24's own headers.
 */
export async function ensureLatestN8n(log: Log = (line) => console.log(line)): Promise<LatestN8nInstall> {
	const { node, seconds: nodeSeconds } = await ensureNode24(log);
	const version = LATEST_N8N_VERSION;
	const dir = n8nInstallDir(version);
	const bin = join(dir, 'node_modules', '.bin', 'n8n');
	const marker = node24Marker(dir);
	if (marker) {
		return { version, dir, bin, node, reused: true, installSeconds: 0, totalInstallSeconds: nodeSeconds, firstInstallSeconds: marker.installSeconds };
	}
	mkdirSync(dir, { recursive: true });
	const logFile = join(dir, 'install.log');
	const started = Date.now();
	// xlsx 0.20 is only published on SheetJS's own CDN, which npm cannot reach here.
	writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, dependencies: { n8n: version }, overrides: { xlsx: '0.18.5' } }, null, 2) + '\n');
	const env = node24Env(node);
	log(`Installing n8n ${version} for Node ${NODE24_VERSION} into ${dir} (first run only, several minutes; log: ${logFile})`);
	const progress = setInterval(() => log(`  ... still installing n8n ${version}: ${Math.round((Date.now() - started) / 1000)} s`), 30_000);
	try {
		await run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=http'], dir, env, logFile);
		log(`  compiling ${NATIVE_MODULES.join(' and ')} against Node ${NODE24_VERSION}`);
		await run('npm', ['rebuild', ...NATIVE_MODULES, '--foreground-scripts'], dir, env, logFile);
	} finally {
		clearInterval(progress);
	}
	if (!existsSync(bin)) throw new Error(`npm finished but ${bin} is missing; see ${logFile}`);
	const installSeconds = (Date.now() - started) / 1000;
	writeMarker(dir, installSeconds);
	log(`Installed n8n ${version} on Node ${NODE24_VERSION} in ${installSeconds.toFixed(0)} s.`);
	return { version, dir, bin, node, reused: false, installSeconds, totalInstallSeconds: nodeSeconds + installSeconds, firstInstallSeconds: installSeconds };
}

if (require.main === module) {
	ensureLatestN8n().then(
		(install) => console.log(`n8n ${install.version} ready at ${install.bin} (Node ${NODE24_VERSION} in ${install.node.binDir})`),
		(error: unknown) => {
			console.error(error instanceof Error ? error.message : String(error));
			process.exit(1);
		},
	);
}
