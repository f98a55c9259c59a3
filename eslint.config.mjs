// n8n's community-node rules over the shipped code (nodes/, credentials/, package.json), with the
// n8n Cloud preset: the rules n8n's verification applies. No rule is switched off.
import { configs as n8nCommunity } from '@n8n/eslint-plugin-community-nodes';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{ ignores: ['dist/**', 'node_modules/**', 'test/**', 'bench/**', 'scripts/**', 'examples/**', '*.js', '*.cjs'] },
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
		extends: [tseslint.configs.recommended],
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
			'no-console': 'error',
		},
	},
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json'],
		...n8nCommunity.recommended,
	},
	{
		// The package.json rules (name, author, files, peer dependencies, …) expect the TypeScript
		// parser's reading of a JSON file: one expression statement holding the object.
		files: ['package.json'],
		languageOptions: { parser: tseslint.parser },
	},
);
