/**
 * A CPU profile of exactly the measured part of a run, for finding where its time goes:
 * with BENCH_CPU_PROFILE=<folder>, timed() profiles its work through the inspector and writes
 * `<folder>/<label>-<pid>.cpuprofile` (open it in Chrome DevTools, or summarize it with
 * `npx tsx bench/profileSummary.ts <file>`). Without it nothing is profiled.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

export interface CpuProfiler {
	stop(): Promise<void>;
}

export async function startCpuProfile(label: string): Promise<CpuProfiler | undefined> {
	const folder = process.env.BENCH_CPU_PROFILE;
	if (!folder) return undefined;
	const session = new Session();
	session.connect();
	await session.post('Profiler.enable');
	await session.post('Profiler.setSamplingInterval', { interval: 200 });
	await session.post('Profiler.start');
	return {
		stop: async () => {
			const { profile } = await session.post('Profiler.stop');
			session.disconnect();
			mkdirSync(folder, { recursive: true });
			writeFileSync(join(folder, `${label}-${process.pid}.cpuprofile`), JSON.stringify(profile));
		},
	};
}
