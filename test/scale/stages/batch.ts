import { requireWorkflows, type ScenarioContext } from '../context';
import { fireBatch, makeCalls } from '../load';
import { CpuWatch } from '../proc-cpu';
import { checkOneRequestPerCall, executionsByWorker, sample, wrongImages } from './verify-answers';

export interface BatchOutcome {
	wallMs: number;
	perWorker: Record<string, number>;
	/** CPU seconds each part of the installation used during the batch. */
	cpuS: Record<string, number>;
	/** Share of the machine's CPU time that was busy during the batch (any process), 0-1. */
	machineBusy: number;
	callMs: { p50: number; p95: number };
}

function percentile(sorted: number[], p: number): number {
	return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

/**
 * Fires `settings.calls` prompts at the image webhook with bounded concurrency and checks that
 * every answer is the right image, that each ran exactly once and which workers ran them.
 */
export async function imageBatch(ctx: ScenarioContext, label: string, firstSeed: number): Promise<BatchOutcome> {
	requireWorkflows(ctx);
	const { calls: count, clientConcurrency } = ctx.settings;
	const calls = makeCalls(label, count, firstSeed);
	const marker = await ctx.db.maxExecutionId();
	ctx.emulator.clearRequests();
	const cpu = new CpuWatch(ctx.cluster.processes());
	const ownCpu = process.cpuUsage();
	cpu.start();
	const { answers, wallMs } = await fireBatch(ctx.workflows.imageUrl, calls, clientConcurrency);
	const own = process.cpuUsage(ownCpu);
	const machineBusy = cpu.machineBusy();
	const cpuS = { ...cpu.stop(), 'emulator + test client': (own.user + own.system) / 1e6 };
	const requests = [...ctx.emulator.requests];
	ctx.log(`  ${label}: ${count} calls in ${(wallMs / 1000).toFixed(2)} s`);

	const notOk = answers.filter((a) => a.status !== 200).map((a) => `"${a.call.prompt}": ${a.status ?? a.error} ${a.body.toString('utf8').slice(0, 200)}`);
	ctx.checks.check(`${label}: all ${count} webhook calls answered 200`, notOk.length === 0, notOk.length ? sample(notOk) : '');
	checkOneRequestPerCall(ctx, label, calls, requests);
	const wrong = await wrongImages(ctx, answers.filter((a) => a.status === 200), requests);
	ctx.checks.check(`${label}: every answer is the PNG ViewComfy made for that call's prompt and seed`, notOk.length === 0 && wrong.length === 0, wrong.length ? sample(wrong) : `${count - notOk.length} of ${count} PNGs compared byte for byte`);
	ctx.emulator.clearRequests();

	const answeredIds = answers.map((a) => a.executionId).filter((id): id is string => !!id);
	const records = await ctx.db.executions(ctx.workflows.imageId, marker);
	const notSuccess = records.filter((r) => r.status !== 'success').map((r) => `${r.id}: ${r.status}`);
	const sameIds = answeredIds.length === count && new Set(answeredIds).size === count && records.every((r) => answeredIds.includes(r.id));
	ctx.checks.check(
		`${label}: n8n recorded exactly ${count} successful executions, one per answer`,
		records.length === count && notSuccess.length === 0 && sameIds,
		`${records.length} records, not successful: ${sample(notSuccess) || 'none'}, ${new Set(answeredIds).size} distinct execution ids in the answers`,
	);

	const { perWorker, unclaimed, claimedTwice } = executionsByWorker(ctx, answeredIds);
	const counts = Object.fromEntries(Object.entries(perWorker).map(([name, ids]) => [name, ids.length]));
	ctx.checks.check(
		`${label}: each execution ran on exactly one worker`,
		answeredIds.length === count && unclaimed.length === 0 && claimedTwice.length === 0,
		`${answeredIds.length} of ${count} answers named their execution; per worker ${JSON.stringify(counts)}; on no worker: ${sample(unclaimed) || 'none'}; on two: ${sample(claimedTwice) || 'none'}`,
	);
	const ms = answers.map((a) => a.ms).sort((a, b) => a - b);
	return { wallMs, perWorker: counts, cpuS, machineBusy, callMs: { p50: percentile(ms, 50), p95: percentile(ms, 95) } };
}
