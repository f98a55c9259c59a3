import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './paths';

/** The community package name n8n loads the node from; node types are `<name>.<node>`. */
export const PACKAGE_NAME = 'n8n-nodes-viewcomfy';

function run(command: string, args: string[], cwd: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
		child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
		child.on('error', reject);
		child.on('close', (code) =>
			code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(' ')} failed (exit ${code}) in ${cwd}:\n${out}`)),
		);
	});
}

function filesUnder(dir: string): string[] {
	const found: string[] = [];
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) found.push(...filesUnder(path));
		else found.push(path);
	}
	return found.sort();
}

/** Identifies what `npm pack` would put in the tarball, so an unchanged build is packed once. */
function buildHash(repoRoot: string): string {
	const hash = createHash('sha256');
	for (const file of ['package.json', 'index.js', 'README.md', 'LICENSE']) {
		const path = join(repoRoot, file);
		if (existsSync(path)) hash.update(file).update(readFileSync(path));
	}
	for (const file of filesUnder(join(repoRoot, 'dist'))) {
		hash.update(relative(repoRoot, file)).update(readFileSync(file));
	}
	return hash.digest('hex').slice(0, 16);
}

/**
 * `npm pack` of the built package: exactly what users install from npm. Needs `npm run build`
 * first; the tarball is cached by content in the temp dir.
 */
export async function packNode(repoRoot = REPO_ROOT): Promise<string> {
	const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { n8n?: { nodes?: string[]; credentials?: string[] } };
	const built = [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])];
	const missing = built.filter((file) => !existsSync(join(repoRoot, file)));
	if (!existsSync(join(repoRoot, 'dist')) || missing.length > 0) {
		throw new Error(`The package is not built (${missing.join(', ') || 'dist/'} missing). Run \`npm run build\` first.`);
	}
	const dir = join(tmpdir(), 'n8n-nodes-viewcomfy-packs', buildHash(repoRoot));
	const cached = existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith('.tgz')) : undefined;
	if (cached) return join(dir, cached);
	const staging = `${dir}.${process.pid}.tmp`;
	mkdirSync(staging, { recursive: true });
	// --ignore-scripts: prepack would rebuild dist/ after it was hashed; the caller built it already.
	const out = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', staging], repoRoot);
	const [{ filename }] = JSON.parse(out.slice(out.indexOf('['))) as Array<{ filename: string }>;
	try {
		renameSync(staging, dir);
	} catch {
		// Another process packed the same build first; its tarball is identical.
		rmSync(staging, { recursive: true, force: true });
	}
	return join(dir, filename);
}

/**
 * Installs the tarball the way n8n installs a community package: into `<userFolder>/.n8n/nodes`,
 * with n8n-workflow left to the host (it is a peer dependency).
 */
export async function installNodePackage(userFolder: string, tarball: string): Promise<void> {
	if (!statSync(tarball).isFile()) throw new Error(`No package tarball at ${tarball}`);
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	mkdirSync(nodesDir, { recursive: true });
	if (!existsSync(join(nodesDir, 'package.json'))) {
		writeFileSync(join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2));
	}
	await run('npm', ['install', tarball, '--omit=peer', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], nodesDir);
	if (!existsSync(join(nodesDir, 'node_modules', PACKAGE_NAME, 'package.json'))) {
		throw new Error(`npm install of ${tarball} did not create node_modules/${PACKAGE_NAME} in ${nodesDir}`);
	}
}
