/**
 * The n8n releases the e2e suite is proven on, and what each one needs to install and run on
 * this machine. `ensureN8n()` installs any of them the same way; only these facts differ.
 */
export interface N8nTarget {
	/** Short name: `npm run test:<name>` runs the e2e suite on it and reports to `e2e-<name>.json`. */
	name: string;
	version: string;
	/** Exact Node release it runs on, installed from the npm registry; absent: the machine's node. */
	node?: string;
	/**
	 * Native modules compiled after an `npm install --ignore-scripts`. Absent: a plain `npm install`
	 * with every install script. Skipping them is needed where some script cannot succeed here
	 * (prebuilt binaries from hosts this machine cannot reach, or a module that does not compile
	 * on this Node and that n8n does not load with the target's `env`).
	 */
	rebuild?: string[];
	/** Settings n8n needs on this target, added to every n8n process's environment. */
	env?: Record<string, string>;
	/**
	 * npm `overrides` for the install, on top of those every install gets (ensure-n8n.ts): for
	 * dependencies the registry this machine reaches does not have in the version n8n pins.
	 */
	overrides?: Record<string, string>;
}

/** The release the harness, demo and e2e use unless N8N_VERSION says otherwise. */
export const DEFAULT_TARGET: N8nTarget = { name: 'default', version: '2.8.4' };

/**
 * npm's newest n8n, 2.41.3 (26 September 2026), pins its own packages from the 2.41.2 round
 * (n8n-core 2.41.2, @n8n/config 2.39.1, ...). The registry this machine reaches has n8n 2.41.3,
 * n8n-nodes-base 2.41.2 and @n8n/db 1.41.2, but not the other 21: each is pinned to the newest
 * version it has, the one n8n 2.41.1 pins. So this target is n8n 2.41.3's server package (its
 * changes to 2.41.1: instance AI, instance reporting, OpenTelemetry tracing and agent run tracing)
 * with n8n-nodes-base 2.41.2, @n8n/db 1.41.2 and 2.41.1's other internal packages; installed so
 * (791 s on the busy 2-core machine), it starts and passes the e2e suite. Drop an entry once the
 * registry has the version n8n pins (`npm view <package> versions`).
 */
const N8N_2_41_3_OVERRIDES: Record<string, string> = {
	'@n8n/agents': '0.26.1',
	'@n8n/ai-node-sdk': '0.31.1',
	'@n8n/ai-utilities': '0.34.1',
	'@n8n/ai-workflow-builder': '1.41.1',
	'@n8n/api-types': '1.41.0',
	'@n8n/backend-common': '1.41.1',
	'@n8n/backend-network': '1.15.1',
	'@n8n/blob-storage': '1.9.1',
	'@n8n/chat-hub': '1.34.0',
	'@n8n/client-oauth2': '1.23.1',
	'@n8n/config': '2.39.0',
	'@n8n/decorators': '1.41.0',
	'@n8n/engine': '0.21.0',
	'@n8n/instance-ai': '1.26.1',
	'@n8n/mcp-apps': '0.18.0',
	'@n8n/n8n-nodes-langchain': '2.41.1',
	'@n8n/node-engine-compatibility': '0.9.1',
	'@n8n/task-runner': '2.41.1',
	'@n8n/telemetry': '1.9.0',
	'n8n-core': '2.41.1',
	'n8n-editor-ui': '2.41.0',
};

const LATEST_VERSION = process.env.N8N_LATEST_VERSION?.trim() || '2.41.3';

/** npm's newest n8n; it needs Node 24, which the machine does not have. */
export const LATEST_TARGET: N8nTarget = {
	name: 'latest',
	version: LATEST_VERSION,
	node: process.env.N8N_LATEST_NODE_VERSION?.trim() || '24.21.0',
	// The database driver and the Code node sandbox, compiled against Node 24's own headers.
	rebuild: ['sqlite3', 'isolated-vm'],
	overrides: LATEST_VERSION === '2.41.3' ? N8N_2_41_3_OVERRIDES : undefined,
};

/**
 * The last 1.x line, on Node 20. Its isolated-vm 6 does not compile on Node 20, so install scripts
 * are skipped, only the database driver is compiled, and n8n runs the expression engine that does
 * not need isolated-vm.
 */
export const V1_TARGET: N8nTarget = {
	name: '1x',
	version: process.env.N8N_1X_VERSION?.trim() || '1.123.81',
	rebuild: ['sqlite3'],
	env: { N8N_EXPRESSION_ENGINE: 'legacy' },
};

export const N8N_TARGETS: readonly N8nTarget[] = [DEFAULT_TARGET, LATEST_TARGET, V1_TARGET];

/** The target by its name (`latest`, `1x`, …) or version; an unknown version gets a plain install. */
export function findTarget(nameOrVersion: string): N8nTarget | undefined {
	return N8N_TARGETS.find((t) => t.name === nameOrVersion || t.version === nameOrVersion);
}

export function targetForVersion(version: string): N8nTarget {
	return N8N_TARGETS.find((t) => t.version === version) ?? { name: version, version };
}
