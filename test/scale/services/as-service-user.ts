import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { chownSync } from 'node:fs';

/** The account PostgreSQL runs under when we are root (initdb and postgres refuse to run as root). */
const SERVICE_USER = 'postgres';

export const isRoot = (): boolean => process.getuid?.() === 0;

function serviceUserIds(): { uid: number; gid: number } {
	const [uid, gid] = execFileSync('sh', ['-c', `id -u ${SERVICE_USER} && id -g ${SERVICE_USER}`], { encoding: 'utf8' })
		.trim()
		.split('\n')
		.map(Number);
	return { uid, gid };
}

/** Hands a folder (or file) to the service user when running as root; a no-op otherwise. */
export function giveToServiceUser(path: string): void {
	if (!isRoot()) return;
	const { uid, gid } = serviceUserIds();
	chownSync(path, uid, gid);
}

/** Runs a command as the service user when root, as ourselves otherwise; throws with its output on failure. */
export function runAsServiceUser(command: string, args: string[], options: ExecFileSyncOptions = {}): string {
	const [bin, argv] = isRoot() ? ['runuser', ['-u', SERVICE_USER, '--', command, ...args]] : [command, args];
	try {
		return execFileSync(bin as string, argv as string[], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options }) as string;
	} catch (error) {
		const e = error as { stdout?: string; stderr?: string; message: string };
		throw new Error(`${command} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
	}
}
