import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../scripts/n8n/paths';
import type { WorkflowSpec } from '../../../scripts/n8n/instance';
import type { QueueCluster } from '../cluster/cluster';
import { PROMPT_KEY, SEED_KEY, type ScenarioContext } from '../context';
import { viewComfyWorkflow } from '../workflows';

export const TXT2IMG_FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'workflows', 'txt2img.json');

/** Creates a workflow through the public API and publishes it; returns its id and webhook URL. */
export async function publishWebhookWorkflow(cluster: QueueCluster, workflow: WorkflowSpec, path: string): Promise<{ id: string; url: string }> {
	const { id } = await cluster.client.api<{ id: string }>('POST', '/workflows', workflow);
	// Waits for the triggers too: newer n8n publishes in the background.
	await cluster.client.activateWorkflow(id);
	return { id, url: `${cluster.baseUrl}/webhook/${path}` };
}

/** The ViewComfy credential (through the public API, so n8n encrypts it) and the two webhook workflows. */
export async function setupViewComfy(ctx: ScenarioContext): Promise<void> {
	const credential = await ctx.cluster.client.api<{ id: string; name: string }>('POST', '/credentials', {
		name: 'ViewComfy (emulator)',
		type: 'viewComfyApi',
		data: {
			endpointUrl: ctx.emulator.url,
			clientId: ctx.credentials.clientId,
			clientSecret: ctx.credentials.clientSecret,
			// n8n 2.x adds this field to every credential usable by the HTTP Request node; its public
			// API schema then wants `allowedDomains` unless the choice is given explicitly.
			allowedHttpRequestDomains: 'all',
		},
	});
	const common = {
		credential: { id: credential.id, name: credential.name },
		workflowJson: readFileSync(TXT2IMG_FIXTURE, 'utf8'),
		promptKey: PROMPT_KEY,
		seedKey: SEED_KEY,
	};
	const image = await publishWebhookWorkflow(ctx.cluster, viewComfyWorkflow({ ...common, name: 'scale: prompt → image', path: 'scale-image', answer: 'image' }), 'scale-image');
	const video = await publishWebhookWorkflow(ctx.cluster, viewComfyWorkflow({ ...common, name: 'scale: prompt → video', path: 'scale-video', answer: 'video' }), 'scale-video');
	ctx.workflows = { imageId: image.id, imageUrl: image.url, videoId: video.id, videoUrl: video.url };
}
