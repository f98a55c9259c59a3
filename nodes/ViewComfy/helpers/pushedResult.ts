/**
 * The hosted API pushes a run's result over Socket.IO (`infer_result_message`) in snake_case,
 * while its status route answers camelCase records. This turns a pushed result into a status
 * record's shape, so one reader (the status answer's) checks both and nothing downstream knows
 * which way the result came.
 */

function camelCase(key: string): string {
	return key.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

function camelKeys(value: Record<string, unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [key, field] of Object.entries(value)) out[camelCase(key)] = field;
	return out;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** `{prompt_id, status, …, outputs: [{content_type, …}], error_data}` → `{promptId, status, …, outputs: [{contentType, …}], errorData}`; anything else as it came (the reader then says what is wrong). */
export function pushedResultAsStatusRecord(data: unknown): unknown {
	if (!isRecord(data)) return data;
	const record = camelKeys(data);
	if (Array.isArray(record.outputs)) record.outputs = record.outputs.map((output) => (isRecord(output) ? camelKeys(output) : output));
	return record;
}

/**
 * The run's end from whichever event pushed it, as a status record: the result as it came; a
 * failed run (its error event names the run and its error_data) finished with `error`; a
 * cancelled run finished with `cancelled`.
 */
export function pushedEndAsStatusRecord(event: 'result' | 'error' | 'canceled', data: unknown): unknown {
	const record = pushedResultAsStatusRecord(data);
	if (event === 'result') return record;
	const promptId = isRecord(record) ? record.promptId : undefined;
	if (event === 'canceled') return { promptId, status: 'cancelled', completed: true, outputs: [] };
	return isRecord(record) ? { status: 'error', ...record, completed: true, outputs: [] } : record;
}
