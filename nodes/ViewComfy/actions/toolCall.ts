import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * Whether this run is an AI Agent calling the node as a tool. n8n registers a tool variant of
 * every `usableAsTool` node under the node's type name with `Tool` appended
 * (`n8n-nodes-viewcomfy.viewComfyTool`), in 1.x and 2.x alike; what the node outputs then is
 * what the model reads.
 */
export function runsAsTool(ctx: IExecuteFunctions): boolean {
	return ctx.getNode().type.endsWith('Tool');
}
