/**
 * POST on the deployment URL: read the form, then refuse or run in the order the real stack does
 * (gateway faults, credentials, form validation, execution), then hand over to the responders.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatorContext } from './context';
import { echoedCredentials, withEcho } from './echo';
import { fastApiDetail, gatewayPage, issue, ValidationFailure, viewComfyError } from './errors';
import type { Exchange } from './exchange';
import { readInferCall, type InferCall } from './form-fields';
import { FormParseError, readForm, type ParsedForm } from './multipart';
import { generateOutputs, samplerSteps } from './outputs';
import { describeFiles, describeForm } from './record';
import { answerHtml, answerJson, answerStream, type Run } from './respond';
import type { ComfyWorkflow, EmulatorBehaviour, RunResult } from './types';
import { applyOverrides, ParameterError } from './workflow';

export async function handleInfer(ctx: EmulatorContext, ex: Exchange): Promise<void> {
	const { form, parseProblem } = await readRecordedForm(ex);

	await sleep(ctx.state.takeFirstAnswerDelay(), undefined, { signal: ctx.signal });
	const b = ctx.state.current;
	if (ctx.state.take('resetBeforeAnswer')) return ex.reset('resetBeforeAnswer');
	if (b.redirectToOrigin) {
		ex.markFault('redirectToOrigin');
		return ex.redirect(b.redirectToOriginStatus, `${b.redirectToOrigin}${ex.req.url ?? '/'}`);
	}
	if (answeredGatewayFault(ctx, ex)) return;
	const authProblem = credentialProblem(ex.req.headers, ctx);
	if (authProblem) return ex.json(401, fastApiDetail(authProblem));
	if (parseProblem) return ex.json(400, fastApiDetail(parseProblem));

	let call: InferCall;
	let prompt: ComfyWorkflow;
	try {
		call = readInferCall(form);
		prompt = applyOverrides(call.workflowOverride ?? ctx.workflow, call.params, form.files);
	} catch (error) {
		if (answeredAs422(ex, error)) return;
		throw error;
	}
	if (ctx.state.take('error500')) {
		ex.markFault('error500');
		return ex.json(
			500,
			viewComfyError(
				'Error while running the workflow',
				withEcho('KSampler: CUDA out of memory. Tried to allocate 2.00 GiB (simulated by the ViewComfy emulator)', echoedCredentials(ctx, ex.req.headers)),
				'OutOfMemoryError',
			),
		);
	}

	const run = execute(prompt, form, b);
	if (b.nonJsonBody) return answerHtml(ctx, ex, run);
	if (call.logs) return answerStream(ctx, ex, run);
	return answerJson(ctx, ex, run);
}

/** The body as a form (or why it is not one), described in the request record. */
export async function readRecordedForm(ex: Exchange): Promise<{ form: ParsedForm; parseProblem: string | null }> {
	let form: ParsedForm = { fields: [], files: [] };
	let parseProblem: string | null = null;
	try {
		form = await readForm(ex.req);
	} catch (error) {
		if (!(error instanceof FormParseError)) throw error;
		parseProblem = error.message;
	}
	ex.record.form = describeForm(form);
	ex.record.files = describeFiles(form);
	return { form, parseProblem };
}

/** Cold start and rate limit, answered by the gateway before any credential check; true if one fired. */
export function answeredGatewayFault(ctx: EmulatorContext, ex: Exchange): boolean {
	const b = ctx.state.current;
	if (ctx.state.take('coldStart503')) {
		ex.markFault('coldStart503');
		ex.text(b.coldStartStatus, 'text/html; charset=utf-8', gatewayPage(b.coldStartStatus));
		return true;
	}
	if (ctx.state.take('rateLimit429')) {
		ex.markFault('rateLimit429');
		const retry = b.retryAfterSeconds === null ? {} : { 'retry-after': String(b.retryAfterSeconds) };
		ex.json(429, fastApiDetail('Too Many Requests: slow down and retry later.'), retry);
		return true;
	}
	return false;
}

/** A form FastAPI refuses (a field, or a parameter the workflow cannot take) as its 422; true if it was one. */
export function answeredAs422(ex: Exchange, error: unknown): boolean {
	if (error instanceof ValidationFailure) ex.json(422, { detail: error.issues });
	else if (error instanceof ParameterError) ex.json(422, { detail: [issue('params', 'value_error', error.message, null, error.key)] });
	else return false;
	return true;
}

/** The 401 text, or null when both headers match. Never echoes what was sent. */
export function credentialProblem(headers: IncomingHttpHeaders, ctx: EmulatorContext): string | null {
	const id = headers.client_id;
	const secret = headers.client_secret;
	if (!id || !secret) {
		const missing = [!id && 'client_id', !secret && 'client_secret'].filter(Boolean).join(' and ');
		return `Not authenticated: the ${missing} header is missing. Send the Client ID and Client Secret of the deployment.`;
	}
	if (id !== ctx.clientId || secret !== ctx.clientSecret) {
		return 'Invalid client_id or client_secret: check the Client ID and Client Secret of the deployment.';
	}
	return null;
}

function execute(prompt: ComfyWorkflow, form: ParsedForm, b: Readonly<EmulatorBehaviour>): Run {
	const started = performance.now();
	const outputs = generateOutputs(prompt, form.files, b.outputBytes);
	const seconds = Math.round(b.latencyMs + (performance.now() - started)) / 1000;
	const result: RunResult = {
		prompt_id: randomUUID(),
		status: 'success',
		completed: true,
		execution_time_seconds: seconds,
		prompt,
		outputs,
	};
	if (b.resultStatus === 'completed-false') Object.assign(result, { status: 'running', completed: false, outputs: [] });
	if (b.resultStatus === 'status-error') Object.assign(result, { status: 'error', outputs: [] });
	return { result, steps: samplerSteps(prompt) };
}
