// tsc only emits .js; n8n also needs each node's icons and codex file beside the built node,
// and the package entry point (index.js) lives in dist so that npm pack ships dist alone.
// The node is then bundled with esbuild: the package has no runtime dependencies, so the
// libraries it uses (devDependencies such as eventsource-parser) ship inside dist/.
const { src, dest, task, series } = require('gulp');
const { rmSync } = require('fs');
const esbuild = require('esbuild');

function copyAssets() {
	return src(['index.js', 'nodes/**/*.{svg,png}', 'nodes/**/*.node.json', 'credentials/**/*.{svg,png}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

async function bundleNode() {
	const entry = 'dist/nodes/ViewComfy/ViewComfy.node.js';
	await esbuild.build({
		entryPoints: [entry],
		outfile: entry,
		allowOverwrite: true,
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node20',
		// n8n provides it (a peer dependency); crypto is the one Node module the rules allow.
		external: ['n8n-workflow', 'crypto'],
		logLevel: 'warning',
	});
	// The bundle holds every module of the node: ship it alone, not tsc's per-module copies too.
	for (const folder of ['actions', 'helpers', 'methods', 'transport']) {
		rmSync(`dist/nodes/ViewComfy/${folder}`, { recursive: true, force: true });
	}
}

task('build:assets', series(copyAssets, bundleNode));
