/**
 * Runs the real ViewComfy node (its execute path, n8n-core's engine and binary helpers) through
 * the test harness, with the benchmark's credentials and parameters.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { INodeExecutionData } from 'n8n-workflow';

import { ViewComfyApi } from '../../credentials/ViewComfyApi.credentials';
import { runWorkflowNode, type RunResult } from '../../test/harness/runWorkflow';
import { BENCH_CLIENT_ID, BENCH_CLIENT_SECRET, BENCH_PARAMS } from '../benchRequest';
import type { BinaryMode, ResultMode } from '../spec';
import { check } from './timed';

const WORKFLOW_JSON = readFileSync(resolve(__dirname, '../../test/fixtures/workflows/txt2img.json'), 'utf8');
// Named with its extension: plain `ViewComfy.node` resolves to ViewComfy.node.json (the codex
// file next to it) under tsx, which the benchmark children run with.
const { ViewComfy } = require(resolve(__dirname, '../../nodes/ViewComfy/ViewComfy.node.ts')) as typeof import('../../nodes/ViewComfy/ViewComfy.node');
const node = { typeName: 'n8n-nodes-viewcomfy.viewComfy', type: new ViewComfy(), name: 'ViewComfy' };
const credentialType = new ViewComfyApi();

export interface ViewComfyRun {
	endpointUrl: string;
	mode: ResultMode;
	binaryMode: BinaryMode;
	items?: number;
	concurrency?: number;
}

export async function runViewComfy(run: ViewComfyRun): Promise<RunResult> {
	const result = await runWorkflowNode({
		node,
		binaryMode: run.binaryMode,
		input: Array.from({ length: run.items ?? 1 }, (_, index) => ({ json: { index } })),
		credentials: {
			viewComfyApi: {
				type: credentialType,
				data: { endpointUrl: run.endpointUrl, clientId: BENCH_CLIENT_ID, clientSecret: BENCH_CLIENT_SECRET },
			},
		},
		parameters: {
			operation: 'runWorkflow',
			workflowSource: 'paste',
			workflowJson: WORKFLOW_JSON,
			parameters: { mappingMode: 'defineBelow', value: { ...BENCH_PARAMS }, matchingColumns: [], schema: [] },
			resultMode: run.mode,
			outputMode: 'itemPerFile',
			options: { concurrency: run.concurrency ?? 1 },
		},
	});
	if (result.error) throw new Error(`The ViewComfy node failed: ${result.error.message}`);
	check(result.status === 'success', `the execution ended with status ${result.status}`);
	return result;
}

/** The output item that carries the file called `fileName`. */
export function itemWithFile(result: RunResult, fileName: string): INodeExecutionData {
	const item = result.items.find((candidate) => (candidate.json.file as { fileName?: string } | undefined)?.fileName === fileName);
	check(item !== undefined, `no output item carries ${fileName}`);
	return item;
}
