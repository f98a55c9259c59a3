// Makes a fresh clone runnable: installs the locked dev dependencies when they are missing or
// older than package-lock.json. Plain Node on purpose, because it runs before anything is installed.
// A plain `npm ci`: the project's .npmrc already keeps dependency install scripts off (see there),
// and none is needed, esbuild included (it finds its binary through its optional dependency).
const { execSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const marker = path.join(root, 'node_modules', '.package-lock.json');
const lock = path.join(root, 'package-lock.json');

const stale =
	!fs.existsSync(marker) || fs.statSync(marker).mtimeMs < fs.statSync(lock).mtimeMs;
if (stale) {
	console.log('Installing the project dependencies (npm ci, one to two minutes)...');
	execSync('npm ci --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
}
