// tsc only emits .js; n8n also needs each node's icons and codex file beside the built node,
// and the package entry point (index.js) lives in dist so that npm pack ships dist alone.
const { src, dest, task } = require('gulp');

function copyAssets() {
	return src(['index.js', 'nodes/**/*.{svg,png}', 'nodes/**/*.node.json', 'credentials/**/*.{svg,png}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

task('build:assets', copyAssets);
