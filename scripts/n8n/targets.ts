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
}

/** The release the harness, demo and e2e use unless N8N_VERSION says otherwise. */
export const DEFAULT_TARGET: N8nTarget = { name: 'default', version: '2.8.4' };

/** The newest line that installs here; it needs Node 24, which the machine does not have. */
export const LATEST_TARGET: N8nTarget = {
	name: 'latest',
	version: process.env.N8N_LATEST_VERSION?.trim() || '2.40.7',
	node: process.env.N8N_LATEST_NODE_VERSION?.trim() || '24.21.0',
	// The database driver and the Code node sandbox, compiled against Node 24's own headers.
	rebuild: ['sqlite3', 'isolated-vm'],
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
