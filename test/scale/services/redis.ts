import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One raw PING over RESP; true when Redis answers PONG. */
function ping(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = connect(port, '127.0.0.1');
		let answer = '';
		const done = (ok: boolean) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(1000, () => done(false));
		socket.on('error', () => done(false));
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (chunk) => {
			answer += chunk.toString('latin1');
			if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
		});
	});
}

/**
 * redis-server as a child process on 127.0.0.1 only, without persistence (the queue only has to
 * outlive workers, not itself), killed with this process.
 */
export class RedisService {
	private child: ChildProcess | undefined;
	readonly logFile: string;

	constructor(
		private readonly serverPath: string,
		private readonly root: string,
		readonly port: number,
	) {
		this.logFile = join(root, 'redis.log');
	}

	get pid(): number | undefined {
		return this.child?.pid;
	}

	async start(): Promise<void> {
		mkdirSync(this.root, { recursive: true });
		const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--protected-mode', 'yes', '--dir', this.root, '--save', '', '--appendonly', 'no', '--daemonize', 'no'];
		const child = spawn(this.serverPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
		this.child = child;
		const log = createWriteStream(this.logFile);
		child.stdout!.pipe(log);
		child.stderr!.pipe(log);
		process.on('exit', () => child.kill('SIGKILL'));
		const deadline = Date.now() + 20_000;
		while (Date.now() < deadline) {
			if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}; see ${this.logFile}`);
			if (await ping(this.port)) return;
			await sleep(200);
		}
		throw new Error(`redis-server did not answer PING on 127.0.0.1:${this.port} within 20 s; see ${this.logFile}`);
	}

	async stop(): Promise<void> {
		const child = this.child;
		if (!child || child.exitCode !== null) return;
		const exited = new Promise((r) => child.once('exit', r));
		child.kill('SIGTERM');
		await Promise.race([exited, sleep(5000)]);
		child.kill('SIGKILL');
	}

	n8nEnv(): Record<string, string> {
		return { QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(this.port) };
	}
}
