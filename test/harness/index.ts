/**
 * Runs the ViewComfy node in-process through n8n-core's real execution engine. Integration
 * tests, fault tests and benchmarks use it; `runWorkflowNode` runs any other node type the same way.
 */
import { ViewComfyApi } from '../../credentials/ViewComfyApi.credentials';
import { ViewComfy } from '../../nodes/ViewComfy/ViewComfy.node';
import { runWorkflowNode, type RunOptions, type RunResult } from './runWorkflow';

export { formatLogLines, type LogLine } from './capturingLogger';
export type { InputBinary, InputItem } from './inputItemsNode';
export { shutdownN8nRuntime as shutdownHarness, type BinaryMode } from './n8nRuntime';
export { runWorkflowNode, type NodeUnderTest, type RunOptions, type RunResult } from './runWorkflow';

/** The type name n8n gives the node once the community package is installed. */
export const VIEWCOMFY_NODE_TYPE = 'n8n-nodes-viewcomfy.viewComfy';
export const VIEWCOMFY_NODE_NAME = 'ViewComfy';

export interface ViewComfyCredentials {
	endpointUrl: string;
	clientId: string;
	clientSecret: string;
	/** Left out: a direct deployment, as for credentials saved before the choice existed. */
	apiType?: 'direct' | 'hosted';
	hostedApiUrl?: string;
}

export interface RunNodeOptions extends Omit<RunOptions, 'node' | 'credentials'> {
	/** The `viewComfyApi` credential; omitted, the node runs without one. */
	credentials?: ViewComfyCredentials;
}

const viewComfy = new ViewComfy();
const viewComfyApi = new ViewComfyApi();

/** Runs `Input → ViewComfy` once and returns the ViewComfy node's output, error and logs. */
export async function runNode({ credentials, ...options }: RunNodeOptions): Promise<RunResult> {
	return await runWorkflowNode({
		...options,
		node: { typeName: VIEWCOMFY_NODE_TYPE, type: viewComfy, name: VIEWCOMFY_NODE_NAME },
		credentials: credentials && { viewComfyApi: { type: viewComfyApi, data: { ...credentials } } },
	});
}
