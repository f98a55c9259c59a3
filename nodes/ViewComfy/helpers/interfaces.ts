/**
 * Shapes shared by the pure helpers, the transport and the operations.
 * Nothing in here does I/O.
 */

/** One node of a ComfyUI `workflow_api.json` ("Export (API)" format). */
export interface ComfyNode {
	inputs: Record<string, unknown>;
	class_type: string;
	_meta?: { title?: string };
}

/** A whole API-format workflow: string node ids (also composite ones like `54:73`) to nodes. */
export type ComfyWorkflow = Record<string, ComfyNode>;

export type ParameterKind = 'text' | 'number' | 'boolean' | 'file';

export type ParameterValue = string | number | boolean;

/** One literal input of a workflow, flattened the way ViewComfy's parameter maker does. */
export interface WorkflowParameter {
	/** `<nodeId>-inputs-<inputName>`, the key ViewComfy expects in `params`. */
	key: string;
	nodeId: string;
	nodeTitle: string;
	classType: string;
	inputName: string;
	value: ParameterValue;
	kind: ParameterKind;
	/** `6 · CLIP Text Encode (Positive Prompt) · text` */
	label: string;
}

/** `params` as sent to ViewComfy: flattened key to literal value. */
export type InferParams = Record<string, ParameterValue>;

export type SeedMode = 'whenEmpty' | 'always' | 'never';

/** A file to send as a multipart part named after its parameter key. */
export interface FilePart {
	/** Part name: a parameter key, or `<key>-viewcomfymask` for a mask. */
	key: string;
	fileName: string;
	mimeType: string;
	data: Buffer;
}

/** What one infer call sends. */
export interface InferRequest {
	params: InferParams;
	/** `true` asks for `text/event-stream` with log lines. */
	logs: boolean;
	/** Serialised workflow to send as the `workflow_api` override; omitted when undefined. */
	workflowApi?: string;
	files: FilePart[];
}

/** The result JSON without any base64: what stays in n8n's item JSON. */
export interface InferResultMeta {
	prompt_id?: string;
	status?: string;
	completed?: boolean;
	execution_time_seconds?: number;
	prompt?: unknown;
	[key: string]: unknown;
}

/** Where the decoded bytes of one output file go while the response streams in. */
export interface OutputSink {
	write(chunk: Buffer): void;
	/** Bytes written so far. */
	readonly size: number;
	/** All bytes were written. */
	end(): void;
	/** The answer failed: drop what was written. */
	destroy(err: Error): void;
	/** A promise while the sink holds too many unread bytes: the reader waits on it before reading on. */
	ready(): Promise<void> | undefined;
}

/** What is known of an output when its bytes start arriving (its `data` string, or its download). */
export interface OutputSinkRequest {
	/** The index the output will have: among the object entries of `outputs`, or in a hosted run's file list. */
	position: number;
	/** As the server sent them; a hosted file record may lack either. */
	filename?: string;
	contentType?: string;
	/**
	 * The most bytes the output can have, from the answer's Content-Length: exact for a download,
	 * an upper bound for a direct answer's `data` string (3/4 of the bytes left in the body).
	 * Only a hint, since an answer that was compressed on the way can bring more.
	 */
	expectedBytes?: number;
	/**
	 * The bytes come as network pieces from separate buffers (a download), not as views of the
	 * writer's own blocks: the sink joins them itself, into blocks it can reuse.
	 */
	pieces?: boolean;
}

/**
 * Opens a sink for an output whose bytes start arriving, or returns undefined to have them
 * collected in memory instead. A call opens a fresh sink for each attempt at an output.
 */
export type OutputSinkFactory = (request: OutputSinkRequest) => OutputSink | undefined;

/** One output file once the response is fully read. */
export interface DecodedOutput {
	/** As the server sent it; not yet sanitised. */
	filename?: string;
	contentType?: string;
	/** The `size` the server declared, if any. */
	declaredSize?: number;
	/** Decoded bytes, in order. */
	chunks: Buffer[];
	/** Sum of chunk lengths (of the bytes written to `sink` when there is one). */
	byteLength: number;
	/** Set when the bytes went to a sink as they arrived; `chunks` is then empty. */
	sink?: OutputSink;
	/** Hosted API: the pre-signed link the file was (or, with `notDownloaded`, would be) fetched from. */
	link?: string;
	/** Download Files off: only the link is known; `chunks` is empty and `byteLength` is the declared size (0 when unknown). */
	notDownloaded?: boolean;
}

export interface InferResult {
	meta: InferResultMeta;
	outputs: DecodedOutput[];
	/** Log lines seen on the SSE stream (empty in JSON mode). */
	logs: string[];
	/** Texts of `error` events that were followed by a result. */
	errorEvents: string[];
}
