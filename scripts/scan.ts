/**
 * n8n's community-package scanner (@n8n/scan-community-package), analysis step, run on this
 * checkout: once on the sources the way `n8n-node lint` sees them (the scanner's
 * SOURCE_FILE_PATTERNS), once on the unpacked `npm pack` tarball the way n8n's verification sees
 * a published package (package.json and every .js). Prints each finding and their count, and
 * exits non-zero on any finding. The provenance step needs a package published from CI and is
 * not run here.
 *
 *   npm run scan                 both
 *   npm run scan -- --source     the sources only (no build)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

interface AnalysisResult {
	passed: boolean;
	message?: string;
	details?: string;
}

interface Scanner {
	analyzePackage(dir: string, patterns?: string[]): Promise<AnalysisResult>;
	SOURCE_FILE_PATTERNS: string[];
}

/** The tarball's shipped files, as the scanner reads a published package. */
const TARBALL_PATTERNS = ['package.json', '**/*.js'];

const root = resolve(__dirname, '..');

async function loadScanner(): Promise<Scanner> {
	// An ES module without an `exports` map: imported by path. `new Function` keeps tsx/ts from
	// turning the dynamic import into a require() of an .mjs file.
	const importModule = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<Scanner>;
	return await importModule(require.resolve('@n8n/scan-community-package/scanner/scanner.mjs'));
}

/** The finding count from eslint's stylish summary ("✖ 3 problems (3 errors, 0 warnings)"). */
function countFindings(result: AnalysisResult): number {
	if (result.passed) return 0;
	const match = /(\d+) problems? \((\d+) errors?/.exec(result.details ?? '');
	// A failure without lint output (the analysis itself crashed) counts as one finding.
	return match ? Number(match[2]) : 1;
}

function report(label: string, result: AnalysisResult): number {
	const count = countFindings(result);
	console.log(`\n=== ${label}: ${count} finding${count === 1 ? '' : 's'}`);
	if (!result.passed) console.log(result.details ?? result.message ?? '');
	return count;
}

/**
 * Builds and packs the package and unpacks the tarball into a temporary folder. The build is run
 * here, not left to `prepack`: the project's .npmrc sets ignore-scripts, which skips npm's hooks.
 */
function unpackTarball(): { dir: string; cleanup: () => void } {
	execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
	const work = mkdtempSync(join(tmpdir(), 'viewcomfy-scan-'));
	execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
	const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
	if (!tarball) throw new Error(`npm pack wrote no tarball into ${work}`);
	const dir = join(work, 'package');
	execFileSync('tar', ['-xzf', join(work, tarball), '-C', work]);
	// The community-nodes rules resolve n8n-workflow from the package; the scanner skips node_modules.
	symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
	return { dir, cleanup: () => rmSync(work, { recursive: true, force: true }) };
}

async function main(): Promise<void> {
	const sourceOnly = process.argv.includes('--source');
	const scanner = await loadScanner();
	let total = report('source', await scanner.analyzePackage(root, scanner.SOURCE_FILE_PATTERNS));
	if (!sourceOnly) {
		const { dir, cleanup } = unpackTarball();
		try {
			total += report('tarball', await scanner.analyzePackage(dir, TARBALL_PATTERNS));
		} finally {
			cleanup();
		}
	}
	console.log(`\nscan: ${total} finding${total === 1 ? '' : 's'} in all`);
	process.exitCode = total === 0 ? 0 : 1;
}

main().catch((err: unknown) => {
	console.error(err);
	process.exitCode = 1;
});
