/**
 * The orchestrator's side of the benchmark processes: the emulator process it keeps for the
 * whole run, and one fresh measurement child per figure.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { request } from 'undici';

import { downloadAndDiscard } from './benchRequest';
import type { ChildMessage, EmulatorUrls, MeasurementResult, MeasurementSpec } from './spec';

const TSX_EXEC_ARGV = ['--import', 'tsx'];
/** Generous: a 200 MB row takes seconds; this only stops a hung child from hanging CI. */
const CHILD_TIMEOUT_MS = 10 * 60_000;

export class EmulatorProcess {
	private constructor(
		private readonly child: ChildProcess,
		readonly urls: EmulatorUrls,
	) {}

	static async start(): Promise<EmulatorProcess> {
		const child = fork(resolve(__dirname, 'emulatorProcess.ts'), [], { execArgv: TSX_EXEC_ARGV, stdio: 'inherit' });
		const urls = await new Promise<{ small: string; large: string }>((resolveUrls, reject) => {
			child.once('message', (message) => resolveUrls(message as { small: string; large: string }));
			child.once('exit', (code) => reject(new Error(`The bench emulator exited early (code ${code})`)));
		});
		return new EmulatorProcess(child, { warm: urls.small, measured: urls.large });
	}

	/** Sets the measured emulator's behaviour over its control API, then fills its output cache. */
	async configure(behaviour: { outputBytes: number | null; latencyMs: number; hostedRunMs?: number; dripBytesPerSecond?: number | null }): Promise<void> {
		const res = await request(new URL('/__emulator/behaviour', this.urls.measured), {
			method: 'POST',
			// The emulator merges what it is sent: a link speed is set for every measurement, or lifted.
			body: JSON.stringify({ dripBytesPerSecond: null, ...behaviour }),
		});
		const text = await res.body.text();
		if (res.statusCode !== 200) throw new Error(`The emulator refused behaviour ${JSON.stringify(behaviour)}: ${text}`);
		if (behaviour.outputBytes) await this.fillOutputCache();
	}

	async stop(): Promise<void> {
		if (this.child.exitCode !== null) return;
		const exited = new Promise((resolveExit) => this.child.once('exit', resolveExit));
		this.child.kill('SIGTERM');
		await exited;
	}

	/** The first answer of a new size encodes its base64; that must not land in any measurement. */
	private async fillOutputCache(): Promise<void> {
		await downloadAndDiscard(this.urls.measured, false);
	}
}

/** Runs one measurement in a new `node --expose-gc` process and returns what it reported. */
export async function runChild(spec: MeasurementSpec): Promise<MeasurementResult> {
	const child = fork(resolve(__dirname, 'child.ts'), [JSON.stringify(spec)], {
		execArgv: ['--expose-gc', ...TSX_EXEC_ARGV],
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	});
	const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
	try {
		return await new Promise<MeasurementResult>((resolveResult, reject) => {
			let message: ChildMessage | undefined;
			child.on('message', (received) => (message = received as ChildMessage));
			child.once('error', reject);
			child.once('exit', (code, signal) => {
				if (message?.ok) resolveResult(message.result);
				else if (message) reject(new Error(`Measurement ${spec.kind} failed:\n${message.error}`));
				else reject(new Error(`Measurement ${spec.kind} exited without a result (code ${code}, signal ${signal})`));
			});
		});
	} finally {
		clearTimeout(timer);
	}
}
