/**
 * `npm run test:latest`, `npm run test:1x`: the e2e scenarios again on another n8n target (see
 * targets.ts) instead of the default one, installed first if needed. Ends with the "N passed,
 * N failed" line and the install and run times, so the cost of each target in `npm test` is known.
 *
 * Usage: `tsx scripts/n8n/run-e2e.ts <target name or version> [jest arguments]`, e.g.
 * `npm run test:1x -- test/e2e/text-to-image.test.ts`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureN8n } from './ensure-n8n';
import { e2eBinaryMode } from './env';
import { nodeRuntimeEnv } from './node-runtime';
import { REPO_ROOT } from './paths';
import { N8N_TARGETS, findTarget } from './targets';

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: 'inherit' });
		child.on('error', reject);
		child.on('close', (code) => resolve(code ?? 1));
	});
}

async function main(): Promise<number> {
	const [name, ...jestArgs] = process.argv.slice(2);
	const target = name ? findTarget(name) : undefined;
	if (!target) {
		throw new Error(`Say which n8n to run the e2e suite on: one of ${N8N_TARGETS.map((t) => `${t.name} (${t.version})`).join(', ')}; got "${name ?? ''}".`);
	}
	const nodeLabel = `Node ${target.node ?? process.versions.node}`;
	const install = await ensureN8n(target.version);

	// `npm test` passes its own report folder, so this run counts in its closing line.
	const resultsDir = process.env.VIEWCOMFY_RESULTS_DIR || mkdtempSync(join(tmpdir(), `viewcomfy-test-${target.name}-`));
	// A run in another binary data mode (VIEWCOMFY_E2E_BINARY_MODE) keeps its own report.
	const binaryMode = e2eBinaryMode();
	const report = `e2e-${target.name}${binaryMode ? `-${binaryMode}` : ''}`;
	const runStarted = Date.now();
	// Jest runs on the target's Node too: the secret scan loads n8n's sqlite3, built for that Node.
	const env = { ...nodeRuntimeEnv(install.node), N8N_VERSION: target.version };
	const jestCode = await run(
		install.node ? join(install.node.binDir, 'node') : process.execPath,
		[require.resolve('jest/bin/jest'), '--selectProjects', 'e2e', '--runInBand', '--json', `--outputFile=${join(resultsDir, `${report}.json`)}`, ...jestArgs],
		env,
	);
	const runSeconds = (Date.now() - runStarted) / 1000;

	console.log(`\n=== n8n ${target.version} on ${nodeLabel}`);
	console.log(
		install.reused
			? `  install: reused from ${install.dir} (its first install took ${install.firstInstallSeconds?.toFixed(0) ?? '?'} s)`
			: `  install: ${install.installSeconds.toFixed(0)} s${install.node ? ` (Node ${install.node.version} + n8n)` : ''}, into ${install.dir}`,
	);
	console.log(`  e2e run: ${runSeconds.toFixed(0)} s`);
	// Inside `npm test` the closing line is the suite's own, summed over every stage.
	if (process.env.VIEWCOMFY_RESULTS_DIR) return jestCode;
	const failedStages = jestCode === 0 ? [] : [`jest_stage:${report} (n8n ${target.version})`];
	return run(process.execPath, [join(REPO_ROOT, 'scripts', 'summarize-tests.cjs'), resultsDir, ...failedStages], process.env);
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(error instanceof Error ? error.message : String(error));
		console.log('0 passed, 1 failed');
		process.exit(1);
	},
);
