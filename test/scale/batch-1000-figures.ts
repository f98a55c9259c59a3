import { cpus, totalmem } from 'node:os';
import { writeSectionIntoDoc } from './figures';

/** One scheduled batch as `npm run test:batch` measured it. */
export interface BatchRun {
	kind: 'viewcomfy' | 'reference';
	count: number;
	/** The node's own execution time in n8n's run data. */
	nodeS: number;
	/** startedAt → stoppedAt of the whole execution. */
	executionS: number;
	idealS: number;
	rssBeforeMiB: number;
	peakMiB: number;
	peakSource: string;
	/** Length of the execution's data as the public API returns it (items' JSON and binary references). */
	executionDataBytes: number;
	/** The machine's 1-minute load average when the batch ended: how shared its 2 cores were. */
	loadAverage: number;
}

export interface BatchFigures {
	date: string;
	n8nVersion: string;
	settings: { counts: number[]; concurrency: number; latencyMs: number; outputBytes: number };
	runs: BatchRun[];
	startupS: Record<string, number>;
	totalS: number;
	result: string;
}

const n = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '?');

/**
 * Memory at the large count against the small one, for ViewComfy: its peak RSS as measured (n8n's
 * run data included), and less the run data n8n stores for the extra items (the execution's data,
 * as the public API returns it); beside it, what the reference (n8n's HTTP Request node, same
 * items and binary sizes) grew by. 1.0 means flat.
 */
export function memoryFigures(f: BatchFigures):
	| { ratio: number; ratioBeyondRunData: number; runDataMiB: number; runDataBytesPerItem: number; oursGrowthMiB: number; referenceGrowthMiB: number; referenceKiBPerItem: number }
	| undefined {
	const [small, large] = f.settings.counts;
	const find = (kind: BatchRun['kind'], count: number) => f.runs.find((r) => r.kind === kind && r.count === count);
	const vcSmall = find('viewcomfy', small);
	const vcLarge = find('viewcomfy', large);
	const refSmall = find('reference', small);
	const refLarge = find('reference', large);
	if (!vcSmall || !vcLarge) return undefined;
	const runDataMiB = (vcLarge.executionDataBytes - vcSmall.executionDataBytes) / 2 ** 20;
	const referenceGrowthMiB = refSmall && refLarge ? refLarge.peakMiB - refSmall.peakMiB : NaN;
	return {
		ratio: vcLarge.peakMiB / vcSmall.peakMiB,
		ratioBeyondRunData: (vcLarge.peakMiB - runDataMiB) / vcSmall.peakMiB,
		runDataMiB,
		runDataBytesPerItem: vcLarge.executionDataBytes / large,
		oursGrowthMiB: vcLarge.peakMiB - vcSmall.peakMiB - runDataMiB,
		referenceGrowthMiB,
		referenceKiBPerItem: (1024 * referenceGrowthMiB) / (large - small),
	};
}

export function renderBatchFigures(f: BatchFigures): string {
	const s = f.settings;
	const lines: string[] = [];
	lines.push(
		`Measured by \`npm run test:batch\` on ${f.date.slice(0, 10)}: n8n ${f.n8nVersion} (\`n8n start\`, filesystem binary mode, sqlite), ${cpus().length} CPU cores, ${Math.round(totalmem() / 2 ** 30)} GiB RAM; checks: ${f.result}.`,
		'',
		`Schedule Trigger → Code (the prompts) → node, concurrency ${s.concurrency}, ${s.latencyMs} ms of GPU time and a ${s.outputBytes / 2 ** 20} MiB output per run. Ideal = ⌈items ÷ ${s.concurrency}⌉ × ${s.latencyMs} ms. Peak RSS is n8n's main process (the Code node's task runner is a separate process), from the kernel's high-water mark reset before each run.`,
		'',
		'| Node | items | node wall (s) | ideal (s) | wall ÷ ideal | whole execution (s) | RSS before (MiB) | peak RSS (MiB) | run data per item (bytes) | load average |',
		'| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
	);
	for (const r of f.runs) {
		const name = r.kind === 'viewcomfy' ? 'ViewComfy' : "n8n's HTTP Request (reference)";
		lines.push(`| ${name} | ${r.count} | ${n(r.nodeS, 2)} | ${n(r.idealS, 2)} | ${n(r.nodeS / r.idealS, 2)}× | ${n(r.executionS, 2)} | ${n(r.rssBeforeMiB, 0)} | ${n(r.peakMiB, 0)} | ${n(r.executionDataBytes / r.count, 0)} | ${n(r.loadAverage)} |`);
	}
	const m = memoryFigures(f);
	if (m) {
		const [small, large] = s.counts;
		lines.push(
			'',
			`**Memory.** ViewComfy's peak RSS at ${large} items is **${n(m.ratio, 2)}×** its peak at ${small} items, n8n's run data included (target ≤ 1.2× beyond the run data: ${n(m.ratioBeyondRunData, 2)}×). ` +
				`n8n's run data is the execution's items as n8n stores them: ${n(m.runDataBytesPerItem, 0)} bytes per item in filesystem mode (each item's JSON and a reference to its files on disk), ${n(m.runDataMiB, 1)} MiB for the ${large - small} extra items, measured as the length of the execution's data the public API returns. ` +
				`What is left, ${n(m.oursGrowthMiB, 0)} MiB, is heap growth of n8n's process during the longer run, ours and n8n's together. ` +
				`Reference: n8n's own HTTP Request node, fetching the same number of 1 MiB files into the same store, grew its peak by ${n(m.referenceGrowthMiB, 0)} MiB (${n(m.referenceKiBPerItem, 0)} KiB per item; it starts a batch of requests every ${s.latencyMs} ms whether the last one is done or not, so on a busy machine response bodies pile up).`,
			'',
			`**When n8n's run data does grow too large** (figures derived from the ${n(m.runDataBytesPerItem, 0)} bytes per item above): an execution keeps every node's output items until it ends, so the run data is small next to n8n's own ${n(f.runs[0]?.rssBeforeMiB ?? NaN, 0)} MiB in filesystem mode (about ${n((1e5 * m.runDataBytesPerItem) / 2 ** 20, 0)} MiB at 100,000 items, more per item with the in-memory binary mode, where each file's base64 stays in the item). ` +
				`*Loop Over Items (Split in Batches)* alone does not lower it: every iteration's output stays in the same execution. ` +
				`Running each batch of prompts in a sub-workflow (*Execute Workflow*, returning one small item per batch) does: a sub-execution's run data goes when it ends, so the parent holds one batch's items at a time (about ${n((100 * m.runDataBytesPerItem) / 1024, 0)} KiB for 100), whatever the list's length.`,
		);
	}
	lines.push('', `Start-up: ${Object.entries(f.startupS).map(([what, sec]) => `${what} ${n(sec)} s`).join(', ')}. Whole stage: ${n(f.totalS, 0)} s.`);
	return lines.join('\n');
}

export const BATCH_START = '<!-- batch-1000:start (written by `npm run test:batch -- --write-docs`) -->';
export const BATCH_END = '<!-- batch-1000:end -->';

/** Replaces the batch section of docs/performance.md. */
export function writeBatchFiguresIntoDoc(docPath: string, figures: BatchFigures): void {
	writeSectionIntoDoc(docPath, { start: BATCH_START, end: BATCH_END }, renderBatchFigures(figures));
}
