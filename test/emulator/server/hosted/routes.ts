/**
 * The hosted API (api.viewcomfy.com) routes: submit, status, cancel, and the pre-signed file
 * links the status answers point at. See the README's "Hosted API" section.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorContext } from '../context';
import { BodyWriter } from '../body';
import { echoedCredentials, withEcho } from '../echo';
import { fastApiDetail, issue, ValidationFailure, viewComfyError, type ValidationIssue } from '../errors';
import { Exchange } from '../exchange';
import { fieldValue, readInferCall } from '../form-fields';
import { answeredAs422, answeredGatewayFault, credentialProblem, readRecordedForm } from '../infer';
import { generateOutputs } from '../outputs';
import { applyOverrides } from '../workflow';
import { FILES_PREFIX } from './links';
import { runRecord, type HostedOutcome } from './runs';

export const HOSTED_INFER_PATH = '/api/workflow/infer';

type HostedHandler = (ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export const HOSTED_ROUTES: Array<{ method: 'GET' | 'POST'; path: string; handler: HostedHandler }> = [
	{ method: 'POST', path: HOSTED_INFER_PATH, handler: (ctx, req, res) => submit(ctx, new Exchange(req, res, ctx.log, 'hosted-submit')) },
	{ method: 'GET', path: `${HOSTED_INFER_PATH}/`, handler: (ctx, req, res) => status(ctx, new Exchange(req, res, ctx.log, 'hosted-status')) },
	{ method: 'POST', path: `${HOSTED_INFER_PATH}/cancel`, handler: (ctx, req, res) => cancel(ctx, new Exchange(req, res, ctx.log, 'hosted-cancel')) },
	{ method: 'GET', path: `${FILES_PREFIX}/:promptId/:index/:filename`, handler: (ctx, req, res) => download(ctx, new Exchange(req, res, ctx.log, 'download')) },
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function submit(ctx: EmulatorContext, ex: Exchange): Promise<void> {
	const { form, parseProblem } = await readRecordedForm(ex);
	const promptId = fieldValue(form, 'prompt_id');
	const viewComfyApiUrl = fieldValue(form, 'view_comfy_api_url');
	const sid = fieldValue(form, 'sid');
	ex.record.hosted = { promptId, viewComfyApiUrl };
	if (sid !== undefined) Object.assign(ex.record.hosted, { sid, sidConnected: ctx.hosted.sockets.has(sid) });

	const b = ctx.state.current;
	if (ctx.state.take('resetBeforeAnswer')) return ex.reset('resetBeforeAnswer');
	if (answeredGatewayFault(ctx, ex)) return;
	const authProblem = credentialProblem(ex.req.headers, ctx);
	if (authProblem) return ex.json(401, fastApiDetail(authProblem));
	if (parseProblem) return ex.json(400, fastApiDetail(parseProblem));

	let prompt;
	try {
		const issues = hostedFieldIssues(promptId, viewComfyApiUrl);
		let call;
		try {
			call = readInferCall(form);
		} catch (error) {
			if (!(error instanceof ValidationFailure)) throw error;
			issues.push(...error.issues);
		}
		if (issues.length || !call) throw new ValidationFailure(issues);
		prompt = applyOverrides(call.workflowOverride ?? ctx.workflow, call.params, form.files);
	} catch (error) {
		if (answeredAs422(ex, error)) return;
		throw error;
	}
	if (ctx.hosted.runs.has(promptId!)) {
		return ex.json(409, fastApiDetail(`A run with prompt_id ${promptId} already exists; make a new UUID for each run.`));
	}
	if (ctx.state.take('error500')) {
		ex.markFault('error500');
		const details = withEcho('Queue unavailable (simulated by the ViewComfy emulator)', echoedCredentials(ctx, ex.req.headers));
		return ex.json(500, viewComfyError('Error while submitting the workflow', details, 'QueueError'));
	}
	const outcome: HostedOutcome = b.resultStatus === 'completed-false' ? 'stuck' : b.resultStatus === 'status-error' ? 'error' : 'success';
	const run = {
		promptId: promptId!,
		viewComfyApiUrl: viewComfyApiUrl!,
		clientId: ctx.clientId,
		createdAtMs: Date.now(),
		durationMs: b.hostedRunMs,
		outcome,
		cancelledAtMs: null,
		errorEcho: echoedCredentials(ctx, ex.req.headers),
		prompt,
		outputs: generateOutputs(prompt, form.files, b.outputBytes),
	};
	ctx.hosted.runs.add(run);
	if (sid) ctx.hosted.sockets.route(run, sid, ctx.state.current.hostedLinkOrigin ?? ex.clientOrigin);
	ex.json(201, { data: { prompt_id: promptId, message: 'Workflow submitted', workflow: prompt } });
}

function hostedFieldIssues(promptId: string | undefined, viewComfyApiUrl: string | undefined): ValidationIssue[] {
	const issues: ValidationIssue[] = [];
	if (promptId === undefined) issues.push(issue('prompt_id', 'missing', 'Field required'));
	else if (!UUID.test(promptId)) {
		issues.push(issue('prompt_id', 'uuid_parsing', 'prompt_id must be a UUID made by the client, e.g. crypto.randomUUID().', promptId));
	}
	if (viewComfyApiUrl === undefined) issues.push(issue('view_comfy_api_url', 'missing', 'Field required'));
	else if (!/^https?:\/\/[^\s/]+/i.test(viewComfyApiUrl)) {
		issues.push(issue('view_comfy_api_url', 'url_parsing', 'view_comfy_api_url must be the http(s) URL of the deployment.', viewComfyApiUrl));
	}
	return issues;
}

function status(ctx: EmulatorContext, ex: Exchange): void {
	ex.req.resume();
	const ids = new URL(ex.req.url ?? '/', 'http://emulator').searchParams.getAll('prompt_ids');
	ex.record.hosted = { promptIds: ids };
	const authProblem = credentialProblem(ex.req.headers, ctx);
	if (authProblem) return ex.json(401, fastApiDetail(authProblem));
	if (ctx.state.take('hostedStatus5xx')) {
		ex.markFault('hostedStatus5xx');
		return ex.json(500, fastApiDetail(withEcho('Internal Server Error', echoedCredentials(ctx, ex.req.headers))));
	}
	if (ids.length === 0) {
		return ex.json(422, { detail: [{ type: 'missing', loc: ['query', 'prompt_ids'], msg: 'Field required', input: null }] });
	}
	const now = Date.now();
	const link = { signer: ctx.hosted.signer, origin: ctx.state.current.hostedLinkOrigin ?? ex.clientOrigin, ttlSeconds: ctx.state.current.hostedLinkTtlSeconds };
	const records = ids.flatMap((id) => {
		const run = ctx.hosted.runs.get(id);
		return run ? [runRecord(run, now, link)] : [];
	});
	ex.json(200, records);
}

async function cancel(ctx: EmulatorContext, ex: Exchange): Promise<void> {
	const text = await readText(ex.req);
	const authProblem = credentialProblem(ex.req.headers, ctx);
	if (authProblem) return ex.json(401, fastApiDetail(authProblem));
	let body: Record<string, unknown>;
	try {
		const parsed = JSON.parse(text) as unknown;
		if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
		body = parsed as Record<string, unknown>;
	} catch {
		return ex.json(422, { detail: [{ type: 'json_invalid', loc: ['body'], msg: 'The body must be a JSON object {prompt_id, view_comfy_api_url}.', input: text.slice(0, 100) }] });
	}
	// The Python client sends snake_case, the TypeScript one camelCase; the API takes both.
	const promptId = body.prompt_id ?? body.promptId;
	const viewComfyApiUrl = body.view_comfy_api_url ?? body.viewComfyApiUrl;
	ex.record.hosted = {
		promptId: typeof promptId === 'string' ? promptId : undefined,
		viewComfyApiUrl: typeof viewComfyApiUrl === 'string' ? viewComfyApiUrl : undefined,
		bodyKeys: Object.keys(body),
	};
	if (typeof promptId !== 'string' || promptId === '') {
		return ex.json(422, { detail: [issue('prompt_id', 'missing', 'Field required')] });
	}
	const run = ctx.hosted.runs.get(promptId);
	if (!run) return ex.json(404, fastApiDetail(`No run with prompt_id ${promptId}.`));
	const stopped = ctx.hosted.runs.cancel(run, Date.now());
	if (stopped) ctx.hosted.sockets.cancelled(run);
	// 201, as the official Python client demands (it refuses any other status).
	ex.json(201, { data: { prompt_id: promptId, message: stopped ? 'Cancellation requested' : 'The run had already finished' } });
}

const s3Error = (code: string, message: string) =>
	`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;

async function download(ctx: EmulatorContext, ex: Exchange): Promise<void> {
	ex.req.resume();
	const url = new URL(ex.req.url ?? '/', 'http://emulator');
	const [, , promptIdPart, indexPart] = url.pathname.split('/');
	const promptId = decodeURIComponent(promptIdPart ?? '');
	const index = Number(indexPart);
	const xml = 'application/xml';
	// The link is the authorisation: a client that also sends the deployment's credentials leaks them to storage.
	if (ex.req.headers.client_id !== undefined || ex.req.headers.client_secret !== undefined || ex.req.headers.authorization !== undefined) {
		ex.markFault('credentialsOnDownload');
		return ex.text(403, xml, s3Error('AccessDenied', 'Credentials were sent to a pre-signed link. Send no client_id, client_secret or Authorization header: the link itself authorises the download.'));
	}
	const check = ctx.hosted.signer.check(promptId, index, url.searchParams, Date.now());
	if (check === 'bad-signature') {
		return ex.text(403, xml, s3Error('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.'));
	}
	if (check === 'expired') {
		ex.markFault('linkExpired');
		return ex.text(403, xml, s3Error('AccessDenied', 'Request has expired'));
	}
	const output = ctx.hosted.runs.get(promptId)?.outputs[index];
	if (!output) return ex.text(404, xml, s3Error('NoSuchKey', 'The specified key does not exist.'));
	const bytes = Buffer.from(output.base64.toString('latin1'), 'base64');
	ex.head(200, { 'content-type': output.content_type, 'content-length': bytes.length });
	// A storage connection that dies mid-file: half of it arrives, so a streaming client has started writing.
	if (ctx.state.take('resetAfterHeaders')) return ex.writeThenReset(bytes.subarray(0, Math.floor(bytes.length / 2)), 'resetAfterHeaders');
	const writer = new BodyWriter(ex.res, ctx.state.current.dripBytesPerSecond, ctx.signal);
	if (await writer.writeAll([bytes])) writer.end();
}

const MAX_CANCEL_BODY = 1024 * 1024;

async function readText(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		size += (chunk as Buffer).length;
		if (size <= MAX_CANCEL_BODY) chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks).toString('utf8');
}
