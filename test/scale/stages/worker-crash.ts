import { requireWorkflows, type ScenarioContext } from '../context';
import type { ExecutionRow } from '../executions-db';
import { fireBatch, makeCalls, type WebhookAnswer } from '../load';
import { inferRequestsByPrompt, sample, wrongImages } from './verify-answers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Executions a worker has logged as started but not as finished. */
function loggedInFlight(started: string[], finished: string[], ignore: Set<string>): string[] {
	const done = new Set(finished);
	return started.filter((id) => !ignore.has(id) && !done.has(id));
}

const secondsAfter = (from: number, answers: WebhookAnswer[]) => (answers.length ? (Math.max(...answers.map((a) => a.endedAt)) - from) / 1000 : NaN);

/**
 * SIGKILL one worker while it runs executions; the batch goes on. Checks what n8n does with the
 * executions the dead worker held, whether they can be retried, and that the other worker
 * carried the rest.
 */
export async function workerCrash(ctx: ScenarioContext): Promise<void> {
	requireWorkflows(ctx);
	const { cluster, db, emulator, settings } = ctx;
	const alive = cluster.workers.filter((w) => w.alive);
	if (alive.length < 2) throw new Error(`The crash stage needs two running workers, found ${alive.length}`);
	const [survivor, victim] = alive;
	const calls = makeCalls('crash', settings.crashBatchCalls, 50_000);
	const marker = await db.maxExecutionId();
	const earlier = new Set([...victim.startedExecutions(), ...survivor.startedExecutions()]);
	emulator.clearRequests();
	emulator.setBehaviour({ latencyMs: settings.crashLatencyMs });

	const batch = fireBatch(ctx.workflows.imageUrl, calls, settings.clientConcurrency, 240_000);
	const deadline = Date.now() + 60_000;
	while (loggedInFlight(victim.startedExecutions(), victim.finishedExecutions(), earlier).length < 2 && Date.now() < deadline) await sleep(20);
	// Into the simulated GPU time, so the runs have reached ViewComfy when the worker dies.
	await sleep(settings.crashLatencyMs / 3);
	const killedAt = performance.now();
	await victim.crash();
	const loggedAtKill = loggedInFlight(victim.startedExecutions(), victim.finishedExecutions(), earlier);
	ctx.log(`  killed worker ${victim.name} (pid ${victim.pid}); its log shows executions ${loggedAtKill.join(', ') || 'none'} in flight`);
	const { answers } = await batch;
	emulator.setBehaviour({ latencyMs: settings.latencyMs });
	const requests = [...emulator.requests];

	// Held = neither finished by the victim before the kill nor run by the survivor. This also
	// counts jobs the victim had taken from the queue but not yet logged.
	const bySurvivor = new Set(survivor.startedExecutions().filter((id) => !earlier.has(id)));
	const finishedByVictim = new Set(victim.finishedExecutions());
	const heldIn = (rows: ExecutionRow[]) => rows.filter((r) => !bySurvivor.has(r.id) && !finishedByVictim.has(r.id));
	// The main process answers the webhook before it saves the failure; give the save a moment.
	let records = await db.executions(ctx.workflows.imageId, marker);
	const settleDeadline = Date.now() + 20_000;
	while (heldIn(records).some((r) => r.status === 'running') && Date.now() < settleDeadline) {
		await sleep(500);
		records = await db.executions(ctx.workflows.imageId, marker);
	}
	const held = heldIn(records).map((r) => r.id);
	const statusOf = new Map(records.map((r) => [r.id, r.status]));
	const heldStatuses = held.map((id) => `${id}: ${statusOf.get(id)}`);
	ctx.log(`  held by the dead worker: ${heldStatuses.join(', ') || 'none'}`);

	ctx.checks.check(`crash: worker ${victim.name} was killed while holding executions`, held.length > 0, `held: ${held.join(', ') || 'none'}`);
	const unanswered = answers.filter((a) => a.status === null).map((a) => `"${a.call.prompt}": ${a.error}`);
	ctx.checks.check(`crash: every one of the ${calls.length} webhook calls got an HTTP answer (none hangs)`, unanswered.length === 0, sample(unanswered));

	const ok = answers.filter((a) => a.status === 200);
	const errorAnswers = answers.filter((a) => a.status !== null && a.status !== 200);
	const wrong = await wrongImages(ctx, ok, requests);
	ctx.checks.check(
		'crash: every call the dead worker did not hold was answered 200 with the right PNG, the others with an error',
		ok.length === calls.length - held.length && errorAnswers.length === held.length && wrong.length === 0,
		`${ok.length} answered 200, ${errorAnswers.length} errors, ${held.length} held; ${sample(wrong) || 'all PNGs right'}`,
	);
	ctx.checks.check(
		'crash: each execution the dead worker held is recorded as failed (error/crashed), none left "running"',
		held.length > 0 && held.every((id) => ['error', 'crashed'].includes(statusOf.get(id) ?? '')),
		heldStatuses.join(', '),
	);
	const others = records.filter((r) => !held.includes(r.id));
	const othersNotSuccess = others.filter((r) => r.status !== 'success').map((r) => `${r.id}: ${r.status}`);
	ctx.checks.check(
		`crash: n8n has exactly one record per call (${calls.length}), all not held succeeded, ${others.filter((r) => bySurvivor.has(r.id)).length} of them on worker ${survivor.name}`,
		records.length === calls.length && othersNotSuccess.length === 0,
		`${records.length} records; not successful besides the held: ${sample(othersNotSuccess) || 'none'}`,
	);
	const twice = [...inferRequestsByPrompt(requests)].filter(([, rs]) => rs.length > 1).map(([p, rs]) => `${p} ×${rs.length}`);
	ctx.checks.check('crash: n8n did not re-run anything on its own (each prompt reached ViewComfy at most once)', twice.length === 0, sample(twice) || 'no prompt twice');

	// n8n replaces a crashed execution's data with the error, so the calls answered with an error
	// are what tells which prompts the dead worker held.
	const failedCalls = errorAnswers.map((a) => a.call);
	const reached = failedCalls.filter((c) => inferRequestsByPrompt(requests).has(c.prompt)).length;
	const heldErrors = await Promise.all(held.map(async (id) => (await db.executionError(id)) || 'no error recorded'));

	// n8n's own Retry (public API), as an operator or a recovery workflow would use it.
	emulator.clearRequests();
	const retries: string[] = [];
	const retryStatuses: string[] = [];
	const retryOutcomes: string[] = [];
	for (const id of held) {
		try {
			const result = await cluster.client.api<{ id?: string | number }>('POST', `/executions/${id}/retry`, {});
			const newId = String(result?.id ?? '');
			const record = newId ? (await db.executions(ctx.workflows.imageId, marker)).find((r) => r.id === newId) : undefined;
			const why = record && record.status !== 'success' ? `: ${await db.executionError(newId)}` : '';
			retries.push(`${id} → ${newId || '?'} ${record?.status ?? 'no record'}${why}`);
			retryStatuses.push(record?.status ?? 'no record');
			retryOutcomes.push(`new execution, status ${record?.status ?? 'unknown'}${why}`);
		} catch (error) {
			retries.push(`${id}: ${(error as Error).message.slice(0, 300)}`);
			retryStatuses.push('refused');
			retryOutcomes.push(`refused: ${(error as Error).message.slice(0, 300)}`);
		}
	}
	const retryReachedViewComfy = emulator.requests.filter((r) => r.kind === 'infer').length;
	ctx.checks.check(
		"crash: n8n's Retry of a crashed execution ends in the same error without calling ViewComfy (its input is gone), as docs/scaling.md says",
		held.length > 0 && retryStatuses.length === held.length && retryStatuses.every((s) => s === 'error') && retryReachedViewComfy === 0,
		`${retries.join('; ')}; ViewComfy calls from retries: ${retryReachedViewComfy}`,
	);

	// What does work: the caller got an error answer and sends the same call again.
	emulator.clearRequests();
	const { answers: resent } = await fireBatch(ctx.workflows.imageUrl, failedCalls, settings.clientConcurrency);
	const resentRequests = [...emulator.requests];
	const resentWrong = await wrongImages(ctx, resent, resentRequests);
	const resentOnce = failedCalls.every((c) => inferRequestsByPrompt(resentRequests).get(c.prompt)?.length === 1);
	emulator.clearRequests();
	ctx.checks.check(
		'crash: sending each failed webhook call again succeeds with the right PNG (one new ViewComfy run each)',
		failedCalls.length > 0 && resent.every((a) => a.status === 200) && resentWrong.length === 0 && resentOnce,
		`${resent.filter((a) => a.status === 200).length} of ${failedCalls.length} answered 200; ${sample(resentWrong) || 'PNGs right'}`,
	);

	ctx.figures.crash = {
		calls: calls.length,
		held: held.length,
		heldStatuses,
		heldErrors,
		errorAnswers: errorAnswers.map((a) => `${a.status} ${a.body.toString('utf8').slice(0, 120)}`),
		reachedViewComfy: reached,
		lastErrorAnswerAfterKillS: secondsAfter(killedAt, errorAnswers),
		lastAnswerAfterKillS: secondsAfter(killedAt, answers),
		survivorRan: bySurvivor.size,
		retries: retryOutcomes,
		retryCalledViewComfy: retryReachedViewComfy,
		resentOk: resent.filter((a) => a.status === 200).length,
		lockDurationMs: settings.stalledJobs.lockDurationMs,
		stalledIntervalMs: settings.stalledJobs.stalledIntervalMs,
	};
}
