import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CredentialSpec } from '../../../scripts/n8n/instance';
import { REPO_ROOT } from '../../../scripts/n8n/paths';
import type { NodeSpec } from './workflow-builder';

/** Recognisable, so a scan of everything n8n recorded can prove it never leaked. */
export const E2E_CLIENT_ID = 'e2e-client-7c1f';
export const E2E_SECRET = 'e2e-SECRET-d41d8cd98f';

export const CREDENTIAL_REF = { id: 'ViewComfyE2eCred', name: 'ViewComfy (local emulator)' };

export function viewComfyCredential(endpointUrl: string, clientSecret = E2E_SECRET, ref = CREDENTIAL_REF): CredentialSpec {
	return { ...ref, type: 'viewComfyApi', data: { endpointUrl, clientId: E2E_CLIENT_ID, clientSecret } };
}

/** A workflow_api.json from test/fixtures/workflows, as the text a user pastes. */
export function fixtureWorkflowText(name: 'txt2img' | 'img2img'): string {
	return readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'workflows', `${name}.json`), 'utf8');
}

/** The resource mapper value the editor writes for "Workflow Parameters" (paste source). */
export function mappedParameters(value: Record<string, string | number | boolean>): Record<string, unknown> {
	return { mappingMode: 'defineBelow', value, matchingColumns: [], schema: [] };
}

/** The ViewComfy node (Run Workflow, pasted workflow) with the e2e credential; `parameters` override. */
export function viewComfyNode(parameters: Record<string, unknown>, extra: Partial<NodeSpec> = {}): NodeSpec {
	return {
		name: 'ViewComfy',
		type: 'n8n-nodes-viewcomfy.viewComfy',
		typeVersion: 1,
		parameters: { operation: 'runWorkflow', workflowSource: 'paste', ...parameters },
		credentials: { viewComfyApi: CREDENTIAL_REF },
		...extra,
	};
}

/** What an output item (or a tool message) says of a PNG output as a link (Download Files off, or as a tool on the hosted API). */
export const linkedPngOutput = (emulatorOrigin: string) => ({
	status: 'success',
	url: expect.stringContaining(`${emulatorOrigin}/__hosted-files/`),
	fileName: expect.stringMatching(/\.png$/),
	mimeType: 'image/png',
	fileSize: expect.any(Number),
	expiresAt: expect.any(String),
});
