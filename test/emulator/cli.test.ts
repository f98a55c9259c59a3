/**
 * The `npm run emulator` command: flag parsing, and the real process printing its URL, serving,
 * and closing cleanly on SIGINT/SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliUsageError, DEFAULT_PORT, parseCliArgs } from './cli-args';
import { DEFAULT_WORKFLOW_PATH } from './server';
import { json, startTestEmulator } from './helpers';

const ROOT = resolve(__dirname, '../..');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');

describe('parseCliArgs', () => {
	it('has a default for every flag', () => {
		expect(parseCliArgs([])).toEqual({
			help: false,
			options: {
				port: DEFAULT_PORT,
				host: '127.0.0.1',
				workflow: DEFAULT_WORKFLOW_PATH,
				clientId: 'local',
				clientSecret: 'local-secret',
				behaviour: {},
			},
		});
		expect(DEFAULT_PORT).toBe(8788);
	});

	it('reads every flag', () => {
		const command = parseCliArgs(
			['--port', '0', '--host', '0.0.0.0', '--workflow', 'w.json', '--client-id', 'id', '--client-secret', 's'].concat(
				['--latency', '250', '--behaviour', '{"coldStart503": 2}'],
			),
		);
		expect(command).toEqual({
			help: false,
			options: { port: 0, host: '0.0.0.0', workflow: 'w.json', clientId: 'id', clientSecret: 's', behaviour: { coldStart503: 2, latencyMs: 250 } },
		});
		expect(parseCliArgs(['--help'])).toEqual({ help: true });
	});

	it.each([
		[['--port', 'abc'], /--port must be a whole number from 0 to 65535, got "abc"/],
		[['--port', '70000'], /--port must be a whole number/],
		[['--latency', '1.5'], /--latency must be a whole number/],
		[['--client-secret', ''], /--client-secret must not be empty/],
		[['--behaviour', '{"nope": 1}'], /Unknown behaviour field "nope"/],
		[['--behaviour', '{'], /--behaviour must be JSON/],
		[['--colour'], /Unknown option '--colour'[\s\S]*Usage: npm run emulator/],
	])('refuses %j clearly', (argv, message) => {
		expect(() => parseCliArgs(argv)).toThrow(CliUsageError);
		expect(() => parseCliArgs(argv)).toThrow(message);
	});
});

describe('the emulator process', () => {
	it('is the npm script "emulator"', () => {
		const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8'));
		expect(pkg.scripts.emulator).toBe('tsx test/emulator/cli.ts');
	});

	interface Started {
		child: ChildProcess;
		url: string;
		output: () => string;
		exit: Promise<number | null>;
	}

	// Each CLI runs in its own process group, like a terminal job, so a signal can reach the whole
	// npm -> sh -> tsx -> node chain the way Ctrl+C does.
	const groups: ChildProcess[] = [];
	afterEach(() => {
		// A failed test must not leave its emulator running (and jest waiting for it).
		for (const child of groups.splice(0)) {
			if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
		}
	});

	function startCli(command: string, args: string[]): Promise<Started> {
		const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
		groups.push(child);
		let out = '';
		child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
		child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
		const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
		return new Promise((resolveStart, rejectStart) => {
			const onData = () => {
				const match = /listening on (http:\/\/\S+)/.exec(out);
				if (match) {
					child.stdout!.off('data', onData);
					resolveStart({ child, url: match[1], output: () => out, exit });
				}
			};
			child.stdout!.on('data', onData);
			exit.then((code) => rejectStart(new Error(`exited with ${code} before listening: ${out}`)));
		});
	}

	it.each(['SIGTERM', 'SIGINT'] as const)('serves with its flags, hides the secret, and stops on %s', async (signal) => {
		const started = await startCli(TSX, [
			'test/emulator/cli.ts',
			'--port', '0',
			'--client-id', 'cli-id',
			'--client-secret', 'cli-secret-value',
			'--latency', '5',
			'--workflow', 'test/fixtures/workflows/video_subgraph.json',
		]);
		expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
		const form = new FormData();
		form.set('params', JSON.stringify({ '54:73-inputs-noise_seed': 3 }));
		const res = await fetch(started.url, { method: 'POST', body: form, headers: { client_id: 'cli-id', client_secret: 'cli-secret-value' } });
		expect(res.status).toBe(201);
		expect((await json(res)).outputs[0].filename).toBe('fox-run_00001.mp4');
		const behaviour = await json(await fetch(new URL('/__emulator/behaviour', started.url)));
		expect(behaviour.latencyMs).toBe(5);

		started.child.kill(signal);
		expect(await started.exit).toBe(0);
		expect(started.output()).toContain('ViewComfy emulator stopped.');
		expect(started.output()).not.toContain('cli-secret-value');
	});

	it('runs through npm run emulator with its defaults', async () => {
		const started = await startCli('npm', ['run', '--silent', 'emulator', '--', '--port', '0']);
		const form = new FormData();
		form.set('params', JSON.stringify({ '3-inputs-seed': 1, '5-inputs-width': 8, '5-inputs-height': 8 }));
		const res = await fetch(started.url, { method: 'POST', body: form, headers: { client_id: 'local', client_secret: 'local-secret' } });
		expect(res.status).toBe(201);
		process.kill(-started.child.pid!, 'SIGINT');
		await started.exit;
		// The emulator's own goodbye proves it closed rather than being killed.
		expect(started.output()).toContain('ViewComfy emulator stopped.');
	});

	const runToExit = (args: string[]) =>
		new Promise<{ code: number | null; out: string }>((resolveRun) => {
			const child = spawn(TSX, ['test/emulator/cli.ts', ...args], { cwd: ROOT });
			let out = '';
			child.stdout.on('data', (c: Buffer) => (out += c.toString()));
			child.stderr.on('data', (c: Buffer) => (out += c.toString()));
			child.on('exit', (code) => resolveRun({ code, out }));
		});

	it('explains a bad workflow or a busy port in one line, without a stack trace', async () => {
		const editor = await runToExit(['--port', '0', '--workflow', 'test/fixtures/workflows/editor_format_not_api.json']);
		expect(editor.code).toBe(1);
		expect(editor.out).toMatch(/editor save format.*Export \(API\)/);
		expect(editor.out).not.toMatch(/\n\s+at /);

		const busy = await startTestEmulator();
		try {
			const clash = await runToExit(['--port', String(busy.port)]);
			expect(clash.code).toBe(1);
			expect(clash.out).toContain(`port ${busy.port} is in use; pick another with --port`);
		} finally {
			await busy.close();
		}
	});
});
