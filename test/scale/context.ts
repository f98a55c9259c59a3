import type { N8nInstall } from '../../scripts/n8n/ensure-n8n';
import type { EmulatorHandle } from '../emulator/server';
import type { Checks } from './checks';
import type { QueueCluster } from './cluster/cluster';
import type { ExecutionsDb } from './executions-db';
import type { Figures } from './figures';

/** Everything a stage of the scenario works with. */
export interface ScenarioContext {
	install: N8nInstall;
	cluster: QueueCluster;
	db: ExecutionsDb;
	emulator: EmulatorHandle;
	credentials: { clientId: string; clientSecret: string };
	/** Workflow ids and webhook URLs created by the setup stage. */
	workflows: { imageId: string; imageUrl: string; videoId: string; videoUrl: string };
	checks: Checks;
	figures: Figures;
	log: (line: string) => void;
	settings: ScenarioSettings;
}

export interface ScenarioSettings {
	calls: number;
	clientConcurrency: number;
	workerConcurrency: number;
	latencyMs: number;
	largeOutputBytes: number;
	crashBatchCalls: number;
	crashLatencyMs: number;
	stalledJobs: { lockDurationMs: number; lockRenewMs: number; stalledIntervalMs: number };
}

/** Keys of the txt2img fixture the webhook body is mapped to. */
export const PROMPT_KEY = '6-inputs-text';
export const SEED_KEY = '3-inputs-seed';

/** Stages after the setup need its workflows; without them they fail with this reason, not with noise. */
export function requireWorkflows(ctx: ScenarioContext): void {
	if (!ctx.workflows.imageUrl) throw new Error('The setup stage did not create the ViewComfy workflows (see its failure above); nothing to run.');
}
