import { requireWorkflows, type ScenarioContext } from '../context';
import { fireBatch } from '../load';
import { expectedOutputs, sha256 } from '../oracle';
import { MemoryWatch, readMemory } from '../proc-memory';
import { executionsByWorker } from './verify-answers';

const MiB = 1024 * 1024;

/**
 * One run whose output is a large video: the worker downloads and stores it, the main process
 * answers the webhook with it. Nothing but the database connects the two.
 */
export async function largeBinary(ctx: ScenarioContext): Promise<void> {
	requireWorkflows(ctx);
	const { cluster, emulator, settings } = ctx;
	const size = settings.largeOutputBytes;
	const pids = [cluster.mainPid, ...cluster.workers.filter((w) => w.alive).map((w) => w.pid)].filter((p): p is number => !!p);
	const before = new Map(pids.map((pid) => [pid, readMemory(pid)?.rssMiB ?? NaN]));
	emulator.clearRequests();
	emulator.setBehaviour({ outputBytes: size });
	const watch = new MemoryWatch(pids);
	watch.start();
	// fireBatch turns every failure into an answer, so the watch always stops.
	const {
		answers: [answer],
	} = await fireBatch(ctx.workflows.videoUrl, [{ prompt: 'scale large video', seed: 777 }], 1, 300_000);
	const peaks = watch.stop();
	const requests = [...emulator.requests];
	ctx.log(`  large output: ${size / MiB} MiB answered ${answer.status ?? answer.error} in ${(answer.ms / 1000).toFixed(2)} s`);

	const params = requests.find((r) => r.kind === 'infer')?.form?.params;
	emulator.setBehaviour({ latencyMs: 0 });
	const expected = params ? (await expectedOutputs(emulator, ctx.credentials, params)).find((f) => f.size === size) : undefined;
	emulator.resetBehaviour();
	emulator.clearRequests();
	const got = { status: answer.status, bytes: answer.body.length, type: answer.contentType, sha: answer.body.length ? sha256(answer.body) : '' };
	ctx.checks.check(
		`large output: the ${size / MiB} MiB video comes back whole through the main process (sha256 equal)`,
		answer.status === 200 && !!expected && got.bytes === size && got.sha === expected.sha256,
		`HTTP ${got.status ?? answer.error}, ${got.bytes} bytes, ${got.type}, sha256 ${got.sha.slice(0, 16)}… vs ${expected?.sha256.slice(0, 16) ?? 'no reference'}…`,
	);

	const executionId = answer.executionId ?? '';
	const { perWorker } = executionsByWorker(ctx, [executionId]);
	const ranOn = Object.entries(perWorker).find(([, ids]) => ids.length > 0)?.[0];
	const stored = (await ctx.db.binaryFiles()).filter((f) => f.sourceId === executionId);
	ctx.checks.check(
		'large output: a worker ran it and n8n kept the file in PostgreSQL (2.8.4 uses binary data mode "database" in queue mode when N8N_DEFAULT_BINARY_DATA_MODE is unset)',
		!!ranOn && stored.some((f) => f.fileSize === size),
		`execution ${executionId || '?'} on worker ${ranOn ?? '?'}; binary_data rows for it: ${stored.map((f) => `${f.fileName} ${f.fileSize} B`).join(', ') || 'none'}`,
	);

	const mainPid = cluster.mainPid;
	const workerPid = cluster.workers.find((w) => w.name === ranOn)?.pid;
	const figure = (pid: number | undefined) => {
		const peak = pid ? peaks.get(pid) : undefined;
		return { baselineMiB: pid ? before.get(pid) ?? NaN : NaN, peakMiB: peak?.peakMiB ?? NaN, source: peak?.source ?? 'polled RSS' };
	};
	ctx.figures.largeBinary = {
		sizeMiB: size / MiB,
		seconds: answer.ms / 1000,
		worker: ranOn ?? '?',
		main: figure(mainPid),
		workerMemory: figure(workerPid),
	};
	ctx.log(`  peak RSS: main ${ctx.figures.largeBinary.main.peakMiB.toFixed(0)} MiB, worker ${ctx.figures.largeBinary.workerMemory.peakMiB.toFixed(0)} MiB`);
}
