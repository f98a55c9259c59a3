import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { n8nCacheDir } from './paths';

/** A Node release other than the machine's, for an n8n line that needs it. */
export interface NodeRuntime {
	version: string;
	/** Folder holding the `node` binary: put it first on PATH. */
	binDir: string;
	/** Unpacked release with include/node/, for node-gyp's `--nodedir`. */
	headersDir: string;
}

type Log = (line: string) => void;

/** The file a finished install leaves in its folder (n8n's and Node's alike). */
export const INSTALL_MARKER = '.viewcomfy-install-complete';

export interface InstallMarker {
	version?: string;
	/** The Node release native modules were compiled for; absent: the machine's node. */
	node?: string;
	installSeconds?: number;
	installedAt?: string;
}

export function readMarker(dir: string): InstallMarker | undefined {
	try {
		return JSON.parse(readFileSync(join(dir, INSTALL_MARKER), 'utf8')) as InstallMarker;
	} catch {
		return undefined;
	}
}

export function writeMarker(dir: string, marker: InstallMarker): void {
	writeFileSync(join(dir, INSTALL_MARKER), JSON.stringify({ ...marker, installedAt: new Date().toISOString() }) + '\n');
}

/**
 * The environment for an install outside the repository. Under `npm run …`, npm exports the
 * project's .npmrc settings to its children, ignore-scripts=true among them; n8n's and Node's own
 * installs need their install scripts (sqlite3's build, the node package's preinstall), and a
 * target that must skip them says so with --ignore-scripts, which wins over the environment.
 */
function outsideRepoEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
	const copy = { ...env };
	delete copy.npm_config_ignore_scripts;
	return copy;
}

/** Runs a command to completion with its output appended to `logFile`. */
export function runLogged(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, logFile: string): Promise<void> {
	const fd = openSync(logFile, 'a');
	return new Promise<void>((resolve, reject) => {
		const child = spawn(command, args, { cwd, env: outsideRepoEnv(env), stdio: ['ignore', fd, fd] });
		child.on('error', (error) => reject(new Error(`Could not start ${command}: ${error.message}`)));
		child.on('close', (code) =>
			code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed (exit ${code}) in ${cwd}; see ${logFile}`)),
		);
	}).finally(() => closeSync(fd));
}

/** The environment that makes `node`, npm's scripts and node-gyp all use `node`. */
export function nodeRuntimeEnv(node: NodeRuntime | undefined, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
	if (!node) return { ...base };
	return { ...base, PATH: [node.binDir, base.PATH ?? ''].join(delimiter), npm_config_nodedir: node.headersDir };
}

/**
 * Node `version` from the npm package `node` (the official Linux build, headers included), kept
 * in the shared cache next to the n8n installs.
 */
export async function ensureNodeRuntime(version: string, log: Log): Promise<{ node: NodeRuntime; seconds: number }> {
	const dir = join(n8nCacheDir(), `node-${version}`);
	// The `node` package's preinstall puts the platform package (binary + include/) under its own node_modules.
	const platformDir = join(dir, 'node_modules', 'node', 'node_modules', `node-${process.platform}-${process.arch}`);
	const node: NodeRuntime = { version, binDir: join(dir, 'node_modules', 'node', 'bin'), headersDir: platformDir };
	if (readMarker(dir)?.node === version) return { node, seconds: 0 };
	const started = Date.now();
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, dependencies: { node: version } }, null, 2) + '\n');
	log(`Installing Node ${version} from the npm registry into ${dir}`);
	await runLogged('npm', ['install', '--no-audit', '--no-fund'], dir, process.env, join(dir, 'install.log'));
	if (!existsSync(join(node.binDir, 'node')) || !existsSync(join(node.headersDir, 'include', 'node', 'node.h'))) {
		throw new Error(`npm installed node@${version} but ${node.binDir}/node or ${node.headersDir}/include/node/node.h is missing`);
	}
	const seconds = (Date.now() - started) / 1000;
	writeMarker(dir, { node: version, installSeconds: seconds });
	return { node, seconds };
}
