/**
 * Peak resident memory of this process over one measurement, above where it started.
 *
 * Linux keeps the true peak (VmHWM) and lets a process reset it (`5` into /proc/self/clear_refs),
 * which catches peaks inside long synchronous calls that no timer could sample. Elsewhere an
 * interval sampler of `process.memoryUsage.rss()` stands in, and the result says so.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const SAMPLE_INTERVAL_MS = 5;

export interface PeakMemory {
	/** Resident memory when the measurement started, after a full GC. */
	baselineBytes: number;
	/** Highest resident memory seen during the measurement, minus the baseline. */
	peakAboveBaselineBytes: number;
	method: 'VmHWM' | 'sampled';
}

export class PeakMemoryTracker {
	private readonly baseline: number;
	private readonly kernelPeak: boolean;
	private sampledPeak: number;
	private readonly timer: NodeJS.Timeout | undefined;

	private constructor() {
		fullGc();
		this.kernelPeak = resetKernelPeak();
		this.baseline = process.memoryUsage.rss();
		this.sampledPeak = this.baseline;
		if (!this.kernelPeak) {
			this.timer = setInterval(() => this.sample(), SAMPLE_INTERVAL_MS);
			this.timer.unref();
		}
	}

	/** Collects garbage, then starts tracking from the current resident size. */
	static start(): PeakMemoryTracker {
		return new PeakMemoryTracker();
	}

	stop(): PeakMemory {
		this.sample();
		if (this.timer) clearInterval(this.timer);
		const peak = this.kernelPeak ? Math.max(readKernelPeak(), this.sampledPeak) : this.sampledPeak;
		return {
			baselineBytes: this.baseline,
			peakAboveBaselineBytes: Math.max(0, peak - this.baseline),
			method: this.kernelPeak ? 'VmHWM' : 'sampled',
		};
	}

	private sample(): void {
		this.sampledPeak = Math.max(this.sampledPeak, process.memoryUsage.rss());
	}
}

/** Needs `node --expose-gc`; without it the baseline may still hold garbage, so refuse. */
export function fullGc(): void {
	const gc = (globalThis as { gc?: () => void }).gc;
	if (!gc) throw new Error('Benchmark children must run with node --expose-gc');
	gc();
	gc();
}

function resetKernelPeak(): boolean {
	try {
		writeFileSync('/proc/self/clear_refs', '5');
		return readKernelPeak() > 0;
	} catch {
		return false;
	}
}

function readKernelPeak(): number {
	const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
	return match ? Number(match[1]) * 1024 : 0;
}
