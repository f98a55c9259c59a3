/**
 * The package's module layout: no import cycles, no two files of the same name, and the lower
 * layers never import the higher ones (helpers/ never imports transport/ or actions/; transport/
 * never imports actions/).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = join(__dirname, '..', '..');
const nodeDir = join(root, 'nodes', 'ViewComfy');

function filesUnder(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? filesUnder(path) : [path];
	});
}

const sources = [...filesUnder(nodeDir), ...filesUnder(join(root, 'credentials'))].filter((path) => path.endsWith('.ts'));

function importsOf(path: string): string[] {
	return [...readFileSync(path, 'utf8').matchAll(/from '([^']+)'/g)].map((match) => match[1]);
}

describe('module layout', () => {
	it('has no import cycles', () => {
		// dpdm's CLI (its library entry is ESM-only underneath, which jest's CommonJS run cannot load).
		const run = spawnSync(
			join(root, 'node_modules', '.bin', 'dpdm'),
			['--no-warning', '--no-tree', '-T', 'nodes/ViewComfy/ViewComfy.node.ts', 'credentials/ViewComfyApi.credentials.ts'],
			{ cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } },
		);
		const output = `${run.stdout}${run.stderr}`;
		const analysed = /\[(\d+)\/\d+\] Analyze done/.exec(output);
		expect(Number(analysed?.[1])).toBeGreaterThan(40);
		expect(output).toContain('no circular dependency was found');
	}, 60_000);

	it('has no two source files of the same name', () => {
		const byName = new Map<string, string[]>();
		for (const path of sources) byName.set(basename(path), [...(byName.get(basename(path)) ?? []), relative(root, path)]);
		expect([...byName.values()].filter((paths) => paths.length > 1)).toEqual([]);
	});

	it.each([
		['helpers', ['/transport/', '/actions/', '../transport', '../actions', '../methods']],
		['transport', ['/actions/', '../actions', '../../actions', '../methods', '../../methods']],
	])('%s/ imports no higher layer', (layer, forbidden) => {
		const offending = sources
			.filter((path) => relative(nodeDir, path).startsWith(`${layer}/`))
			.flatMap((path) => importsOf(path).filter((spec) => forbidden.some((f) => spec.includes(f))).map((spec) => `${relative(root, path)}: ${spec}`));
		expect(offending).toEqual([]);
	});
});
