/**
 * What the orchestrator asks a measurement child to do, and what the child reports back.
 * Plain JSON both ways: specs travel as a command-line argument, results over IPC.
 */
import type { PeakMemory } from './peakMemory';

export type ResultMode = 'wait' | 'stream';
export type BinaryMode = 'default' | 'filesystem';

/** Where the emulators listen: `warm` answers tiny results, `measured` the configured behaviour. */
export interface EmulatorUrls {
	warm: string;
	measured: string;
}

export type MeasurementSpec =
	/**
	 * The raw loopback transfer: the same answer downloaded and dropped. `inN8nProcess` first
	 * loads n8n and runs the node once, so the download pays garbage collection on the same heap
	 * as the node does (a reference, not the floor).
	 */
	| { kind: 'transfer'; urls: EmulatorUrls; mode: ResultMode; sizeBytes: number; inN8nProcess?: boolean }
	/** One `Buffer.from(base64, 'base64')` of the whole output. */
	| { kind: 'decode'; sizeBytes: number }
	/** fetch → whole body as text → JSON.parse → decode. */
	| { kind: 'naive'; urls: EmulatorUrls; sizeBytes: number }
	/** The official TS client's SSE loop (`buffer += chunk; buffer.split('\n')`), stopped after `capSeconds`. */
	| { kind: 'officialSse'; urls: EmulatorUrls; sizeBytes: number; capSeconds: number }
	/** The ViewComfy node through n8n-core's engine, one item, one large output. */
	| { kind: 'node'; urls: EmulatorUrls; mode: ResultMode; binaryMode: BinaryMode; sizeBytes: number; sha256: string }
	/** The hosted path's floor: a finished hosted run's large file fetched from its link with undici and dropped. */
	| { kind: 'hostedTransfer'; urls: EmulatorUrls; sizeBytes: number }
	/** The ViewComfy node running the workflow on the hosted API (submit, status, downloads), one large file. */
	| { kind: 'hostedNode'; urls: EmulatorUrls; binaryMode: BinaryMode; sizeBytes: number; sha256: string }
	/** n8n's own cost of storing an output the node already holds as one Buffer. */
	| { kind: 'n8nStore'; binaryMode: BinaryMode; sizeBytes: number }
	/** The node with many items against an emulator with latency. */
	| { kind: 'batch'; urls: EmulatorUrls; items: number; concurrency: number }
	/** Many small runs: raw undici requests against the node, alternated in one process. */
	| { kind: 'overhead'; urls: EmulatorUrls; requests: number; rounds: number };

export type MeasurementKind = MeasurementSpec['kind'];

export interface MeasurementResult {
	wallMs: number;
	/** CPU time of this process (user + system) during the measurement: steadier than wall time on a busy machine. */
	cpuMs?: number;
	memory?: PeakMemory;
	/** The run was stopped at its cap before finishing (official SSE loop only). */
	cappedAfterMs?: number;
	/** Per-request times of the overhead measurement, one entry per round. */
	rawPerRequestMs?: number[];
	nodePerRequestMs?: number[];
}

export type ChildMessage = { ok: true; result: MeasurementResult } | { ok: false; error: string };
