/**
 * The summary as tables: aligned plain text for the console, Markdown for docs/performance.md.
 */
import type { BatchRow, LargeRow, LinkRow, OverheadRow, Summary, TargetCheck } from './summary';

export type TableStyle = 'text' | 'markdown';

interface Table {
	headers: string[];
	rows: string[][];
	/** Columns aligned right (numbers). */
	numeric: boolean[];
}

const GROUP_LABEL = { wait: 'JSON', stream: 'SSE', hosted: 'hosted', n8n: 'n8n' } as const;

const fixed = (value: number | null, digits: number) => (value === null || Number.isNaN(value) ? '–' : value.toFixed(digits));
const times = (value: number | null) => (value === null || Number.isNaN(value) ? '–' : `${value.toFixed(2)}×`);

function wallCell(row: LargeRow): string {
	if (row.cappedAfterMs !== null) return `> ${(row.cappedAfterMs / 1000).toFixed(0)}`;
	return fixed(row.wallMs === null ? null : row.wallMs / 1000, 3);
}

export function largeOutputTable(rows: LargeRow[]): Table {
	return {
		headers: ['size MB', 'mode', 'path', 'runs', 'wall s', 'MB/s', '× floor', 'peak RSS Δ MB', '× output'],
		numeric: [true, false, false, true, true, true, true, true, true],
		rows: rows.map((row) => [
			String(row.sizeMB),
			GROUP_LABEL[row.group],
			row.path,
			String(row.runs),
			wallCell(row),
			fixed(row.mbPerSec, 0),
			times(row.xFloor),
			fixed(row.memMB, 1),
			times(row.xSize),
		]),
	};
}

/** The large-output columns after the link's speed; × floor is against the transfer alone over that link. */
export function linkTable(rows: LinkRow[]): Table {
	const large = largeOutputTable(rows);
	return { headers: ['link MB/s', ...large.headers], numeric: [true, ...large.numeric], rows: large.rows.map((cells, i) => [String(rows[i].linkMBps), ...cells]) };
}

export function batchTable(rows: BatchRow[]): Table {
	return {
		headers: ['items', 'latency ms', 'concurrency', 'wall s', 'ideal s', '× ideal'],
		numeric: [true, true, true, true, true, true],
		rows: rows.map((row) => [
			String(row.items),
			String(row.latencyMs),
			String(row.concurrency),
			fixed(row.wallMs / 1000, 3),
			fixed(row.idealMs / 1000, 3),
			times(row.xIdeal),
		]),
	};
}

export function overheadTable(overhead: OverheadRow): Table {
	return {
		headers: ['requests × rounds', 'raw request ms', 'node per item ms', 'node overhead ms'],
		numeric: [false, true, true, true],
		rows: [
			[
				`${overhead.requests} × ${overhead.rounds}`,
				fixed(overhead.rawMsPerRequest, 2),
				fixed(overhead.nodeMsPerRequest, 2),
				fixed(overhead.overheadMsPerRequest, 2),
			],
		],
	};
}

export function targetTable(targets: TargetCheck[]): Table {
	return {
		headers: ['target', 'reached', 'met'],
		numeric: [false, false, false],
		rows: targets.map((check) => [check.target, check.reached, check.met === null ? 'report' : check.met ? 'yes' : 'NO']),
	};
}

export function renderTable(table: Table, style: TableStyle): string {
	if (style === 'markdown') {
		const line = (cells: string[]) => `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
		const rule = `|${table.numeric.map((right) => (right ? ' ---: ' : ' --- ')).join('|')}|`;
		return [line(table.headers), rule, ...table.rows.map(line)].join('\n');
	}
	const widths = table.headers.map((header, column) => Math.max(header.length, ...table.rows.map((row) => row[column].length)));
	const line = (cells: string[]) =>
		cells.map((cell, column) => (table.numeric[column] ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join('  ').trimEnd();
	return [line(table.headers), widths.map((width) => '-'.repeat(width)).join('  '), ...table.rows.map(line)].join('\n');
}

/** Every table of a summary, titled, for the console. */
export function renderSummary(summary: Summary): string {
	return [
		'Large outputs',
		renderTable(largeOutputTable(summary.largeRows), 'text'),
		'',
		'Over a throttled link',
		renderTable(linkTable(summary.linkRows), 'text'),
		'',
		'Batches',
		renderTable(batchTable(summary.batchRows), 'text'),
		'',
		'Overhead per small request',
		renderTable(overheadTable(summary.overhead), 'text'),
		'',
		'Targets',
		renderTable(targetTable(summary.targets), 'text'),
	].join('\n');
}
