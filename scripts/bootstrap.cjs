// Makes a fresh clone runnable: installs the locked dev dependencies when they are missing or
// older than package-lock.json. Plain Node on purpose, because it runs before anything is installed.
const { execSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const marker = path.join(root, 'node_modules', '.package-lock.json');
const lock = path.join(root, 'package-lock.json');

const stale =
	!fs.existsSync(marker) || fs.statSync(marker).mtimeMs < fs.statSync(lock).mtimeMs;
if (stale) {
	console.log('Installing the project dependencies (npm ci, about a minute)...');
	// Without install scripts: n8n's scanner pulls in eslint-plugin-n8n-nodes-base, whose
	// preinstall refuses any client but pnpm. esbuild (the gulp build's bundler) is the one
	// package here whose install script we want; the rest are optional native speed-ups of n8n-core's
	// dependencies that fall back to JavaScript.
	execSync('npm ci --ignore-scripts --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
	execSync('npm rebuild esbuild', { cwd: root, stdio: 'inherit' });
}
