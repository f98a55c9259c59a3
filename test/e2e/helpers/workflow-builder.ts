import { randomBytes } from 'node:crypto';
import type { WorkflowSpec } from '../../../scripts/n8n/instance';

export interface NodeSpec {
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	/** 'continueRegularOutput' is the editor's "On Error: Continue". */
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	webhookId?: string;
}

/** n8n ids are 16 alphanumerics; a fixed id lets `n8n execute --id` find an imported workflow. */
export function n8nId(): string {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	return Array.from(randomBytes(16), (byte) => alphabet[byte % alphabet.length]).join('');
}

/** A workflow whose nodes run in the given order, each feeding the next through its main output. */
export function chainWorkflow(name: string, nodes: NodeSpec[]): WorkflowSpec {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < nodes.length; i++) {
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	return {
		id: n8nId(),
		name,
		nodes: nodes.map((node, i) => ({ id: `node-${i}`, position: [i * 220, 0], ...node })),
		connections,
		settings: { executionOrder: 'v1' },
	};
}

/** For the public API, which rejects `id` and other read-only fields on create. */
export function forPublicApi(workflow: WorkflowSpec): Pick<WorkflowSpec, 'name' | 'nodes' | 'connections' | 'settings'> {
	return { name: workflow.name, nodes: workflow.nodes, connections: workflow.connections, settings: workflow.settings ?? {} };
}

export const manualTrigger = (): NodeSpec => ({
	name: 'When clicking Execute',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	parameters: {},
});

export const codeNode = (name: string, jsCode: string): NodeSpec => ({
	name,
	type: 'n8n-nodes-base.code',
	typeVersion: 2,
	parameters: { jsCode },
});
