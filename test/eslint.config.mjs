// ESLint config for the repository's own tooling: test/ here, and bench/ and scripts/, whose
// eslint.config.mjs re-export this one. None of it ships (package.json "files" is dist/ only).
//
// The root eslint.config.mjs is n8n's node CLI default config, verbatim, so that n8n's Cloud
// check accepts the package. It applies n8n's Cloud rules for shipped node code (no process, no
// timers, no Node built-ins, ...) to every .ts file it reaches. Tests, benchmarks and scripts are
// Node programs that start servers, processes and n8n itself, so they stand outside that config:
// `npm run lint` runs `n8n-node lint` with ESLint's config lookup from file
// (ESLINT_FLAGS=unstable_config_lookup_from_file, ESLint 9; the default from ESLint 10), and ESLint
// then lints each file with the eslint.config.mjs nearest to it. See docs/tooling.md.
//
// Here: the root config's general rules (ESLint and typescript-eslint recommended, prefer-spread
// off) without n8n's node rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config({
	files: ['**/*.ts'],
	extends: [js.configs.recommended, tseslint.configs.recommended],
	rules: {
		'prefer-spread': 'off',
	},
});
