/**
 * The example a developer finds in `npm run dev` and the browser test opens: a Manual Trigger
 * feeding a ViewComfy node with the txt2img workflow pasted and only the prompt changed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CredentialSpec, WorkflowSpec } from '../../../scripts/n8n/instance';
import { REPO_ROOT } from '../../../scripts/n8n/paths';
import { toMapperFields } from '../../../nodes/ViewComfy/helpers/mapperFields';
import { parseWorkflowJson } from '../../../nodes/ViewComfy/helpers/workflow';

export const EXAMPLE_WORKFLOW_ID = 'ViewComfyExampl1';
/** The same node as a user has it right after pasting the workflow: no field values yet. */
export const FRESH_PASTE_WORKFLOW_ID = 'ViewComfyFresh01';
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

/**
 * The resource mapper as the editor stores it once the fields have loaded and the user changed
 * the prompt: every field holds the workflow's value (its defaultValue), the prompt the new text.
 */
function editedMapperValue() {
	const fields = toMapperFields(parseWorkflowJson(txt2imgWorkflowText(), 'txt2img fixture'));
	const value = Object.fromEntries(fields.map((field) => [field.id, field.defaultValue ?? null]));
	value['6-inputs-text'] = EXAMPLE_PROMPT;
	return { mappingMode: 'defineBelow', value, matchingColumns: [], schema: fields };
}

export function exampleWorkflow(): WorkflowSpec {
	return viewComfyWorkflow(EXAMPLE_WORKFLOW_ID, EXAMPLE_WORKFLOW_NAME, editedMapperValue());
}

/** Before the editor has loaded the fields there is no value at all; it fills them on open. */
export function freshPasteWorkflow(): WorkflowSpec {
	return viewComfyWorkflow(FRESH_PASTE_WORKFLOW_ID, 'ViewComfy example: just pasted', {
		mappingMode: 'defineBelow',
		value: null,
	});
}

function viewComfyWorkflow(id: string, name: string, parameters: object): WorkflowSpec {
	return viewComfyNodeWorkflow(id, name, { operation: 'runWorkflow', workflowSource: 'paste', workflowJson: txt2imgWorkflowText(), parameters });
}

/** A Manual Trigger feeding a ViewComfy node with these parameters and the example credential. */
export function viewComfyNodeWorkflow(id: string, name: string, nodeParameters: Record<string, unknown>): WorkflowSpec {
	return {
		id,
		name,
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
				parameters: nodeParameters,
				credentials: { viewComfyApi: { id: EXAMPLE_CREDENTIAL_ID, name: EXAMPLE_CREDENTIAL_NAME } },
			},
		],
		connections: {
			'When clicking ‘Execute workflow’': { main: [[{ node: VIEWCOMFY_NODE_NAME, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}
