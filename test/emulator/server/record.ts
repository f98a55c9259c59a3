/**
 * The request record tests read back: what each request carried (secrets masked) and how it was answered.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { createHash } from 'node:crypto';
import { fieldValue } from './form-fields';
import type { ParsedForm } from './multipart';
import type { RecordedForm, RecordedRequest } from './types';

export const MASK = '***';
const MASKED_HEADERS = new Set(['client_secret', 'authorization']);

export function maskHeaders(headers: IncomingHttpHeaders): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) {
		if (value === undefined) continue;
		out[name] = MASKED_HEADERS.has(name) ? MASK : Array.isArray(value) ? value.join(', ') : value;
	}
	return out;
}

export function describeForm(form: ParsedForm): RecordedForm {
	const rawParams = fieldValue(form, 'params');
	let params: unknown = rawParams;
	try {
		if (rawParams !== undefined) params = JSON.parse(rawParams);
	} catch {
		// Invalid JSON stays recorded as the raw string, which is what a test wants to see.
	}
	const workflow = fieldValue(form, 'workflow_api');
	return {
		params,
		logs: fieldValue(form, 'logs'),
		workflowApi: { present: workflow !== undefined, size: workflow === undefined ? 0 : Buffer.byteLength(workflow) },
		fieldNames: form.fields.map(([name]) => name),
	};
}

export function describeFiles(form: ParsedForm): RecordedRequest['files'] {
	return form.files.map((f) => ({
		field: f.field,
		filename: f.filename,
		mimeType: f.mimeType,
		size: f.data.length,
		sha256: createHash('sha256').update(f.data).digest('hex'),
	}));
}

export class RequestLog {
	private entries: RecordedRequest[] = [];
	private nextId = 1;

	get all(): RecordedRequest[] {
		return this.entries;
	}

	add(entry: Omit<RecordedRequest, 'id'>): RecordedRequest {
		const recorded = { id: this.nextId++, ...entry };
		this.entries.push(recorded);
		return recorded;
	}

	clear(): void {
		this.entries = [];
	}
}
