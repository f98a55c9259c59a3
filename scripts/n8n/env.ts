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
