import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_TARGET } from './targets';

/** The n8n release the harness, demo and e2e run against unless N8N_VERSION says otherwise. */
export const DEFAULT_N8N_VERSION = DEFAULT_TARGET.version;

/** Repository root (scripts/n8n/ is two levels below it). */
export const REPO_ROOT = resolve(__dirname, '..', '..');

export function n8nVersion(): string {
	return process.env.N8N_VERSION?.trim() || DEFAULT_N8N_VERSION;
}

/**
 * n8n is ~2.3 GB, so it lives outside the repo and is shared by every clone and run
 * on this machine; the layout is `<cache>/n8n-<version>/node_modules/...`.
 */
export function n8nCacheDir(): string {
	return process.env.N8N_CACHE_DIR?.trim() || join(homedir(), '.cache', 'n8n-nodes-viewcomfy');
}

export function n8nInstallDir(version: string): string {
	return join(n8nCacheDir(), `n8n-${version}`);
}
