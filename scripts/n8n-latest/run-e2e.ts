/**
 * `npm run test:latest`: the e2e scenarios again, on the newest n8n line that installs here
 * (LATEST_N8N_VERSION on Node 24) instead of the default one. Ends with the "N passed, N failed"
 * line and the install and run times, so the cost of adding it to `npm test` is known.
 *
 * Extra arguments go to jest, e.g. `npm run test:latest -- test/e2e/text-to-image.test.ts`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../n8n/paths';
import { LATEST_N8N_VERSION, NODE24_VERSION, ensureLatestN8n, node24Env } from './ensure-n8n-latest';

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: 'inherit' });
		child.on('error', reject);
		child.on('close', (code) => resolve(code ?? 1));
	});
}

async function main(): Promise<number> {
	const install = await ensureLatestN8n();

	// `npm test` passes its own report folder, so this run counts in its closing line.
	const resultsDir = process.env.VIEWCOMFY_RESULTS_DIR || mkdtempSync(join(tmpdir(), 'viewcomfy-test-latest-'));
	const jestArgs = process.argv.slice(2);
	const runStarted = Date.now();
	// Jest itself runs on Node 24 too, and the n8n processes it starts inherit that PATH.
	const env = { ...node24Env(install.node), N8N_VERSION: LATEST_N8N_VERSION };
	const jestCode = await run(
		join(install.node.binDir, 'node'),
		[
			require.resolve('jest/bin/jest'),
			'--selectProjects',
			'e2e',
			'--runInBand',
			'--json',
			`--outputFile=${join(resultsDir, 'e2e-latest.json')}`,
			...jestArgs,
		],
		env,
	);
	const runSeconds = (Date.now() - runStarted) / 1000;

	console.log(`\n=== n8n ${LATEST_N8N_VERSION} on Node ${NODE24_VERSION}`);
	console.log(
		install.reused
			? `  install: reused from ${install.dir} (its first install took ${install.firstInstallSeconds?.toFixed(0) ?? '?'} s)`
			: `  install: ${install.totalInstallSeconds.toFixed(0)} s (Node 24 + n8n + native rebuilds), into ${install.dir}`,
	);
	console.log(`  e2e run: ${runSeconds.toFixed(0)} s`);
	// Inside `npm test` the closing line is the suite's own, summed over every stage.
	if (process.env.VIEWCOMFY_RESULTS_DIR) return jestCode;
	const failedStages = jestCode === 0 ? [] : [`jest_stage:e2e-latest (n8n ${LATEST_N8N_VERSION})`];
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
