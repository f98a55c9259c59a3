/**
 * Runs on the hosted API end to end: submit with a client-made prompt id, poll until finished,
 * download the files; or fetch and cancel runs by id. Deadlines, retries, cancel-on-stop and
 * redaction of the secret live here; the HTTP calls are HostedApiClient's.
 */
import { randomUUID } from 'node:crypto';
import type { InferResult } from '../helpers/interfaces';
import type { Settled } from '../helpers/mapInOrder';
import { CallDeadline } from './callDeadline';
import { InferAbortedError, InferTimeoutError, describeNetworkCode, redactSecret } from './errors';
import type { HostedApiClient } from './hostedClient';
import { downloadOutput, type ByteBudget } from './hostedDownload';
import {
	HostedHttpError,
	HostedNetworkError,
	HostedRunFailedError,
	HostedRunNotFoundError,
	HostedRunTimeoutError,
	hostedHttpFailure,
} from './hostedErrors';
import type { HostedSubmitRequest } from './hostedForm';
import { isRetryableReadStatus, pollDelayMs, type PollSettings } from './hostedPollPolicy';
import { describeErrorData, isFinished, isSuccess, toResultMeta, type HostedRunRecord } from './hostedRecords';
import type { RetryInfo } from './infer';
import {
	DEFAULT_RETRY_BASE_DELAY_MS,
	DEFAULT_RETRY_MAX_DELAY_MS,
	decideRetry,
	isRetryableConnectionCode,
	isRetryableStatus,
	type RetryableFailure,
	type RetrySettings,
} from './retryPolicy';

export interface HostedCallOptions {
	/** Submit plus the wait for the run; the downloads get the same time again. */
	timeoutMs: number;
	/** n8n's cancel signal. */
	signal?: AbortSignal;
	maxRetries: number;
	maxRetryWaitMs: number;
	/** First backoff ceiling of retries (doubles per retry); 1 s when unset. */
	retryBaseDelayMs?: number;
	/** Cap on the bytes of one run's files together. */
	maxOutputBytes: number;
	poll: PollSettings;
	onRetry?: (info: RetryInfo) => void;
	/** A run's status changed (first sighting included). */
	onStatus?: (record: HostedRunRecord) => void;
	/** After n8n stopped the execution: whether the cancel request reached ViewComfy. */
	onCancelSent?: (outcome: { promptId: string; ok: boolean; message: string }) => void;
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

/** Submits and returns at once: the run goes on on ViewComfy (fire-and-forget). */
export async function submitHostedRun(client: HostedApiClient, req: HostedSubmitRequest, opts: HostedCallOptions): Promise<SubmittedRun> {
	const deadline = new CallDeadline(opts.timeoutMs, opts.signal);
	try {
		return await submit(client, randomUUID(), req, deadline, opts);
	} catch (err) {
		throw redactSecret(deadline.stopError ?? err, client.secret);
	} finally {
		deadline.dispose();
	}
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
	const deadline = new CallDeadline(opts.timeoutMs, opts.signal);
	const latest = new Map<string, HostedRunRecord>();
	let phase: 'submit' | 'wait' = 'submit';
	try {
		promptId = (await submit(client, promptId, req, deadline, opts)).promptId;
		phase = 'wait';
		await pollUntilFinished(client, [promptId], { wait: true, missingIsPending: true }, latest, new Set(), deadline, opts);
	} catch (err) {
		const stopped = deadline.stopError;
		if (stopped instanceof InferAbortedError) {
			await cancelOnStop(client, promptId, opts);
			throw stopped;
		}
		if (stopped instanceof InferTimeoutError && phase === 'wait') {
			throw new HostedRunTimeoutError(opts.timeoutMs, promptId, latest.get(promptId)?.status);
		}
		throw redactSecret(stopped ?? err, client.secret);
	} finally {
		deadline.dispose();
	}
	const record = latest.get(promptId)!;
	if (!isSuccess(record)) {
		throw new HostedRunFailedError(record.status, record.completed, promptId, describeErrorData(record.errorData));
	}
	return await withDeadline(opts, (downloads) => fetchFiles(record, downloads, opts), client.secret);
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
	let timedOut = false;
	const deadline = new CallDeadline(opts.timeoutMs, opts.signal);
	try {
		await pollUntilFinished(client, promptIds, { wait: opts.wait, missingIsPending: false }, latest, notFound, deadline, opts);
	} catch (err) {
		const stopped = deadline.stopError;
		if (!(stopped instanceof InferTimeoutError)) throw redactSecret(stopped ?? err, client.secret);
		timedOut = true;
	} finally {
		deadline.dispose();
	}

	const outcomes = new Map<string, Settled<HostedRunResult>>();
	for (const promptId of promptIds) {
		const record = latest.get(promptId);
		if (notFound.has(promptId)) outcomes.set(promptId, { ok: false, error: new HostedRunNotFoundError(promptId) });
		else if (!record || (timedOut && !isFinished(record))) {
			outcomes.set(promptId, { ok: false, error: new HostedRunTimeoutError(opts.timeoutMs, promptId, record?.status) });
		} else if (!isSuccess(record)) outcomes.set(promptId, { ok: true, value: withoutFiles(record) });
		else {
			try {
				const value = await withDeadline(opts, (downloads) => fetchFiles(record, downloads, opts), client.secret);
				outcomes.set(promptId, { ok: true, value });
			} catch (error) {
				if (error instanceof InferAbortedError) throw error;
				outcomes.set(promptId, { ok: false, error });
			}
		}
	}
	return outcomes;
}

/** Asks ViewComfy to stop a run; returns its message. */
export async function cancelHostedRun(client: HostedApiClient, promptId: string, opts: HostedCallOptions): Promise<string | undefined> {
	return await withDeadline(
		opts,
		(deadline) => withRetries(() => client.cancel(promptId, deadline.signal), classifyRead, deadline, opts, client.secret),
		client.secret,
	);
}

async function submit(
	client: HostedApiClient,
	promptId: string,
	req: HostedSubmitRequest,
	deadline: CallDeadline,
	opts: HostedCallOptions,
): Promise<SubmittedRun> {
	let attempts = 0;
	try {
		const answer = await withRetries(
			() => {
				attempts++;
				return client.submit(promptId, req, deadline.signal);
			},
			classifySubmit,
			deadline,
			opts,
			client.secret,
		);
		// The API echoes our id; should it ever assign its own, that is the one it knows the run by.
		return { promptId: answer.promptId || promptId, message: answer.message };
	} catch (err) {
		// A retry after a lost answer finds its own run already there: the first attempt got through.
		if (attempts > 1 && err instanceof HostedHttpError && err.status === 409) return { promptId };
		throw err;
	}
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
	deadline: CallDeadline,
	opts: HostedCallOptions,
): Promise<void> {
	let pending = [...promptIds];
	for (let polls = 0; ; polls++) {
		const records = await withRetries(() => client.status(pending, deadline.signal), classifyRead, deadline, opts, client.secret);
		for (const record of records) {
			if (!pending.includes(record.promptId)) continue;
			const before = latest.get(record.promptId);
			latest.set(record.promptId, record);
			if (before?.status !== record.status || before?.completed !== record.completed) opts.onStatus?.(record);
		}
		if (!mode.missingIsPending) for (const id of pending) if (!latest.has(id)) notFound.add(id);
		pending = pending.filter((id) => !notFound.has(id) && !(latest.has(id) && isFinished(latest.get(id)!)));
		if (!mode.wait || pending.length === 0) return;
		await deadline.sleep(pollDelayMs(polls, opts.poll));
	}
}

async function fetchFiles(record: HostedRunRecord, deadline: CallDeadline, opts: HostedCallOptions): Promise<HostedRunResult> {
	const budget: ByteBudget = { limitBytes: opts.maxOutputBytes, usedBytes: 0 };
	const outputs = [];
	for (const [position, file] of record.outputs.entries()) {
		outputs.push(
			await withRetries(
				() => downloadOutput(file, { promptId: record.promptId, position }, budget, deadline.signal),
				classifyRead,
				deadline,
				opts,
				'',
			),
		);
	}
	return { record, result: { meta: toResultMeta(record), outputs, logs: [], errorEvents: [] } };
}

function withoutFiles(record: HostedRunRecord): HostedRunResult {
	const errorText = describeErrorData(record.errorData);
	return {
		record,
		result: { meta: toResultMeta(record), outputs: [], logs: [], errorEvents: [] },
		...(errorText ? { errorText } : {}),
	};
}

/** Runs `task` under its own deadline (the timeout again, and n8n's cancel). */
async function withDeadline<T>(opts: HostedCallOptions, task: (deadline: CallDeadline) => Promise<T>, secret: string): Promise<T> {
	const deadline = new CallDeadline(opts.timeoutMs, opts.signal);
	try {
		return await task(deadline);
	} catch (err) {
		throw redactSecret(deadline.stopError ?? err, secret);
	} finally {
		deadline.dispose();
	}
}

async function cancelOnStop(client: HostedApiClient, promptId: string, opts: HostedCallOptions): Promise<void> {
	try {
		const message = await client.cancel(promptId, AbortSignal.timeout(CANCEL_ON_STOP_TIMEOUT_MS));
		opts.onCancelSent?.({ promptId, ok: true, message: message ?? 'cancel requested' });
	} catch (err) {
		const text = redactSecret(err instanceof Error ? err : new Error(String(err)), client.secret).message;
		opts.onCancelSent?.({ promptId, ok: false, message: text });
	}
}

/** Retries what `classify` calls retryable, within the retry budget and the deadline. */
async function withRetries<T>(
	attempt: () => Promise<T>,
	classify: (err: unknown) => RetryableFailure,
	deadline: CallDeadline,
	opts: HostedCallOptions,
	secret: string,
): Promise<T> {
	const settings: RetrySettings = {
		maxRetries: opts.maxRetries,
		maxRetryWaitMs: opts.maxRetryWaitMs,
		baseDelayMs: opts.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS,
		maxDelayMs: DEFAULT_RETRY_MAX_DELAY_MS,
	};
	const state = { retriesDone: 0, waitedMs: 0 };
	for (;;) {
		try {
			return await attempt();
		} catch (err) {
			const stopped = deadline.stopError;
			if (stopped) throw stopped;
			const decision = decideRetry(classify(err), state, settings);
			if (!decision.retry) throw withAttemptCount(err, state.retriesDone + 1, secret);
			opts.onRetry?.({ attempt: state.retriesDone + 1, delayMs: decision.delayMs, reason: retryReason(err) });
			await deadline.sleep(decision.delayMs);
			state.retriesDone++;
			state.waitedMs += decision.delayMs;
		}
	}
}

/** A submit is retried only when it cannot have started a run (the same id guards the rest). */
function classifySubmit(err: unknown): RetryableFailure {
	if (err instanceof HostedHttpError) return { retryable: isRetryableStatus(err.status), retryAfterMs: err.retryAfterMs };
	if (err instanceof HostedNetworkError) return { retryable: isRetryableConnectionCode(err.code) };
	return { retryable: false };
}

/** Status, cancel and download change nothing when repeated. */
function classifyRead(err: unknown): RetryableFailure {
	if (err instanceof HostedHttpError) return { retryable: isRetryableReadStatus(err.status), retryAfterMs: err.retryAfterMs };
	if (err instanceof HostedNetworkError) return { retryable: isRetryableConnectionCode(err.code) };
	return { retryable: false };
}

function retryReason(err: unknown): string {
	if (err instanceof HostedHttpError) return `HTTP ${err.status}`;
	if (err instanceof HostedNetworkError) return describeNetworkCode(err.code);
	return 'failure';
}

/** The final error says how often it was tried, so users know retries already happened. */
function withAttemptCount(err: unknown, attempts: number, secret: string): unknown {
	if (attempts <= 1) return err;
	if (err instanceof HostedHttpError) return hostedHttpFailure(err.status, err.body, err.step, secret, err.retryAfterMs, attempts);
	if (err instanceof HostedNetworkError) return new HostedNetworkError(err.host, err.code, err.target, attempts);
	return err;
}
