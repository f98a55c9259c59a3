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
 * Memory that is ours, not n8n's: ViewComfy's peak at the large count minus what the reference
 * (n8n's HTTP Request node, same items and binary sizes) grew by from the small to the large count,
 * as a multiple of ViewComfy's peak at the small count. 1.0 means flat.
 */
export function memoryBeyondRunData(f: BatchFigures): { ratio: number; oursGrowthMiB: number; n8nGrowthMiB: number; n8nKiBPerItem: number } | undefined {
	const [small, large] = f.settings.counts;
	const find = (kind: BatchRun['kind'], count: number) => f.runs.find((r) => r.kind === kind && r.count === count);
	const vcSmall = find('viewcomfy', small);
	const vcLarge = find('viewcomfy', large);
	const refSmall = find('reference', small);
	const refLarge = find('reference', large);
	if (!vcSmall || !vcLarge || !refSmall || !refLarge) return undefined;
	const n8nGrowthMiB = refLarge.peakMiB - refSmall.peakMiB;
	return {
		ratio: (vcLarge.peakMiB - n8nGrowthMiB) / vcSmall.peakMiB,
		oursGrowthMiB: vcLarge.peakMiB - vcSmall.peakMiB - n8nGrowthMiB,
		n8nGrowthMiB,
		n8nKiBPerItem: (1024 * n8nGrowthMiB) / (large - small),
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
		'| Node | items | node wall (s) | ideal (s) | wall ÷ ideal | whole execution (s) | RSS before (MiB) | peak RSS (MiB) | run data per item (bytes) |',
		'| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
	);
	for (const r of f.runs) {
		const name = r.kind === 'viewcomfy' ? 'ViewComfy' : "n8n's HTTP Request (reference)";
		lines.push(`| ${name} | ${r.count} | ${n(r.nodeS, 2)} | ${n(r.idealS, 2)} | ${n(r.nodeS / r.idealS, 2)}× | ${n(r.executionS, 2)} | ${n(r.rssBeforeMiB, 0)} | ${n(r.peakMiB, 0)} | ${n(r.executionDataBytes / r.count, 0)} |`);
	}
	const beyond = memoryBeyondRunData(f);
	if (beyond) {
		lines.push(
			'',
			`n8n's own cost: the reference's peak grew by ${n(beyond.n8nGrowthMiB, 0)} MiB from ${s.counts[0]} to ${s.counts[1]} items, ${n(beyond.n8nKiBPerItem, 0)} KiB per item, for run data n8n keeps until the execution ends. ` +
				`Ours: ViewComfy's peak at ${s.counts[1]} items less that growth is **${n(beyond.ratio, 2)}×** its peak at ${s.counts[0]} items (target ≤ 1.2×), ${n(beyond.oursGrowthMiB, 0)} MiB beyond n8n's.`,
			'',
			`What a user can do when n8n's run data grows too large (figures derived from the ${n(beyond.n8nKiBPerItem, 0)} KiB per item above, not measured separately): ` +
				`an execution keeps every node's output items until it ends, so 10,000 items would hold about ${n((10_000 * beyond.n8nKiBPerItem) / 1024, 0)} MiB. ` +
				`*Loop Over Items (Split in Batches)* alone does not lower that: every iteration's output stays in the same execution's run data. ` +
				`Running each batch of 100 prompts in a sub-workflow (*Execute Workflow*, returning one small item per batch) does: the sub-execution's run data goes when it ends, so the parent holds about ${n((100 * beyond.n8nKiBPerItem) / 1024, 1)} MiB of item data at a time, whatever the list's length. The binary files themselves are on disk in filesystem mode either way.`,
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
