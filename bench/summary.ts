/**
 * Turns raw measurements into the rows of the tables and the ratios against the targets.
 * Pure, so the console table and docs/performance.md are computed the same way.
 *
 * Wall time: median over the runs. Memory: the highest peak over the runs (the conservative one).
 */
import { idealBatchMs, MB, type LargeMeasurementKey } from './plan';
import type { LinkMeasurements, RawResults, SizeMeasurements } from './results';
import type { BinaryMode, MeasurementResult, ResultMode } from './spec';
import { max, median } from './stats';

export type RowGroup = ResultMode | 'hosted' | 'n8n';

export interface LargeRow {
	sizeMB: number;
	group: RowGroup;
	path: string;
	runs: number;
	/** Median wall time; null when the run was stopped at its cap. */
	wallMs: number | null;
	cappedAfterMs: number | null;
	mbPerSec: number | null;
	xFloor: number | null;
	memMB: number | null;
	xSize: number | null;
}

/** A row over a throttled link; `xFloor` is against the same bytes over the same link with nothing done to them. */
export interface LinkRow extends LargeRow {
	linkMBps: number;
}

export interface BatchRow {
	items: number;
	concurrency: number;
	latencyMs: number;
	wallMs: number;
	idealMs: number;
	xIdeal: number;
}

export interface OverheadRow {
	requests: number;
	rounds: number;
	rawMsPerRequest: number;
	nodeMsPerRequest: number;
	overheadMsPerRequest: number;
}

export interface TargetCheck {
	target: string;
	reached: string;
	/** null: reported, not a pass/fail target. */
	met: boolean | null;
}

export interface Summary {
	largeRows: LargeRow[];
	linkRows: LinkRow[];
	batchRows: BatchRow[];
	overhead: OverheadRow;
	targets: TargetCheck[];
}

const BINARY_MODE_LABEL: Record<BinaryMode, string> = {
	default: 'n8n in-memory binary mode (default)',
	filesystem: 'n8n filesystem binary mode',
};

const MODE_LABEL: Record<ResultMode, string> = { wait: 'Wait for result (JSON)', stream: 'Stream logs (SSE)' };

export const HOSTED_FLOOR_PATH = "floor: the file's pre-signed link downloaded with undici, bytes dropped";
/** Submit, one status poll, then the run's files (a 64×64 PNG and the large one) from their links. */
export const HOSTED_NODE_PATH = `node, Run Workflow on the hosted API, ${BINARY_MODE_LABEL.filesystem}`;

/** Issue #11: a hosted download streamed into n8n's filesystem store stays well below the file's size. */
const HOSTED_MEMORY_LIMIT = 0.5;

/** Issue #21: over a real link the node's work must hide behind the transfer. */
const LINK_WALL_LIMIT = 1.05;

export const LINK_FLOOR_PATH = 'floor: the same answer over the same link, downloaded with undici and dropped';

export function summarize(raw: RawResults): Summary {
	const largeRows = raw.large.flatMap(sizeRows);
	const linkRows = (raw.link ?? []).flatMap(linkRowsAt);
	const batchRows = raw.batch.map((batch) => {
		const idealMs = idealBatchMs(batch.items, batch.concurrency, batch.latencyMs);
		return { items: batch.items, concurrency: batch.concurrency, latencyMs: batch.latencyMs, wallMs: batch.result.wallMs, idealMs, xIdeal: batch.result.wallMs / idealMs };
	});
	const rawMsPerRequest = median(raw.overhead.result.rawPerRequestMs ?? []);
	const nodeMsPerRequest = median(raw.overhead.result.nodePerRequestMs ?? []);
	const overhead: OverheadRow = {
		requests: raw.overhead.requests,
		rounds: raw.overhead.rounds,
		rawMsPerRequest,
		nodeMsPerRequest,
		overheadMsPerRequest: nodeMsPerRequest - rawMsPerRequest,
	};
	return { largeRows, linkRows, batchRows, overhead, targets: [...targetChecks(largeRows, batchRows, overhead), ...linkTargets(linkRows)] };
}

function linkRowsAt(link: LinkMeasurements): LinkRow[] {
	const runs = (key: LargeMeasurementKey) => link.measurements[key] ?? [];
	const linkMBps = link.bytesPerSecond / 1e6;
	const pairs: Array<[RowGroup, LargeMeasurementKey, LargeMeasurementKey, string]> = [
		['wait', 'transfer.wait', 'node.wait.filesystem', `node, ${BINARY_MODE_LABEL.filesystem}`],
		['stream', 'transfer.stream', 'node.stream.filesystem', `node, ${BINARY_MODE_LABEL.filesystem}`],
		['hosted', 'hostedTransfer', 'hostedNode.filesystem', HOSTED_NODE_PATH],
	];
	return pairs.flatMap(([group, floorKey, nodeKey, path]) => {
		const floorMs = median(runs(floorKey).map((run) => run.wallMs));
		return [
			{ ...row(link.sizeMB, group, LINK_FLOOR_PATH, runs(floorKey), floorMs), linkMBps },
			{ ...row(link.sizeMB, group, path, runs(nodeKey), floorMs), linkMBps },
		];
	});
}

function linkTargets(rows: LinkRow[]): TargetCheck[] {
	const label = { wait: MODE_LABEL.wait, stream: MODE_LABEL.stream, hosted: 'Hosted API download', n8n: 'n8n' } as const;
	return rows
		.filter((r) => r.path !== LINK_FLOOR_PATH)
		.map((r) => ({
			target: `${label[r.group]}, n8n filesystem binary mode, ${r.sizeMB} MB over a ${r.linkMBps} MB/s link: wall ≤ ${LINK_WALL_LIMIT}× the transfer alone`,
			reached: ratio(r.xFloor),
			met: r.xFloor === null ? false : r.xFloor <= LINK_WALL_LIMIT,
		}));
}

function sizeRows(size: SizeMeasurements): LargeRow[] {
	const runs = (key: LargeMeasurementKey) => size.measurements[key] ?? [];
	const wall = (key: LargeMeasurementKey) => median(runs(key).map((run) => run.wallMs));
	const rows: LargeRow[] = [];
	for (const mode of ['wait', 'stream'] as const) {
		const floorMs = wall(`transfer.${mode}`) + wall('decode');
		const floorRuns = Math.min(runs(`transfer.${mode}`).length, runs('decode').length);
		rows.push(row(size.sizeMB, mode, 'floor: loopback transfer + one Buffer.from(base64)', runs('decode'), floorMs, floorMs, floorRuns));
		for (const binaryMode of ['default', 'filesystem'] as const) {
			rows.push(row(size.sizeMB, mode, `node, ${BINARY_MODE_LABEL[binaryMode]}`, runs(`node.${mode}.${binaryMode}`), floorMs));
		}
		if (mode === 'wait') rows.push(row(size.sizeMB, mode, 'naive client: whole body → text → JSON.parse → decode', runs('naive'), floorMs));
		if (mode === 'stream' && runs('officialSse').length) {
			rows.push(row(size.sizeMB, mode, "official TS client's SSE loop: buffer += chunk; buffer.split('\\n')", runs('officialSse'), floorMs));
		}
	}
	if (runs('hostedTransfer').length) {
		const floorMs = wall('hostedTransfer');
		rows.push(row(size.sizeMB, 'hosted', HOSTED_FLOOR_PATH, runs('hostedTransfer'), floorMs));
		rows.push(row(size.sizeMB, 'hosted', HOSTED_NODE_PATH, runs('hostedNode.filesystem'), floorMs));
	}
	for (const binaryMode of ['default', 'filesystem'] as const) {
		rows.push(row(size.sizeMB, 'n8n', `reference: n8n stores a ready Buffer, ${BINARY_MODE_LABEL[binaryMode]}`, runs(`n8nStore.${binaryMode}`), null));
	}
	rows.push(row(size.sizeMB, 'n8n', 'reference: JSON loopback transfer alone, in a process with n8n loaded and warmed up', runs('transferInN8n'), null));
	return rows;
}

/** One table row from its runs; `wallOverride` for the floor, whose time is the sum of two measurements. */
function row(
	sizeMB: number,
	group: RowGroup,
	path: string,
	runs: MeasurementResult[],
	floorMs: number | null,
	wallOverride?: number,
	runCount?: number,
): LargeRow {
	const capped = runs.find((run) => run.cappedAfterMs !== undefined);
	const wallMs = capped ? null : (wallOverride ?? median(runs.map((run) => run.wallMs)));
	const peaks = runs.flatMap((run) => (run.memory ? [run.memory.peakAboveBaselineBytes] : []));
	const memBytes = peaks.length ? max(peaks) : null;
	return {
		sizeMB,
		group,
		path,
		runs: runCount ?? runs.length,
		wallMs,
		cappedAfterMs: capped?.cappedAfterMs ?? null,
		mbPerSec: wallMs === null ? null : sizeMB / (wallMs / 1000),
		xFloor: wallMs === null || floorMs === null ? null : wallMs / floorMs,
		memMB: memBytes === null ? null : memBytes / MB,
		xSize: memBytes === null ? null : memBytes / (sizeMB * MB),
	};
}

const ratio = (value: number | null) => (value === null ? 'n/a' : `${value.toFixed(2)}×`);

function targetChecks(rows: LargeRow[], batchRows: BatchRow[], overhead: OverheadRow): TargetCheck[] {
	const sizes = [...new Set(rows.map((r) => r.sizeMB))].sort((a, b) => a - b);
	const largest = sizes[sizes.length - 1];
	const nodeRow = (sizeMB: number, mode: ResultMode, binaryMode: BinaryMode) =>
		rows.find((r) => r.sizeMB === sizeMB && r.group === mode && r.path === `node, ${BINARY_MODE_LABEL[binaryMode]}`);
	const checks: TargetCheck[] = [];
	for (const mode of ['wait', 'stream'] as const) {
		const memLimit = mode === 'wait' ? 1.5 : 2;
		for (const binaryMode of ['default', 'filesystem'] as const) {
			const found = nodeRow(largest, mode, binaryMode);
			checks.push({
				target: `${MODE_LABEL[mode]}, ${BINARY_MODE_LABEL[binaryMode]}: wall ≤ 1.5× floor at ${largest} MB`,
				reached: ratio(found?.xFloor ?? null),
				met: found?.xFloor == null ? false : found.xFloor <= 1.5,
			});
			checks.push({
				target: `${MODE_LABEL[mode]}, ${BINARY_MODE_LABEL[binaryMode]}: peak memory ≤ ${memLimit}× output at ${largest} MB`,
				reached: ratio(found?.xSize ?? null),
				met: found?.xSize == null ? false : found.xSize <= memLimit,
			});
		}
		const flat = sizes.map((sizeMB) => nodeRow(sizeMB, mode, 'filesystem')?.memMB ?? Number.NaN);
		checks.push({
			target: `${MODE_LABEL[mode]}, n8n filesystem binary mode: memory flat as outputs grow (aim)`,
			reached: `${flat.map((mb) => `${mb.toFixed(0)} MB`).join(' / ')} above baseline at ${sizes.join(' / ')} MB`,
			met: null,
		});
	}
	const hosted = rows.find((r) => r.sizeMB === largest && r.group === 'hosted' && r.path === HOSTED_NODE_PATH);
	if (hosted) {
		checks.push({
			target: `Hosted API download, n8n filesystem binary mode: peak memory ≤ ${HOSTED_MEMORY_LIMIT}× output at ${largest} MB`,
			reached: ratio(hosted.xSize),
			met: hosted.xSize === null ? false : hosted.xSize <= HOSTED_MEMORY_LIMIT,
		});
		checks.push({
			target: `Hosted API download, n8n filesystem binary mode: wall against the raw download at ${largest} MB`,
			reached: ratio(hosted.xFloor),
			met: null,
		});
	}
	for (const batch of batchRows) {
		checks.push({
			target: `batch of ${batch.items} at ${batch.latencyMs} ms latency, concurrency ${batch.concurrency}: within 10% of ideal ${(batch.idealMs / 1000).toFixed(1)} s`,
			reached: ratio(batch.xIdeal),
			met: batch.xIdeal <= 1.1,
		});
	}
	checks.push({
		target: 'node overhead per small request < 2 ms',
		reached: `${overhead.overheadMsPerRequest.toFixed(2)} ms`,
		met: overhead.overheadMsPerRequest < 2,
	});
	return checks;
}
