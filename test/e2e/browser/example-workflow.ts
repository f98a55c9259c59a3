/**
 * The example a developer finds in `npm run dev` and the browser test opens: a Manual Trigger
 * feeding a ViewComfy node with the txt2img workflow pasted and only the prompt changed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CredentialSpec, WorkflowSpec } from '../../../scripts/n8n/instance';
import { REPO_ROOT } from '../../../scripts/n8n/paths';

export const EXAMPLE_WORKFLOW_ID = 'ViewComfyExampl1';
export const EXAMPLE_WORKFLOW_NAME = 'ViewComfy example: txt2img';
export const EXAMPLE_CREDENTIAL_ID = 'ViewComfyEmulat1';
export const EXAMPLE_CREDENTIAL_NAME = 'ViewComfy (local emulator)';
export const VIEWCOMFY_NODE_NAME = 'ViewComfy';
export const EXAMPLE_PROMPT = 'a lighthouse on a cliff at dawn, watercolor';

export function txt2imgWorkflowText(): string {
	return readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'workflows', 'txt2img.json'), 'utf8');
}

export function exampleCredential(endpointUrl: string, clientId: string, clientSecret: string): CredentialSpec {
	return {
		id: EXAMPLE_CREDENTIAL_ID,
		name: EXAMPLE_CREDENTIAL_NAME,
		type: 'viewComfyApi',
		data: { endpointUrl, clientId, clientSecret },
	};
}

export function exampleWorkflow(): WorkflowSpec {
	return {
		id: EXAMPLE_WORKFLOW_ID,
		name: EXAMPLE_WORKFLOW_NAME,
		nodes: [
			{
				id: 'a1b2c3d4-0000-4000-8000-000000000001',
				name: 'When clicking ‘Execute workflow’',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'a1b2c3d4-0000-4000-8000-000000000002',
				name: VIEWCOMFY_NODE_NAME,
				type: 'n8n-nodes-viewcomfy.viewComfy',
				typeVersion: 1,
				position: [260, 0],
				parameters: {
					operation: 'runWorkflow',
					workflowSource: 'paste',
					workflowJson: txt2imgWorkflowText(),
					// Only the prompt is set; the editor fills every other field from the pasted workflow.
					parameters: { mappingMode: 'defineBelow', value: { '6-inputs-text': EXAMPLE_PROMPT }, matchingColumns: [], schema: [] },
				},
				credentials: { viewComfyApi: { id: EXAMPLE_CREDENTIAL_ID, name: EXAMPLE_CREDENTIAL_NAME } },
			},
		],
		connections: {
			'When clicking ‘Execute workflow’': { main: [[{ node: VIEWCOMFY_NODE_NAME, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}
