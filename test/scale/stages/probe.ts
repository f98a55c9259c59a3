import type { ScenarioContext } from '../context';
import { fireBatch, makeCalls } from '../load';
import { codeNodeWorkflow } from '../workflows';
import { executionsByWorker, sample } from './verify-answers';
import { publishWebhookWorkflow } from './setup';

/**
 * Queue mode with n8n's own nodes only (webhook → Code → respond): if this fails, the
 * installation is broken, whatever the ViewComfy node does.
 */
export async function probeQueueMode(ctx: ScenarioContext): Promise<void> {
	const { url } = await publishWebhookWorkflow(ctx.cluster, codeNodeWorkflow('scale-probe'), 'scale-probe');
	const calls = makeCalls('probe', 10, 1);
	const { answers } = await fireBatch(url, calls, ctx.settings.clientConcurrency);
	const wrong = answers
		.filter((a) => {
			if (a.status !== 200) return true;
			const body = JSON.parse(a.body.toString('utf8')) as { echo?: string; seed?: number };
			return body.echo !== a.call.prompt || body.seed !== a.call.seed;
		})
		.map((a) => `"${a.call.prompt}": ${a.status ?? a.error} ${a.body.toString('utf8').slice(0, 200)}`);
	ctx.checks.check('probe: webhook → Code node → respond works in queue mode (main enqueues, a worker runs)', wrong.length === 0, sample(wrong));
	const ids = answers.map((a) => a.executionId ?? '');
	const { unclaimed } = executionsByWorker(ctx, ids);
	ctx.checks.check('probe: every probe execution was run by a worker, not by the main process', unclaimed.length === 0, `not on a worker: ${sample(unclaimed) || 'none'}`);
}
