/**
 * `npm run test:faults [-- --write-docs] [jest arguments]`: the fault matrix under jest.
 * docs/reliability.md is tracked, so a plain run only reports; `--write-docs` asks the matrix to
 * rewrite it from a complete run (a run narrowed with `-t` never does).
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

import { WRITE_DOCS_ENV } from './support/writeDocsFlag';

const argv = process.argv.slice(2);
const writeDocs = argv.includes('--write-docs');
const jestArgs = argv.filter((arg) => arg !== '--write-docs');

const jest = spawnSync('npx', ['jest', '--selectProjects', 'faults', ...jestArgs], {
	cwd: resolve(__dirname, '../..'),
	stdio: 'inherit',
	env: { ...process.env, [WRITE_DOCS_ENV]: writeDocs ? '1' : '' },
});
process.exit(jest.status ?? 1);
