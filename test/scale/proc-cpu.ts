import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports process times in clock ticks; 100 per second on every mainstream kernel config. */
const TICKS_PER_SECOND = 100;

interface ProcStat {
	pid: number;
	ppid: number;
	cpuSeconds: number;
}

function readStat(pid: number): ProcStat | undefined {
	try {
		const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
		// The command name (field 2) may contain spaces; fields after it are space-separated.
		const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
		const [utime, stime, cutime, cstime] = [fields[11], fields[12], fields[13], fields[14]].map(Number);
		return { pid, ppid: Number(fields[1]), cpuSeconds: (utime + stime + cutime + cstime) / TICKS_PER_SECOND };
	} catch {
		return undefined;
	}
}

function allStats(): ProcStat[] {
	return readdirSync('/proc')
		.filter((e) => /^\d+$/.test(e))
		.map((e) => readStat(Number(e)))
		.filter((s): s is ProcStat => !!s);
}

/** CPU seconds used so far by a process and all its live descendants (and children it reaped). */
export function treeCpuSeconds(root: number, stats = allStats()): number {
	const children = new Map<number, ProcStat[]>();
	for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
	let total = 0;
	const stack = stats.filter((s) => s.pid === root);
	while (stack.length) {
		const s = stack.pop()!;
		total += s.cpuSeconds;
		stack.push(...(children.get(s.pid) ?? []));
	}
	return total;
}

/** Busy and total CPU time of the whole machine so far (all cores), from /proc/stat, in seconds. */
function machineCpu(): { busy: number; total: number } {
	const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
	const [user, nice, system, idle, iowait, irq, softirq, steal] = values.map(Number);
	const busy = user + nice + system + irq + softirq + steal;
	return { busy: busy / TICKS_PER_SECOND, total: (busy + idle + iowait) / TICKS_PER_SECOND };
}

/**
 * CPU used by named process trees between `start()` and `stop()`, in seconds, and how busy the
 * whole machine was meanwhile (other jobs on a shared machine slow the batch down too).
 */
export class CpuWatch {
	private readonly before = new Map<string, number>();
	private machineBefore = { busy: 0, total: 0 };

	constructor(private readonly roots: Record<string, number | undefined>) {}

	start(): void {
		this.machineBefore = machineCpu();
		const stats = allStats();
		for (const [name, pid] of Object.entries(this.roots)) if (pid) this.before.set(name, treeCpuSeconds(pid, stats));
	}

	stop(): Record<string, number> {
		const stats = allStats();
		const used: Record<string, number> = {};
		for (const [name, pid] of Object.entries(this.roots)) if (pid && this.before.has(name)) used[name] = treeCpuSeconds(pid, stats) - this.before.get(name)!;
		return used;
	}

	/** Share of all cores' time the machine was busy since `start()`, 0-1. */
	machineBusy(): number {
		const now = machineCpu();
		return (now.busy - this.machineBefore.busy) / (now.total - this.machineBefore.total);
	}
}
