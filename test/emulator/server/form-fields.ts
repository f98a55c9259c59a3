/**
 * Reads the infer form fields (`params`, `logs`, `workflow_api`) into a call, refusing what
 * ViewComfy's FastAPI endpoint refuses with a 422 that names the field.
 */
import { issue, ValidationFailure } from './errors';
import type { ParsedForm } from './multipart';
import type { ComfyWorkflow } from './types';
import { asApiWorkflow, WorkflowFormatError } from './workflow';

export interface InferCall {
	params: Record<string, unknown>;
	logs: boolean;
	/** The `workflow_api` override; undefined when absent or sent empty. */
	workflowOverride?: ComfyWorkflow;
}

const TRUE_WORDS = ['true', '1', 'yes', 'on', 't', 'y'];
const FALSE_WORDS = ['false', '0', 'no', 'off', 'f', 'n'];

export function fieldValue(form: ParsedForm, name: string): string | undefined {
	// FastAPI takes the last value of a repeated form field.
	const values = form.fields.filter(([field]) => field === name);
	return values.length ? values[values.length - 1][1] : undefined;
}

export function readInferCall(form: ParsedForm): InferCall {
	const issues = [];
	let params: Record<string, unknown> = {};
	let logs = false;
	let workflowOverride: ComfyWorkflow | undefined;

	const rawParams = fieldValue(form, 'params');
	try {
		params = parseParams(rawParams);
	} catch (error) {
		if (!(error instanceof ValidationFailure)) throw error;
		issues.push(...error.issues);
	}

	const rawLogs = fieldValue(form, 'logs');
	if (rawLogs !== undefined && rawLogs !== '') {
		const word = rawLogs.trim().toLowerCase();
		if (TRUE_WORDS.includes(word)) logs = true;
		else if (!FALSE_WORDS.includes(word)) {
			issues.push(issue('logs', 'bool_parsing', 'Input should be a valid boolean: send "true" or "false".', rawLogs));
		}
	}

	const rawWorkflow = fieldValue(form, 'workflow_api');
	if (rawWorkflow !== undefined && rawWorkflow.trim() !== '') {
		try {
			workflowOverride = asApiWorkflow(JSON.parse(rawWorkflow), 'workflow_api');
		} catch (error) {
			const msg =
				error instanceof WorkflowFormatError
					? error.message
					: `workflow_api is not valid JSON (${(error as Error).message}); send the whole workflow_api.json as a string.`;
			issues.push(issue('workflow_api', 'value_error', msg));
		}
	}

	if (issues.length) throw new ValidationFailure(issues);
	return { params, logs, workflowOverride };
}

function parseParams(raw: string | undefined): Record<string, unknown> {
	const example = 'send a JSON object string such as {"3-inputs-seed": 1234}';
	if (raw === undefined) throw new ValidationFailure([issue('params', 'missing', 'Field required')]);
	if (raw.trim() === '') {
		throw new ValidationFailure([issue('params', 'value_error', `params is empty; ${example}.`, raw)]);
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(raw);
	} catch (error) {
		throw new ValidationFailure([
			issue('params', 'json_invalid', `params is not valid JSON (${(error as Error).message}); ${example}.`, raw),
		]);
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		const got = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : typeof parsed;
		throw new ValidationFailure([issue('params', 'dict_type', `params must be a JSON object, got ${got}; ${example}.`, parsed)]);
	}
	if (Object.keys(parsed).length === 0) {
		throw new ValidationFailure([
			issue('params', 'value_error', `params has no parameter overrides; ${example} (a new seed is enough).`, parsed),
		]);
	}
	return parsed as Record<string, unknown>;
}
