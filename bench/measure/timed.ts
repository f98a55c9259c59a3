import { startCpuProfile } from '../cpuProfile';
import { PeakMemoryTracker } from '../peakMemory';
import type { MeasurementResult } from '../spec';

/**
 * Runs `work` once with wall time and peak memory above a freshly collected baseline; profiled
 * when BENCH_CPU_PROFILE names a folder (see cpuProfile.ts), which slows the run down.
 */
export async function timed<T>(work: () => Promise<T>, label = 'measured'): Promise<{ value: T; result: MeasurementResult }> {
	const profiler = await startCpuProfile(label);
	const memory = PeakMemoryTracker.start();
	const cpuStart = process.cpuUsage();
	const start = process.hrtime.bigint();
	const value = await work();
	const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
	const cpu = process.cpuUsage(cpuStart);
	await profiler?.stop();
	return { value, result: { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, memory: memory.stop() } };
}

/** Wall time only, for the many-request measurements where memory is not the question. */
export async function wallMs(work: () => Promise<unknown>): Promise<number> {
	const start = process.hrtime.bigint();
	await work();
	return Number(process.hrtime.bigint() - start) / 1e6;
}

/** A benchmark that computed something wrong must not report a figure. */
export function check(condition: boolean, what: string): asserts condition {
	if (!condition) throw new Error(`Benchmark self-check failed: ${what}`);
}
