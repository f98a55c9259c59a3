import { join } from 'node:path';

export interface N8nEnvOptions {
	/** Parent of the `.n8n` folder n8n keeps its database, settings and community nodes in. */
	userFolder: string;
	/** Port for the editor, REST, public API and webhooks. */
	port: number;
	/** Port of the task broker the Code node's runner connects to; each instance needs its own. */
	runnerBrokerPort: number;
	/** Folders the Read/Write Files from Disk node may touch (n8n 2.x allows only ~/.n8n-files by default). */
	fileAccessDirs?: string[];
	/** What the n8n install needs to run (`N8nInstall.runtimeEnv`: its Node on PATH, its settings). */
	runtime?: Record<string, string>;
	extra?: Record<string, string>;
}

/** Environment for one isolated, quiet n8n: own folder and ports, no calls home, sqlite. */
export function n8nEnv(options: N8nEnvOptions): NodeJS.ProcessEnv {
	const base: NodeJS.ProcessEnv = {};
	// Inherit only what a process needs to run; any N8N_* from the caller's shell would leak
	// settings (or another instance's folder) into this one.
	for (const name of ['PATH', 'HOME', 'LANG', 'TMPDIR', 'TZ', 'SHELL', 'USER']) {
		const value = process.env[name];
		if (value !== undefined) base[name] = value;
	}
	return {
		...base,
		N8N_USER_FOLDER: options.userFolder,
		N8N_PORT: String(options.port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		WEBHOOK_URL: `http://127.0.0.1:${options.port}/`,
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${options.port}/`,
		DB_TYPE: 'sqlite',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_RUNNERS_ENABLED: 'true',
		N8N_RUNNERS_MODE: 'internal',
		N8N_RUNNERS_BROKER_PORT: String(options.runnerBrokerPort),
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		N8N_RESTRICT_FILE_ACCESS_TO: (options.fileAccessDirs ?? [join(options.userFolder, 'files')]).join(';'),
		NODE_ENV: 'production',
		...options.runtime,
		...options.extra,
	};
}

/**
 * n8n binary data modes an e2e run can ask for with VIEWCOMFY_E2E_BINARY_MODE; unset, n8n keeps
 * its own default (filesystem in n8n 2.x, in memory in 1.x).
 */
const E2E_BINARY_MODES = ['filesystem', 'database'] as const;
export type E2eBinaryMode = (typeof E2E_BINARY_MODES)[number];

export function e2eBinaryMode(): E2eBinaryMode | undefined {
	const mode = process.env.VIEWCOMFY_E2E_BINARY_MODE?.trim();
	if (!mode) return undefined;
	if (!(E2E_BINARY_MODES as readonly string[]).includes(mode)) {
		throw new Error(`VIEWCOMFY_E2E_BINARY_MODE must be one of ${E2E_BINARY_MODES.join(', ')}; got "${mode}"`);
	}
	return mode as E2eBinaryMode;
}

/** n8n 1.x registers the database store only when N8N_AVAILABLE_BINARY_DATA_MODES lists it; 2.x has every mode. */
export function binaryModeEnv(): Record<string, string> {
	const mode = e2eBinaryMode();
	return mode ? { N8N_DEFAULT_BINARY_DATA_MODE: mode, N8N_AVAILABLE_BINARY_DATA_MODES: [...new Set(['filesystem', mode])].join(',') } : {};
}
