/**
 * Runs on the hosted API end to end: submit with a client-made prompt id, poll until finished,
 * download the files; or fetch and cancel runs by id. Deadlines, retries, cancel-on-stop and
 * redaction of the secret live here; the HTTP calls are HostedApiClient's.
 */
import { randomUUID } from 'crypto';

import type { DecodedOutput, InferResult, OutputSinkFactory } from '../../helpers/interfaces';
import type { Settled } from '../../helpers/mapInOrder';
import { CallDeadline } from '../http/callDeadline';
import { InferAbortedError, InferTimeoutError, redactSecret } from '../http/errors';
import type { RetryOptions } from '../http/retry';
import { NIL_PROMPT_ID, type CallScope, type HostedApiClient } from './hostedClient';
import { downloadOutput, type ByteBudget } from './hostedDownload';
import { HostedHttpError, HostedRunFailedError, HostedRunNotFoundError, HostedRunTimeoutError } from './hostedErrors';
import type { HostedSubmitRequest } from './hostedForm';
import { pollDelayMs, type PollSettings } from './hostedPollPolicy';
import { describeErrorData, isFinished, isSuccess, parseStatusAnswer, toResultMeta, type HostedOutputFile, type HostedRunRecord } from './hostedRecords';
import { openLiveRun, type LiveRunOptions } from './liveRun';

export interface HostedCallOptions extends RetryOptions {
	/** Submit plus the wait for the run; the downloads get the same time again. */
	timeoutMs: number;
	/** n8n's cancel signal. */
	signal?: AbortSignal;
	/** Cap on the bytes of one run's files together. */
	maxOutputBytes: number;
	poll: PollSettings;
	/** A run's status changed (first sighting included). */
	onStatus?: (record: HostedRunRecord) => void;
	/** After n8n stopped the execution: whether the cancel request reached ViewComfy. */
	onCancelSent?: (outcome: { promptId: string; ok: boolean; message: string }) => void;
	/** Stream Logs: follow the run over Socket.IO too (its log lines, its pushed end); polling stays the safety net. */
	liveLogs?: Pick<LiveRunOptions, 'onLog' | 'onFallback'>;
	/**
	 * Where each downloaded file goes as it arrives (the body is read only as fast as the sink
	 * takes it); without it the bytes are collected in memory. As with direct infer, the sink of
	 * a failed attempt is destroyed before the error goes on.
	 */
	openOutputSink?: OutputSinkFactory;
	/** False (Download Files off): a finished run's files are not fetched; each output carries only its link. */
	downloadFiles?: boolean;
}

/** A run as the hosted API reports it, with its files when it succeeded and they were fetched. */
export interface HostedRunResult {
	record: HostedRunRecord;
	/** Same shape as a direct run's result; `outputs` empty until the run succeeded. */
	result: InferResult;
	/** ViewComfy's `errorData` as one line, for runs that failed. */
	errorText?: string;
}

export interface SubmittedRun {
	promptId: string;
	message?: string;
}

/** How long the cancel request sent on stop may take: the user is waiting for the stop. */
const CANCEL_ON_STOP_TIMEOUT_MS = 10_000;

type Outcome<T> = Settled<T>;

/** A promise's outcome as a value, so the flow below can decide without catch blocks. */
async function settle<T>(promise: Promise<T>): Promise<Outcome<T>> {
	return await promise.then(
		(value) => ({ ok: true as const, value }),
		(error: unknown) => ({ ok: false as const, error }),
	);
}

/** Submits and returns at once: the run goes on on ViewComfy (fire-and-forget). */
export async function submitHostedRun(client: HostedApiClient, req: HostedSubmitRequest, opts: HostedCallOptions): Promise<SubmittedRun> {
	return await withDeadline(opts, async (scope) => await submit(client, randomUUID(), req, scope), client.secret);
}

/**
 * Submit, wait, download. When n8n stops the execution after the submit went out, the run is
 * cancelled on ViewComfy too: its prompt id is ours, so this works even if the submit's answer
 * never arrived. A timeout does not cancel: the run may still finish and be fetched later.
 */
export async function runHosted(client: HostedApiClient, req: HostedSubmitRequest, opts: HostedCallOptions): Promise<HostedRunResult> {
	// Stopped before anything went out: there is no run to cancel.
	if (opts.signal?.aborted) throw new InferAbortedError();
	let promptId: string = randomUUID();
	const scope = scopeOf(opts);
	// Opened before the submit (the form names the socket that gets the run's events), right after
	// a status request through n8n's helpers reached the API's origin: the socket bypasses them.
	const opened = opts.liveLogs
		? await settle(
				openLiveRun({ reach: async () => await client.reachOrigin(scope), clientId: client.clientId, clientSecret: client.secret, signal: opts.signal, ...opts.liveLogs }),
			)
		: undefined;
	if (opened && !opened.ok) {
		const stoppedEarly = scope.deadline.stopError;
		scope.deadline.dispose();
		throw redactSecret(stoppedEarly ?? opened.error, client.secret);
	}
	const live = opened?.value;
	const latest = new Map<string, HostedRunRecord>();
	const progress: { phase: 'submit' | 'wait' } = { phase: 'submit' };
	const waited = await settle(
		(async () => {
			promptId = (await submit(client, promptId, live?.sid ? { ...req, sid: live.sid } : req, scope)).promptId;
			progress.phase = 'wait';
			await pollUntilFinished(client, [promptId], { wait: true, missingIsPending: true }, latest, new Set(), scope, opts, live?.pushed);
		})(),
	);
	live?.close();
	const stopped = scope.deadline.stopError;
	scope.deadline.dispose();
	if (!waited.ok) {
		if (stopped instanceof InferAbortedError) {
			await cancelOnStop(client, promptId, opts);
			throw stopped;
		}
		if (stopped instanceof InferTimeoutError && progress.phase === 'wait') {
			throw new HostedRunTimeoutError(opts.timeoutMs, promptId, latest.get(promptId)?.status);
		}
		throw redactSecret(stopped ?? waited.error, client.secret);
	}
	const record = latest.get(promptId)!;
	if (!isSuccess(record)) {
		throw new HostedRunFailedError(record.status, record.completed, promptId, describeErrorData(record.errorData));
	}
	return await withDeadline(opts, async (downloads) => await fetchFiles(client, record, downloads, opts), client.secret);
}

/**
 * The runs behind `promptIds`, fetched together (one status request per poll for all of them).
 * With `wait`, polls until every run finished or the timeout. Each id gets its own outcome: an
 * unknown id, a run still going at the timeout or a refused download fail only that id.
 */
export async function fetchHostedRuns(
	client: HostedApiClient,
	promptIds: readonly string[],
	opts: HostedCallOptions & { wait: boolean },
): Promise<Map<string, Settled<HostedRunResult>>> {
	const latest = new Map<string, HostedRunRecord>();
	const notFound = new Set<string>();
	const scope = scopeOf(opts);
	const polled = await settle(pollUntilFinished(client, promptIds, { wait: opts.wait, missingIsPending: false }, latest, notFound, scope, opts));
	const stopped = scope.deadline.stopError;
	scope.deadline.dispose();
	if (!polled.ok && !(stopped instanceof InferTimeoutError)) throw redactSecret(stopped ?? polled.error, client.secret);
	const timedOut = !polled.ok;

	const outcomes = new Map<string, Settled<HostedRunResult>>();
	for (const promptId of promptIds) {
		const record = latest.get(promptId);
		if (notFound.has(promptId)) outcomes.set(promptId, { ok: false, error: new HostedRunNotFoundError(promptId) });
		else if (!record || (timedOut && !isFinished(record))) {
			outcomes.set(promptId, { ok: false, error: new HostedRunTimeoutError(opts.timeoutMs, promptId, record?.status) });
		} else if (!isSuccess(record)) outcomes.set(promptId, { ok: true, value: withoutFiles(record) });
		else {
			const fetched = await settle(withDeadline(opts, async (downloads) => await fetchFiles(client, record, downloads, opts), client.secret));
			if (!fetched.ok && fetched.error instanceof InferAbortedError) throw fetched.error;
			outcomes.set(promptId, fetched);
		}
	}
	return outcomes;
}

/**
 * Checks that the hosted API accepts the Client ID and Client Secret, without submitting a run:
 * the status of a prompt id no run has (401/403 when the keys are refused).
 */
export async function checkHostedCredentials(client: HostedApiClient, opts: HostedCallOptions): Promise<void> {
	await withDeadline(opts, async (scope) => await client.status([NIL_PROMPT_ID], scope, 'checkConnection'), client.secret);
}

/** Asks ViewComfy to stop a run; returns its message. */
export async function cancelHostedRun(client: HostedApiClient, promptId: string, opts: HostedCallOptions): Promise<string | undefined> {
	return await withDeadline(opts, async (scope) => await client.cancel(promptId, scope), client.secret);
}

async function submit(client: HostedApiClient, promptId: string, req: HostedSubmitRequest, scope: CallScope): Promise<SubmittedRun> {
	const submitted = await settle(client.submit(promptId, req, scope));
	if (submitted.ok) {
		// The API echoes our id; should it ever assign its own, that is the one it knows the run by.
		return { promptId: submitted.value.promptId || promptId, message: submitted.value.message };
	}
	// A retry after a lost answer finds its own run already there: the first attempt got through.
	const err = submitted.error;
	if (err instanceof HostedHttpError && err.status === 409 && err.attempts > 1) return { promptId };
	throw err;
}

/**
 * Polls the ids still pending, all in one request per round, recording each run's latest state
 * in `latest`. Returns when all are finished (or after one round without `wait`); a missing id
 * is pending (right after our own submit) or not found (an id the user gave).
 */
async function pollUntilFinished(
	client: HostedApiClient,
	promptIds: readonly string[],
	mode: { wait: boolean; missingIsPending: boolean },
	latest: Map<string, HostedRunRecord>,
	notFound: Set<string>,
	scope: CallScope,
	opts: HostedCallOptions,
	pushed?: Promise<unknown>,
): Promise<void> {
	let pending = [...promptIds];
	let records: HostedRunRecord[] = await client.status(pending, scope);
	for (let polls = 0; ; polls++) {
		for (const record of records) {
			if (!pending.includes(record.promptId)) continue;
			const before = latest.get(record.promptId);
			latest.set(record.promptId, record);
			if (before?.status !== record.status || before?.completed !== record.completed) opts.onStatus?.(record);
		}
		if (!mode.missingIsPending) for (const id of pending) if (!latest.has(id)) notFound.add(id);
		pending = pending.filter((id) => !notFound.has(id) && !(latest.has(id) && isFinished(latest.get(id)!)));
		if (!mode.wait || pending.length === 0) return;
		const pushedEnd = await nextPollOrPush(scope, pollDelayMs(polls, opts.poll), pushed);
		// A push is used once; should it name another run, polling carries on as without it.
		if (pushedEnd) pushed = undefined;
		records = pushedEnd ? parseStatusAnswer(JSON.stringify([pushedEnd.record])) : await client.status(pending, scope);
	}
}

/**
 * Sleeps until the next poll, unless the run's end is pushed first (Stream Logs): then the poll
 * is skipped and the pushed record is used at once.
 */
async function nextPollOrPush(scope: CallScope, delayMs: number, pushed: Promise<unknown> | undefined): Promise<{ record: unknown } | undefined> {
	const nap = scope.deadline.sleep(delayMs);
	if (!pushed) return await nap.then(() => undefined);
	// The losing sleep may still reject later (a stop after the run ended): nobody waits for it then.
	nap.catch(() => undefined);
	return await Promise.race([nap.then(() => undefined), pushed.then((record) => ({ record }))]);
}

async function fetchFiles(client: HostedApiClient, record: HostedRunRecord, scope: CallScope, opts: HostedCallOptions): Promise<HostedRunResult> {
	const budget: ByteBudget = { limitBytes: opts.maxOutputBytes, usedBytes: 0 };
	const outputs: DecodedOutput[] = [];
	for (const [position, file] of record.outputs.entries()) {
		if (opts.downloadFiles === false) {
			outputs.push({ ...linkOnly(file), notDownloaded: true });
			continue;
		}
		const downloaded = await downloadOutput(client.http, file, { promptId: record.promptId, position }, budget, scope, opts.openOutputSink);
		outputs.push({ ...downloaded, link: file.filepath });
	}
	return { record, result: { meta: toResultMeta(record), outputs, logs: [], errorEvents: [] } };
}

/** An output as its record describes it, without its bytes (Download Files off). */
function linkOnly(file: HostedOutputFile): DecodedOutput {
	return { filename: file.filename, contentType: file.contentType, declaredSize: file.size, chunks: [], byteLength: file.size ?? 0, link: file.filepath };
}

function withoutFiles(record: HostedRunRecord): HostedRunResult {
	const errorText = describeErrorData(record.errorData);
	return {
		record,
		result: { meta: toResultMeta(record), outputs: [], logs: [], errorEvents: [] },
		...(errorText ? { errorText } : {}),
	};
}

/** A fresh deadline (the timeout again, and n8n's cancel) with the call's retry options. */
function scopeOf(opts: HostedCallOptions): CallScope {
	return { deadline: new CallDeadline(opts.timeoutMs, opts.signal), retry: opts };
}

/** Runs `task` under its own deadline; its failure comes out as the stop error or redacted. */
async function withDeadline<T>(opts: HostedCallOptions, task: (scope: CallScope) => Promise<T>, secret: string): Promise<T> {
	const scope = scopeOf(opts);
	const outcome = await settle(task(scope));
	const stopped = scope.deadline.stopError;
	scope.deadline.dispose();
	if (outcome.ok) return outcome.value;
	throw redactSecret(stopped ?? outcome.error, secret);
}

async function cancelOnStop(client: HostedApiClient, promptId: string, opts: HostedCallOptions): Promise<void> {
	// Its own short deadline without n8n's cancel signal (that one has fired): one attempt.
	const scope: CallScope = { deadline: new CallDeadline(CANCEL_ON_STOP_TIMEOUT_MS), retry: { maxRetries: 0, maxRetryWaitMs: 0 } };
	const sent = await settle(client.cancel(promptId, scope, true));
	scope.deadline.dispose();
	if (sent.ok) opts.onCancelSent?.({ promptId, ok: true, message: sent.value ?? 'cancel requested' });
	else {
		const text = redactSecret(sent.error instanceof Error ? sent.error : new Error(String(sent.error)), client.secret).message;
		opts.onCancelSent?.({ promptId, ok: false, message: text });
	}
}
