/**
 * What one benchmark run measures: the settings of a full and a quick run, and the measurement
 * rows of a large-output size. Pure: the orchestrator supplies URLs and checksums.
 */
import type { BinaryMode, EmulatorUrls, MeasurementSpec, ResultMode } from './spec';

export const MB = 1024 * 1024;

export interface BenchSettings {
	quick: boolean;
	sizesMB: number[];
	/** Every large-output row is measured this many times, each in a fresh process. */
	reps: number;
	/** The official SSE loop is quadratic: only these sizes, and stopped after the cap. */
	officialSizesMB: number[];
	officialCapSeconds: number;
	batch: { items: number; latencyMs: number; concurrencies: number[] };
	overhead: { requests: number; rounds: number };
	/** Rows over a throttled link (the emulator's dripBytesPerSecond): one output size, each link speed. */
	link: { sizeMB: number; bytesPerSecond: number[] };
}

export function benchSettings(quick: boolean): BenchSettings {
	return quick
		? {
				quick,
				sizesMB: [1, 20],
				reps: 1,
				officialSizesMB: [1, 20],
				officialCapSeconds: 15,
				batch: { items: 12, latencyMs: 250, concurrencies: [1, 4, 8] },
				overhead: { requests: 40, rounds: 3 },
				link: { sizeMB: 10, bytesPerSecond: [100e6] },
			}
		: {
				quick,
				sizesMB: [1, 50, 200],
				reps: 3,
				officialSizesMB: [1, 50],
				officialCapSeconds: 60,
				batch: { items: 40, latencyMs: 500, concurrencies: [1, 4, 8] },
				overhead: { requests: 200, rounds: 5 },
				link: { sizeMB: 100, bytesPerSecond: [100e6, 25e6] },
			};
}

export const RESULT_MODES: readonly ResultMode[] = ['wait', 'stream'];
export const BINARY_MODES: readonly BinaryMode[] = ['default', 'filesystem'];

/** Keys of the measurements taken at every size; summary.ts turns them into table rows. */
export type LargeMeasurementKey =
	| `transfer.${ResultMode}`
	| 'transferInN8n'
	| 'decode'
	| 'naive'
	| `node.${ResultMode}.${BinaryMode}`
	| `n8nStore.${BinaryMode}`
	| 'hostedTransfer'
	| 'hostedNode.filesystem'
	| 'officialSse';

export interface PlannedMeasurement {
	key: LargeMeasurementKey;
	spec: MeasurementSpec;
}

/** The measurements repeated `reps` times at one size (the capped official loop is not among them). */
export function repeatedMeasurements(sizeMB: number, urls: EmulatorUrls, sha256: string): PlannedMeasurement[] {
	const sizeBytes = sizeMB * MB;
	const planned: PlannedMeasurement[] = [];
	for (const mode of RESULT_MODES) planned.push({ key: `transfer.${mode}`, spec: { kind: 'transfer', urls, mode, sizeBytes } });
	planned.push({ key: 'transferInN8n', spec: { kind: 'transfer', urls, mode: 'wait', sizeBytes, inN8nProcess: true } });
	planned.push({ key: 'decode', spec: { kind: 'decode', sizeBytes } });
	planned.push({ key: 'naive', spec: { kind: 'naive', urls, sizeBytes } });
	for (const mode of RESULT_MODES) {
		for (const binaryMode of BINARY_MODES) {
			planned.push({ key: `node.${mode}.${binaryMode}`, spec: { kind: 'node', urls, mode, binaryMode, sizeBytes, sha256 } });
		}
	}
	for (const binaryMode of BINARY_MODES) {
		planned.push({ key: `n8nStore.${binaryMode}`, spec: { kind: 'n8nStore', binaryMode, sizeBytes } });
	}
	// Hosted downloads carry raw bytes (no base64): filesystem mode is where streaming them shows.
	planned.push({ key: 'hostedTransfer', spec: { kind: 'hostedTransfer', urls, sizeBytes } });
	planned.push({ key: 'hostedNode.filesystem', spec: { kind: 'hostedNode', urls, binaryMode: 'filesystem', sizeBytes, sha256 } });
	return planned;
}

/**
 * Over a throttled link the paths users take in filesystem mode, each against the same bytes
 * over the same link with nothing done to them (transfer.wait, transfer.stream, hostedTransfer).
 */
export const LINK_KEYS: readonly LargeMeasurementKey[] = ['transfer.wait', 'node.wait.filesystem', 'transfer.stream', 'node.stream.filesystem', 'hostedTransfer', 'hostedNode.filesystem'];

export function linkMeasurements(sizeMB: number, urls: EmulatorUrls, sha256: string): PlannedMeasurement[] {
	return repeatedMeasurements(sizeMB, urls, sha256).filter((planned) => LINK_KEYS.includes(planned.key));
}

export function officialMeasurement(settings: BenchSettings, sizeMB: number, urls: EmulatorUrls): PlannedMeasurement | undefined {
	if (!settings.officialSizesMB.includes(sizeMB)) return undefined;
	return {
		key: 'officialSse',
		spec: { kind: 'officialSse', urls, sizeBytes: sizeMB * MB, capSeconds: settings.officialCapSeconds },
	};
}

export function idealBatchMs(items: number, concurrency: number, latencyMs: number): number {
	return Math.ceil(items / concurrency) * latencyMs;
}
