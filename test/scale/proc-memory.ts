import { readFileSync, writeFileSync } from 'node:fs';

/** Resident memory of a process now and at its peak, from /proc (Linux), in MiB. */
export interface MemoryReading {
	rssMiB: number;
	peakMiB: number;
}

function statusField(status: string, field: string): number {
	const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
	return match ? Number(match[1]) / 1024 : NaN;
}

export function readMemory(pid: number): MemoryReading | undefined {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		return { rssMiB: statusField(status, 'VmRSS'), peakMiB: statusField(status, 'VmHWM') };
	} catch {
		return undefined;
	}
}

/**
 * Restarts the kernel's peak-RSS counter (VmHWM) so the next reading covers only what follows.
 * Needs permission on the process; false when the kernel refused (the sampler still sees peaks).
 */
export function resetPeak(pid: number): boolean {
	try {
		writeFileSync(`/proc/${pid}/clear_refs`, '5');
		return true;
	} catch {
		return false;
	}
}

/**
 * Polls RSS of some processes; the kernel's VmHWM catches peaks between polls when it could be
 * reset, the polled maximum is the fallback.
 */
export class MemoryWatch {
	private readonly polledMax = new Map<number, number>();
	private readonly resettable = new Map<number, boolean>();
	private timer: NodeJS.Timeout | undefined;

	constructor(private readonly pids: number[]) {}

	start(intervalMs = 50): void {
		for (const pid of this.pids) {
			this.resettable.set(pid, resetPeak(pid));
			this.polledMax.set(pid, readMemory(pid)?.rssMiB ?? 0);
		}
		this.timer = setInterval(() => {
			for (const pid of this.pids) {
				const rss = readMemory(pid)?.rssMiB ?? 0;
				if (rss > (this.polledMax.get(pid) ?? 0)) this.polledMax.set(pid, rss);
			}
		}, intervalMs);
	}

	/** Peak RSS per pid since start(), in MiB, and how it was measured. */
	stop(): Map<number, { peakMiB: number; source: 'VmHWM' | 'polled RSS' }> {
		clearInterval(this.timer);
		const peaks = new Map<number, { peakMiB: number; source: 'VmHWM' | 'polled RSS' }>();
		for (const pid of this.pids) {
			const polled = this.polledMax.get(pid) ?? 0;
			const hwm = readMemory(pid)?.peakMiB;
			if (this.resettable.get(pid) && hwm !== undefined && !Number.isNaN(hwm)) peaks.set(pid, { peakMiB: Math.max(hwm, polled), source: 'VmHWM' });
			else peaks.set(pid, { peakMiB: polled, source: 'polled RSS' });
		}
		return peaks;
	}
}
