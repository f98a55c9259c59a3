import { randomUUID } from 'node:crypto';
import type { WorkflowSpec } from '../../scripts/n8n/instance';

/** Node type of the package under test, as n8n registers a community node. */
export const VIEWCOMFY_NODE_TYPE = 'n8n-nodes-viewcomfy.viewComfy';

function webhookTrigger(path: string) {
	return {
		id: randomUUID(),
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2.1,
		position: [0, 0],
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path, responseMode: 'responseNode', options: {} },
	};
}

function chain(...names: string[]): Record<string, unknown> {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i < names.length - 1; i++) {
		connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	}
	return connections;
}

/**
 * Queue mode without the package: webhook → Code (runs in the worker's task runner) → JSON
 * answer. Proves the infrastructure alone; a failure here is n8n or the setup, not the node.
 */
export function codeNodeWorkflow(path: string): WorkflowSpec {
	return {
		name: 'scale: queue-mode probe (Code node)',
		nodes: [
			webhookTrigger(path),
			{
				id: randomUUID(),
				name: 'Code',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: {
					mode: 'runOnceForEachItem',
					jsCode: 'const body = $json.body;\nreturn { json: { echo: body.prompt, seed: body.seed, executionId: $execution.id } };',
				},
			},
			{
				id: randomUUID(),
				name: 'Respond',
				type: 'n8n-nodes-base.respondToWebhook',
				typeVersion: 1.5,
				position: [440, 0],
				parameters: { respondWith: 'firstIncomingItem', options: EXECUTION_ID_HEADER },
			},
		],
		connections: chain('Webhook', 'Code', 'Respond'),
		settings: { executionOrder: 'v1' },
	};
}

/**
 * Every answer names the execution that produced it, so a response can be matched to the
 * execution record and to the worker that ran it.
 */
const EXECUTION_ID_HEADER = { responseHeaders: { entries: [{ name: 'x-execution-id', value: '={{ $execution.id }}' }] } };

export interface ViewComfyWorkflowOptions {
	name: string;
	path: string;
	credential: { id: string; name: string };
	/** workflow_api.json text pasted into the node. */
	workflowJson: string;
	promptKey: string;
	seedKey: string;
	/**
	 * `image`: one item per file, answer with the first (the image). `video`: all files on one
	 * item, answer with the video among them (the large file the emulator adds).
	 */
	answer: 'image' | 'video';
}

/** webhook {prompt, seed} → ViewComfy Run Workflow → Respond to Webhook with an output file. */
export function viewComfyWorkflow(options: ViewComfyWorkflowOptions): WorkflowSpec {
	return {
		name: options.name,
		nodes: [
			webhookTrigger(options.path),
			{
				id: randomUUID(),
				name: 'ViewComfy',
				type: VIEWCOMFY_NODE_TYPE,
				typeVersion: 1,
				position: [220, 0],
				credentials: { viewComfyApi: options.credential },
				parameters: {
					operation: 'runWorkflow',
					workflowSource: 'paste',
					workflowJson: options.workflowJson,
					parameters: {
						mappingMode: 'defineBelow',
						value: { [options.promptKey]: '={{ $json.body.prompt }}', [options.seedKey]: '={{ $json.body.seed }}' },
						matchingColumns: [],
						schema: [],
					},
					resultMode: 'wait',
					outputMode: options.answer === 'image' ? 'itemPerFile' : 'allOnOneItem',
					options: { randomizeSeed: 'never', binaryPropertyName: 'data' },
				},
			},
			{
				id: randomUUID(),
				name: 'Respond',
				type: 'n8n-nodes-base.respondToWebhook',
				typeVersion: 1.5,
				position: [440, 0],
				parameters: {
					respondWith: 'binary',
					responseDataSource: 'set',
					inputFieldName: options.answer === 'image' ? 'data' : "={{ Object.keys($binary).find((k) => $binary[k].mimeType.startsWith('video/')) }}",
					options: EXECUTION_ID_HEADER,
				},
			},
		],
		connections: chain('Webhook', 'ViewComfy', 'Respond'),
		settings: { executionOrder: 'v1' },
	};
}
