/**
 * Public shapes of the ViewComfy emulator: what tests, the demo and the benchmarks configure and read.
 */
import type { ComfyNode, ComfyWorkflow } from '../../../nodes/ViewComfy/helpers/interfaces';

export type { ComfyNode, ComfyWorkflow };

/** How many of the next requests a fault hits: a count, or every request. */
export type FaultTimes = number | 'always';

/**
 * Faults and timings of the next requests. Counters (how many times a fault already fired)
 * restart whenever the behaviour is set or reset.
 */
export interface EmulatorBehaviour {
	/** Simulated execution time of every run, in ms (SSE log lines are spread over it). */
	latencyMs: number;
	/** Answer this many requests with `coldStartStatus` before succeeding. */
	coldStart503: FaultTimes;
	coldStartStatus: 502 | 503 | 504;
	/** Extra delay before the first answer after the behaviour was set (a slow cold boot). */
	coldStartDelayMs: number;
	/** Answer this many requests with 429. */
	rateLimit429: FaultTimes;
	/** `Retry-After` sent with 429; null sends none. Cold-start answers carry none, like a booting GPU host. */
	retryAfterSeconds: number | null;
	/** Answer this many requests with 500 and a `{errorMsg, errorDetails, errorType}` body. */
	error500: FaultTimes;
	/** Destroy the socket of this many requests before any response byte. */
	resetBeforeAnswer: FaultTimes;
	/** Send headers and part of the body of this many responses (infer answers, hosted downloads), then destroy the socket. */
	resetAfterHeaders: FaultTimes;
	/** SSE: end the stream cleanly after the logs, without `prompt_result`. */
	cutStreamBeforeResult: boolean;
	/** SSE: send an `error` event, then the result (`thenResult`) or nothing more (`thenEnd`). */
	errorEvent: 'thenResult' | 'thenEnd' | null;
	/**
	 * Quote the client_id and client_secret the request sent back: in the 500 body of `error500`,
	 * in an extra SSE log line, in the `errorEvent` data, in the hosted API's 500 bodies and in
	 * the errorData of a failed hosted run. A client must redact them everywhere.
	 */
	echoSecret: boolean;
	/** 201 whose result JSON is truncated (JSON body or `prompt_result` data). */
	malformedJson: boolean;
	/** 201 with a `text/html` page instead of the result. */
	nonJsonBody: boolean;
	/** Shape of the result: a normal success, `completed: false`, or `status: "error"`. */
	resultStatus: 'success' | 'completed-false' | 'status-error';
	/** JSON mode: hold each exchange this long, then answer 303 to a same-origin result URL. */
	redirect303AfterMs: number | null;
	/** Minimum number of 303 hops before the result (with `redirect303AfterMs`). */
	redirectChain: number;
	/** Answer every infer request with a redirect to this other origin (same path). */
	redirectToOrigin: string | null;
	redirectToOriginStatus: 301 | 302 | 303 | 307 | 308;
	/** Send response bodies at about this many bytes per second. */
	dripBytesPerSecond: number | null;
	/** Add one output of exactly this many bytes (`large_00001.mp4`); null or 0 adds none. */
	outputBytes: number | null;
	/** Hosted API: how long a run reports `running` before it finishes. */
	hostedRunMs: number;
	/** Hosted API: answer this many status requests with 500. */
	hostedStatus5xx: FaultTimes;
	/** Hosted API: how long the download links in status answers stay valid (0: expired at once). */
	hostedLinkTtlSeconds: number;
	/** Hosted API: the download links point at this origin (e.g. another host's) instead of the one the client used. */
	hostedLinkOrigin: string | null;
	/** Hosted Socket.IO: refuse this many connections even with the right client_id/client_secret. */
	socketAuthRefused: FaultTimes;
	/** Hosted Socket.IO: for this many runs, the server drops the run's socket after its second log line (the run goes on). */
	socketDropMidRun: FaultTimes;
	/** Hosted Socket.IO: for this many runs, the logs go out but the result event never does (status polls still show it). */
	socketResultNeverSent: FaultTimes;
}

export interface StartEmulatorOptions {
	/** 0 (the default) picks a free port. */
	port?: number;
	/** Default 127.0.0.1. */
	host?: string;
	/** A workflow object or the path of a `workflow_api.json`; default test/fixtures/workflows/txt2img.json. */
	workflow?: ComfyWorkflow | string;
	clientId?: string;
	clientSecret?: string;
	/** Starting behaviour; `resetBehaviour()` returns to it. */
	behaviour?: Partial<EmulatorBehaviour>;
}

export interface RecordedFile {
	field: string;
	filename: string;
	mimeType: string;
	size: number;
	sha256: string;
}

export interface RecordedForm {
	/** Parsed `params` when it was valid JSON, else the raw string. */
	params?: unknown;
	logs?: string;
	workflowApi: { present: boolean; size: number };
	/** Names of every non-file field, in order. */
	fieldNames: string[];
}

export interface RecordedRequest {
	id: number;
	/** ISO time the request arrived. */
	time: string;
	method: string;
	/** Path with query string. */
	path: string;
	/** Request headers, `client_secret` (and `authorization`) masked as `***`. */
	headers: Record<string, string>;
	contentType: string | null;
	/**
	 * `infer` for a POST, `result` for a GET on a 303 result URL, `hosted-submit` / `hosted-status` /
	 * `hosted-cancel` for the hosted API routes, `download` for a pre-signed file link, `input-file` for a
	 * file served under `/__input-files/`, `other` for anything else.
	 */
	kind: 'infer' | 'result' | 'hosted-submit' | 'hosted-status' | 'hosted-cancel' | 'download' | 'input-file' | 'other';
	form: RecordedForm | null;
	files: RecordedFile[];
	/** Status sent, or null when no status line was sent (socket destroyed first). */
	status: number | null;
	/** Fault or redirect that shaped the answer, if any. */
	fault: string | null;
	/** ms from arrival to the end of the answer; null until then. */
	durationMs: number | null;
	/** Hosted API requests: the run ids and deployment they named. */
	hosted?: RecordedHostedCall;
}

export interface RecordedHostedCall {
	/** `prompt_id` of a submit or cancel. */
	promptId?: string;
	/** `prompt_ids` of a status request, in order. */
	promptIds?: string[];
	/** `view_comfy_api_url` of a submit or cancel. */
	viewComfyApiUrl?: string;
	/** Cancel: the JSON body's keys as sent. */
	bodyKeys?: string[];
	/** Submit: the `sid` field, and whether a connected socket had that id (it then gets the run's events). */
	sid?: string;
	sidConnected?: boolean;
}

/** One Socket.IO connection attempt on the hosted origin. */
export interface RecordedSocket {
	id: number;
	/** ISO time of the connect packet. */
	time: string;
	/** The socket id (what a client sends as `sid`), null when refused. */
	sid: string | null;
	accepted: boolean;
	/** The connect_error message sent when refused. */
	refusal: string | null;
	/** `socketAuthRefused`, `socketDropMidRun` or `socketResultNeverSent` when one hit this socket. */
	fault: string | null;
	/** `websocket` or `polling`. */
	transport: string;
	/** Keys of the connect packet's auth object (values are never stored). */
	authKeys: string[];
	/** Events sent to it, in order; `atMs` is the emulator's Date.now() at the emit. */
	events: Array<{ event: string; time: string; atMs: number }>;
	/** Who ended the connection, null while open. */
	closedBy: 'client' | 'server' | null;
	disconnectReason: string | null;
}

export interface EmulatorHandle {
	/** e.g. `http://127.0.0.1:PORT/` (POST to any path works). */
	url: string;
	port: number;
	/** `http://127.0.0.1:PORT`, no trailing slash. */
	origin: string;
	/** Merge into the current behaviour and restart fault counters. */
	setBehaviour(b: Partial<EmulatorBehaviour>): void;
	/** Back to the starting behaviour, counters restarted. */
	resetBehaviour(): void;
	readonly behaviour: Readonly<EmulatorBehaviour>;
	readonly requests: RecordedRequest[];
	/** Socket.IO connection attempts (cleared with the requests). */
	readonly sockets: RecordedSocket[];
	clearRequests(): void;
	/**
	 * Stores a file for file inputs given as URLs; returns its URL in each mode (`file`, `404`,
	 * `slow`, `html`, `oversize`), on this origin. See input-files.ts.
	 */
	putInputFile(name: string, bytes: Buffer, contentType: string): Record<'file' | '404' | 'slow' | 'html' | 'oversize', string>;
	/** Requests for the hosted runs' pre-signed links so far (cleared with the requests): 0 proves nothing was downloaded. */
	readonly downloadCount: number;
	close(): Promise<void>;
}

/** One output file of a run, as it goes into the result JSON. */
export interface OutputFile {
	filename: string;
	content_type: string;
	/** Size of the decoded bytes. */
	size: number;
	/** The file already base64-encoded (ASCII bytes), so a large cached output is encoded once. */
	base64: Buffer;
}

/** The result JSON of a run; each output's `data` is written from its `base64` buffer. */
export interface RunResult {
	prompt_id: string;
	status: string;
	completed: boolean;
	execution_time_seconds: number;
	prompt: ComfyWorkflow;
	outputs: OutputFile[];
}
