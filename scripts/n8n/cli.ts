import { spawn } from 'node:child_process';

export interface CliResult {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** Runs `n8n <args>` to completion in its own process group, killed whole on timeout. */
export function runN8nCli(bin: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 300_000, cwd?: string): Promise<CliResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(bin, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		const timer = setTimeout(() => {
			try {
				process.kill(-child.pid!, 'SIGKILL');
			} catch {
				// Already gone.
			}
			reject(new Error(`n8n ${args[0]} did not finish within ${timeoutMs / 1000} s.\nstdout:\n${stdout}\nstderr:\n${stderr}`));
		}, timeoutMs);
		child.on('error', (error) => {
			clearTimeout(timer);
			reject(new Error(`Could not start ${bin}: ${error.message}`));
		});
		child.on('close', (code) => {
			clearTimeout(timer);
			// The Code node's task runner is a grandchild; make sure nothing of this run survives it.
			try {
				process.kill(-child.pid!, 'SIGKILL');
			} catch {
				// The whole group already exited.
			}
			resolve({ code, stdout, stderr });
		});
	});
}

/**
 * `n8n execute --rawOutput` still prints log lines before the JSON; the JSON document is
 * everything from the first line that starts with `{` to the last line that starts with `}`.
 */
export function extractJson<T = unknown>(stdout: string): T {
	const lines = stdout.split('\n');
	const start = lines.findIndex((line) => line.startsWith('{'));
	let end = -1;
	for (let i = lines.length - 1; i >= 0; i--) {
		if (lines[i].startsWith('}')) {
			end = i;
			break;
		}
	}
	if (start < 0 || end < start) throw new Error(`No JSON document in n8n output:\n${stdout.slice(0, 4000)}`);
	return JSON.parse(lines.slice(start, end + 1).join('\n')) as T;
}
