/**
 * `npm run dev`: the n8n editor at http://localhost:5678 with this package installed as a community
 * node, the ViewComfy emulator standing in for a deployment, and a credential plus an example
 * workflow ready to run. Ctrl-C stops n8n (its whole process group) and the emulator.
 *
 * The n8n folder persists in the shared cache so workflows you build survive restarts;
 * `npm run dev -- --reset` starts from an empty one.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startEmulator } from '../test/emulator/server';
import {
	EXAMPLE_CREDENTIAL_NAME,
	EXAMPLE_WORKFLOW_ID,
	exampleCredential,
	exampleWorkflow,
} from '../test/e2e/browser/example-workflow';
import { runN8nCli } from './n8n/cli';
import { ensureN8n } from './n8n/ensure-n8n';
import { n8nEnv } from './n8n/env';
import { installNodePackage, packNode } from './n8n/pack';
import { n8nCacheDir, n8nVersion } from './n8n/paths';
import { freePort } from './n8n/ports';
import { N8nClient, OWNER } from './n8n/rest';
import { N8nServer } from './n8n/server';

const PORT = Number(process.env.N8N_DEV_PORT ?? 5678);
/** Credentials of the emulator: not a real deployment's, so printing them is fine. */
const EMULATOR_CLIENT_ID = 'dev-client';
const EMULATOR_CLIENT_SECRET = 'dev-secret';
/** Written once the example workflow was imported, so your edits to it are kept on later starts. */
const SEEDED_MARKER = '.example-workflow-imported';

function log(line: string): void {
	console.log(`[dev] ${line}`);
}

async function assertPortFree(port: number): Promise<void> {
	await new Promise<void>((resolve, reject) => {
		const probe = createServer();
		probe.once('error', () =>
			reject(new Error(`Port ${port} is in use (another n8n or \`npm run dev\`?). Stop it, or pick another port: N8N_DEV_PORT=5679 npm run dev`)),
		);
		probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
	});
}

async function importJson(bin: string, env: NodeJS.ProcessEnv, command: string, file: string, data: unknown): Promise<void> {
	writeFileSync(file, JSON.stringify(data));
	try {
		const result = await runN8nCli(bin, [command, `--input=${file}`], env);
		if (result.code !== 0) throw new Error(`n8n ${command} failed (exit ${result.code}):\n${result.stdout.slice(-2000)}\n${result.stderr.slice(-2000)}`);
	} finally {
		rmSync(file, { force: true });
	}
}

async function ownerExists(baseUrl: string): Promise<boolean> {
	const res = await fetch(`${baseUrl}/rest/settings`);
	const settings = (await res.json()) as { data?: { userManagement?: { showSetupOnFirstLoad?: boolean } } };
	return settings.data?.userManagement?.showSetupOnFirstLoad === false;
}

async function main(): Promise<void> {
	const devRoot = join(n8nCacheDir(), 'dev');
	if (process.argv.includes('--reset')) {
		log(`--reset: removing ${devRoot}`);
		rmSync(devRoot, { recursive: true, force: true });
	}
	const userFolder = join(devRoot, 'user');
	const filesDir = join(devRoot, 'files');
	for (const dir of [userFolder, filesDir]) mkdirSync(dir, { recursive: true });

	await assertPortFree(PORT);
	const install = await ensureN8n(n8nVersion(), log);
	log(`Installing the built package into ${join(userFolder, '.n8n', 'nodes')}`);
	await installNodePackage(userFolder, await packNode());

	const emulator = await startEmulator({ clientId: EMULATOR_CLIENT_ID, clientSecret: EMULATOR_CLIENT_SECRET, behaviour: { latencyMs: 2000 } });
	const editorUrl = `http://localhost:${PORT}`;
	const env = n8nEnv({
		userFolder,
		port: PORT,
		runnerBrokerPort: await freePort(),
		fileAccessDirs: [filesDir],
		runtime: install.runtimeEnv,
		extra: { N8N_HOST: 'localhost', N8N_EDITOR_BASE_URL: `${editorUrl}/`, WEBHOOK_URL: `${editorUrl}/` },
	});

	// The emulator gets a new port each start, so the credential is rewritten every time (same id).
	log('Importing the emulator credential and the example workflow');
	await importJson(install.bin, env, 'import:credentials', join(devRoot, 'credential.tmp.json'), [
		exampleCredential(emulator.url, EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET),
	]);
	const marker = join(devRoot, SEEDED_MARKER);
	if (!existsSync(marker)) {
		await importJson(install.bin, env, 'import:workflow', join(devRoot, 'workflow.tmp.json'), { active: false, ...exampleWorkflow() });
		writeFileSync(marker, new Date().toISOString() + '\n');
	}

	const logFile = join(devRoot, 'n8n.log');
	// N8nServer stops n8n's whole process group on Ctrl-C or exit; the emulator ends with this process.
	const server = new N8nServer({ bin: install.bin, env, port: PORT, logFile });
	log(`Starting n8n ${install.version} (log: ${logFile})`);
	await server.start();
	if (!(await ownerExists(server.baseUrl))) await new N8nClient(server.baseUrl).setupOwner();

	const rows: Array<[string, string]> = [
		[`n8n ${install.version} editor`, editorUrl],
		['Sign in as', `${OWNER.email}  /  ${OWNER.password}`],
		['Example workflow', `${editorUrl}/workflow/${EXAMPLE_WORKFLOW_ID}`],
		['ViewComfy emulator', `${emulator.url}  (credential "${EXAMPLE_CREDENTIAL_NAME}")`],
		['n8n folder', `${userFolder}  (npm run dev -- --reset starts from scratch)`],
	];
	console.log(['', ...rows.map(([name, value]) => `  ${`${name}:`.padEnd(22)}${value}`), '', '  Rebuild the node and restart (Ctrl-C, npm run dev) to load changes. Ctrl-C stops everything.', ''].join('\n'));

	// If n8n dies on its own, there is nothing left to develop against.
	const watch = setInterval(() => {
		try {
			process.kill(server.pid!, 0);
		} catch {
			clearInterval(watch);
			console.error(`[dev] n8n exited; see ${logFile}`);
			void emulator.close().then(() => process.exit(1));
		}
	}, 2000);
}

main().catch((error: unknown) => {
	console.error(`[dev] ${error instanceof Error ? error.message : String(error)}`);
	process.exit(1);
});
