/** The shape of bench/results.json: raw measurements, plus the summary computed from them. */
import type { BenchSettings, LargeMeasurementKey } from './plan';
import type { MeasurementResult } from './spec';
import type { Summary } from './summary';

export interface SizeMeasurements {
	sizeMB: number;
	/** Every run of every measurement at this size, in the order they were taken. */
	measurements: Partial<Record<LargeMeasurementKey, MeasurementResult[]>>;
}

/** The link rows at one link speed. */
export interface LinkMeasurements extends SizeMeasurements {
	bytesPerSecond: number;
}

export interface BatchMeasurement {
	items: number;
	concurrency: number;
	latencyMs: number;
	result: MeasurementResult;
}

export interface RawResults {
	meta: {
		startedAt: string;
		finishedAt: string;
		node: string;
		platform: string;
		cpus: number;
		totalMemoryGB: number;
		/** 1-minute load average before and after: how busy the machine was. */
		loadAverage: { start: number; end: number };
		commit: string;
	};
	settings: BenchSettings;
	large: SizeMeasurements[];
	/** Absent in results from before the link rows. */
	link?: LinkMeasurements[];
	batch: BatchMeasurement[];
	overhead: { requests: number; rounds: number; result: MeasurementResult };
}

export interface BenchResults extends RawResults {
	summary: Summary;
}
