/**
 * The settings that turn a set of n8n 2.8 processes into one queue-mode installation. The same
 * values go to the main process and to every worker; docs/scaling.md explains each of them.
 */
export interface QueueEnvOptions {
	/** Shared by every process: credentials written by one must be readable by all. */
	encryptionKey: string;
	database: Record<string, string>;
	redis: Record<string, string>;
	/**
	 * Left out, n8n picks its default (2.8: `database` in queue mode). The scenario leaves it out
	 * to prove that default; docs/scaling.md tells users to set it explicitly.
	 */
	binaryDataMode?: 'database' | 's3';
	/**
	 * How fast a dead worker's jobs are noticed. Bull marks a job stalled when its lock is not
	 * renewed for `lockDurationMs`; live workers look for stalled jobs every `stalledIntervalMs`.
	 * n8n's defaults are 60 s / 10 s / 30 s.
	 */
	stalledJobs?: { lockDurationMs: number; lockRenewMs: number; stalledIntervalMs: number };
}

export function queueModeEnv(options: QueueEnvOptions): Record<string, string> {
	const env: Record<string, string> = {
		...options.database,
		...options.redis,
		EXECUTIONS_MODE: 'queue',
		N8N_ENCRYPTION_KEY: options.encryptionKey,
		// Manual (editor) runs go to the workers too; production webhook runs always do in queue mode.
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
	};
	// `filesystem` would break queue mode: only the host that wrote a file can read it back.
	if (options.binaryDataMode) env.N8N_DEFAULT_BINARY_DATA_MODE = options.binaryDataMode;
	if (options.stalledJobs) {
		env.QUEUE_WORKER_LOCK_DURATION = String(options.stalledJobs.lockDurationMs);
		env.QUEUE_WORKER_LOCK_RENEW_TIME = String(options.stalledJobs.lockRenewMs);
		env.QUEUE_WORKER_STALLED_INTERVAL = String(options.stalledJobs.stalledIntervalMs);
	}
	return env;
}
