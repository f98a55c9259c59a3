/**
 * The hosted API's answers, read into typed records: the submit answer, the status records
 * (camelCase) and what counts as a finished run. Pure: text in, records or ResultFormatError out.
 */
import type { InferResultMeta } from '../../helpers/interfaces';
import { ResultFormatError, excerpt } from '../http/errors';

/** One output of a finished run: a pre-signed link, fetched without the credentials. */
export interface HostedOutputFile {
	filename?: string;
	contentType?: string;
	/** The size the API declared, in bytes. */
	size?: number;
	filepath: string;
}

export interface HostedRunRecord {
	promptId: string;
	/** As the API spells it, e.g. `running`, `success`, `error`. */
	status: string;
	completed: boolean;
	executionTimeSeconds?: number;
	prompt?: unknown;
	outputs: HostedOutputFile[];
	errorData?: unknown;
	createdAt?: string;
}

export interface HostedSubmitAnswer {
	promptId: string;
	message?: string;
}

const SUCCESS = new Set(['success']);
const FAILURE = new Set(['error', 'failed']);
/** A cancelled run never completes on its own, whatever `completed` says. */
const CANCELLED = new Set(['cancelled', 'canceled']);

/** Finished: completed with a final status, or cancelled. Anything else is still on its way. */
export function isFinished(record: HostedRunRecord): boolean {
	const status = record.status.toLowerCase();
	return CANCELLED.has(status) || (record.completed && (SUCCESS.has(status) || FAILURE.has(status)));
}

export function isSuccess(record: HostedRunRecord): boolean {
	return isFinished(record) && SUCCESS.has(record.status.toLowerCase());
}

/** The result fields a direct run reports, so both APIs give items of the same shape. */
export function toResultMeta(record: HostedRunRecord): InferResultMeta {
	const meta: InferResultMeta = {
		prompt_id: record.promptId,
		status: record.status,
		completed: record.completed,
		execution_time_seconds: record.executionTimeSeconds,
	};
	if (record.prompt !== undefined) meta.prompt = record.prompt;
	return meta;
}

/** `errorData` as one short line a user can read: ViewComfy's error fields, or the JSON. */
export function describeErrorData(errorData: unknown): string | undefined {
	if (errorData === undefined || errorData === null || errorData === '') return undefined;
	if (typeof errorData === 'string') return excerpt(errorData, 1000);
	if (isRecord(errorData)) {
		const parts = ['errorType', 'errorMsg', 'errorDetails', 'message', 'detail']
			.map((key) => errorData[key])
			.filter((part): part is string => typeof part === 'string' && part.trim() !== '');
		if (parts.length) return excerpt(parts.join(': '), 1000);
	}
	return excerpt(JSON.stringify(errorData), 1000);
}

export function parseSubmitAnswer(text: string): HostedSubmitAnswer {
	const json = parseAnswer(text);
	const data = isRecord(json) && isRecord(json.data) ? json.data : json;
	if (!isRecord(data) || typeof data.prompt_id !== 'string' || data.prompt_id === '') {
		throw new ResultFormatError('the submit answer has no data.prompt_id', excerpt(text, 200));
	}
	return { promptId: data.prompt_id, message: typeof data.message === 'string' ? data.message : undefined };
}

export function parseStatusAnswer(text: string): HostedRunRecord[] {
	const json = parseAnswer(text);
	const list = isRecord(json) && Array.isArray(json.data) ? json.data : json;
	if (!Array.isArray(list)) throw new ResultFormatError('the status answer is not a list of runs', excerpt(text, 200));
	return list.map((entry, index) => readRecord(entry, index, text));
}

function readRecord(entry: unknown, index: number, text: string): HostedRunRecord {
	const fail = (reason: string) => new ResultFormatError(`run ${index} of the status answer ${reason}`, excerpt(text, 200));
	if (!isRecord(entry)) throw fail('is not an object');
	if (typeof entry.promptId !== 'string' || entry.promptId === '') throw fail('has no promptId');
	if (typeof entry.status !== 'string') throw fail('has no status');
	const outputs = entry.outputs ?? [];
	if (!Array.isArray(outputs)) throw fail('has outputs that are not a list');
	const record: HostedRunRecord = {
		promptId: entry.promptId,
		status: entry.status,
		completed: entry.completed === true,
		outputs: outputs.map((output, position) => readOutput(output, position, fail)),
	};
	if (typeof entry.executionTimeSeconds === 'number') record.executionTimeSeconds = entry.executionTimeSeconds;
	if (entry.prompt !== undefined && entry.prompt !== null) record.prompt = entry.prompt;
	if (entry.errorData !== undefined && entry.errorData !== null) record.errorData = entry.errorData;
	if (typeof entry.createdAt === 'string') record.createdAt = entry.createdAt;
	return record;
}

function readOutput(output: unknown, position: number, fail: (reason: string) => Error): HostedOutputFile {
	if (!isRecord(output)) throw fail(`has output ${position} that is not an object`);
	if (typeof output.filepath !== 'string' || output.filepath === '') throw fail(`has output ${position} without a filepath (download link)`);
	const file: HostedOutputFile = { filepath: output.filepath };
	if (typeof output.filename === 'string') file.filename = output.filename;
	if (typeof output.contentType === 'string') file.contentType = output.contentType;
	if (typeof output.size === 'number' && Number.isFinite(output.size) && output.size >= 0) file.size = output.size;
	return file;
}

/** Stands for a text that is not JSON at all. */
const NOT_JSON = Symbol('not JSON');

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return NOT_JSON;
	}
}

/** The parsed answer; a ResultFormatError when it is not JSON. */
function parseAnswer(text: string): unknown {
	const json = parseJson(text);
	if (json === NOT_JSON) throw new ResultFormatError('it is not JSON', excerpt(text, 200));
	return json;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
