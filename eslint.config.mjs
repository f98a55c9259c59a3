// n8n's community-node rules over the shipped code (nodes/, credentials/, package.json).
// Every rule switched off below says why.
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
		// Not the n8n Cloud preset: Cloud verification forbids runtime dependencies and Node
		// built-ins (node:stream), and this package needs both to stream large outputs.
		...n8nCommunity.recommendedWithoutN8nCloudSupport,
		rules: {
			...n8nCommunity.recommendedWithoutN8nCloudSupport.rules,
			// The project's design card chooses undici (streaming HTTP with per-origin control of
			// the credentials and no 300 s body timeout) and eventsource-parser (SSE events) as the
			// only runtime dependencies; n8n's own helpers buffer whole bodies, which large video
			// outputs cannot afford.
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
			// inputs/outputs use the 'main' literal: NodeConnectionTypes does not exist at run time
			// in n8n 1.x before 1.82, and the package supports n8n 1.x.
			'@n8n/community-nodes/node-connection-type-literal': 'off',
		},
	},
	{
		// The package.json rules (name, author, files, peer dependencies, …) expect the TypeScript
		// parser's reading of a JSON file: one expression statement holding the object.
		files: ['package.json'],
		languageOptions: { parser: tseslint.parser },
	},
	{
		// Pure helpers and the transport have no INode to build NodeOperationError from; they throw
		// their own typed errors, and actions/nodeErrors.ts turns every one of them into a
		// NodeOperationError or NodeApiError at the node boundary.
		files: ['nodes/ViewComfy/helpers/**/*.ts', 'nodes/ViewComfy/transport/**/*.ts'],
		rules: { '@n8n/community-nodes/require-node-api-error': 'off' },
	},
);
