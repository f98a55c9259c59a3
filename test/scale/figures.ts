import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

export interface MemoryFigure {
	baselineMiB: number;
	peakMiB: number;
	source: string;
}

/** What one run of the scenario measured; rendered into docs/scaling.md. */
export interface Figures {
	date: string;
	n8nVersion: string;
	machine: string;
	settings: Record<string, unknown>;
	startupS: Record<string, number>;
	cores: number;
	batches: Array<{
		label: string;
		workers: number;
		calls: number;
		wallS: number;
		idealS: number;
		/** Time from sending a call to its complete answer, in ms: median and 95th percentile. */
		callMs: { p50: number; p95: number };
		perWorker: Record<string, number>;
		cpuS: Record<string, number>;
		machineBusy: number;
	}>;
	largeBinary?: { sizeMiB: number; seconds: number; worker: string; main: MemoryFigure; workerMemory: MemoryFigure };
	crash?: {
		calls: number;
		held: number;
		heldStatuses: string[];
		heldErrors: string[];
		errorAnswers: string[];
		reachedViewComfy: number;
		lastErrorAnswerAfterKillS: number;
		lastAnswerAfterKillS: number;
		survivorRan: number;
		retries: string[];
		retryCalledViewComfy: number;
		resentOk: number;
		lockDurationMs: number;
		stalledIntervalMs: number;
	};
	totalS: number;
	result: string;
}

export function newFigures(n8nVersion: string, settings: Record<string, unknown>): Figures {
	return {
		date: new Date().toISOString(),
		n8nVersion,
		machine: `${cpus().length} CPU cores (${cpus()[0]?.model.trim() ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}`,
		settings,
		startupS: {},
		cores: cpus().length,
		batches: [],
		totalS: NaN,
		result: '',
	};
}

/** "3 × `a`, 1 × `b`": repeated texts once, with how often they occurred. */
const counted = (texts: string[]): string => {
	const counts = new Map<string, number>();
	for (const t of texts) counts.set(t, (counts.get(t) ?? 0) + 1);
	return [...counts].map(([t, c]) => `${c} × \`${t}\``).join(', ') || 'none';
};

const n = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '?');

export function renderFigures(f: Figures): string {
	const lines: string[] = [];
	lines.push(`Measured by \`npm run test:scale\` on ${f.date.slice(0, 10)}: n8n ${f.n8nVersion}, ${f.machine}; checks: ${f.result}.`);
	lines.push('');
	lines.push(`Settings: ${Object.entries(f.settings).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', ')}.`);
	lines.push('');
	lines.push('| Start-up | seconds |', '| --- | --- |');
	for (const [what, s] of Object.entries(f.startupS)) lines.push(`| ${what} | ${n(s)} |`);
	lines.push('');
	if (f.batches.length) {
		lines.push(
			'| Batch | workers | calls | wall time (s) | ideal (s) | efficiency | one call, median / p95 (ms) | executions per worker |',
			'| --- | --- | --- | --- | --- | --- | --- | --- |',
		);
		for (const b of f.batches) {
			const perWorker = Object.entries(b.perWorker).map(([w, c]) => `${w}: ${c}`).join(', ');
			lines.push(`| ${b.label} | ${b.workers} | ${b.calls} | ${n(b.wallS, 2)} | ${n(b.idealS, 2)} | ${n((100 * b.idealS) / b.wallS, 0)} % | ${n(b.callMs.p50, 0)} / ${n(b.callMs.p95, 0)} | ${perWorker} |`);
		}
		lines.push('');
		lines.push(`Ideal = calls ÷ runs that can be in flight × ${f.settings.latencyMs} ms of simulated GPU time per run; the rest is n8n's queue-mode path (webhook, database, queue, worker, answer).`);
		lines.push('');
		lines.push(`CPU seconds used during each batch (${f.cores} cores × wall time available):`);
		lines.push('');
		// main, then the workers, then the services.
		const rank = (part: string) => (part === 'main' ? 0 : part.startsWith('worker') ? 1 : 2);
		const parts = [...new Set(f.batches.flatMap((b) => Object.keys(b.cpuS)))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
		lines.push(`| Batch | ${parts.join(' | ')} | total | of available | machine busy (all processes) |`, `| --- | ${parts.map(() => '---').join(' | ')} | --- | --- | --- |`);
		for (const b of f.batches) {
			const total = Object.values(b.cpuS).reduce((sum, s) => sum + s, 0);
			lines.push(`| ${b.workers} worker${b.workers > 1 ? 's' : ''} | ${parts.map((p) => (p in b.cpuS ? n(b.cpuS[p]) : '–')).join(' | ')} | ${n(total)} | ${n((100 * total) / (f.cores * b.wallS), 0)} % | ${n(100 * b.machineBusy, 0)} % |`);
		}
		const one = f.batches.find((b) => b.workers === 1);
		const two = f.batches.find((b) => b.workers === 2);
		if (one && two) {
			lines.push('');
			lines.push(`Speed-up from 1 to 2 workers: **${n(one.wallS / two.wallS, 2)}×** (ideal ${n(one.idealS / two.idealS, 2)}×).`);
		}
		lines.push('');
	}
	if (f.largeBinary) {
		const l = f.largeBinary;
		lines.push(`Large output: one ${l.sizeMiB} MiB video, run by worker ${l.worker}, answered by the main process in ${n(l.seconds, 2)} s.`);
		lines.push('');
		lines.push('| Process | RSS before (MiB) | peak RSS during the run (MiB) | measured as |', '| --- | --- | --- | --- |');
		lines.push(`| main | ${n(l.main.baselineMiB, 0)} | ${n(l.main.peakMiB, 0)} | ${l.main.source} |`);
		lines.push(`| worker ${l.worker} | ${n(l.workerMemory.baselineMiB, 0)} | ${n(l.workerMemory.peakMiB, 0)} | ${l.workerMemory.source} |`);
		lines.push('');
	}
	if (f.crash) {
		const c = f.crash;
		lines.push(`Worker crash (SIGKILL) during a batch of ${c.calls} calls, lock ${c.lockDurationMs / 1000} s, stalled check every ${c.stalledIntervalMs / 1000} s:`);
		lines.push('');
		lines.push(`- executions the killed worker held: ${c.held}, of which ${c.reachedViewComfy} had already sent their run to ViewComfy`);
		lines.push(`- status n8n recorded for them: ${counted(c.heldStatuses.map((s) => s.replace(/^\d+: /, '')))}; error: ${counted(c.heldErrors)}`);
		lines.push(`- what their webhook callers got: ${counted(c.errorAnswers)}, the last ${n(c.lastErrorAnswerAfterKillS)} s after the kill`);
		lines.push(`- the surviving worker ran ${c.survivorRan} executions; the whole batch was answered ${n(c.lastAnswerAfterKillS)} s after the kill`);
		lines.push(`- n8n's Retry (public API) of each failed execution: ${counted(c.retries)}; ViewComfy runs started by these retries: ${c.retryCalledViewComfy}`);
		lines.push(`- the same webhook calls sent again: ${c.resentOk} of ${c.held} answered 200 with the right image`);
		lines.push('');
	}
	lines.push(`Whole scenario: ${n(f.totalS, 0)} s.`);
	return lines.join('\n');
}

export const FIGURES_START = '<!-- scale-figures:start (written by `npm run test:scale -- --write-docs`) -->';
export const FIGURES_END = '<!-- scale-figures:end -->';

/** Replaces the text of a doc between two marker lines; the rest of the doc is left alone. */
export function writeSectionIntoDoc(docPath: string, markers: { start: string; end: string }, text: string): void {
	if (!existsSync(docPath)) throw new Error(`${docPath} does not exist; it must contain the markers "${markers.start}" … "${markers.end}"`);
	const doc = readFileSync(docPath, 'utf8');
	const start = doc.indexOf(markers.start);
	const end = doc.indexOf(markers.end);
	if (start < 0 || end < start) throw new Error(`${docPath} has no "${markers.start}" … "${markers.end}" section`);
	writeFileSync(docPath, `${doc.slice(0, start + markers.start.length)}\n${text}\n${doc.slice(end)}`);
}

/** Replaces the figures section of docs/scaling.md. */
export function writeFiguresIntoDoc(docPath: string, figures: Figures): void {
	writeSectionIntoDoc(docPath, { start: FIGURES_START, end: FIGURES_END }, renderFigures(figures));
}
