import { createRequire } from 'node:module';
/**
 * Runs the real ViewComfy node (its execute path, n8n-core's engine and binary helpers) through
 * the test harness, with the benchmark's credentials and parameters.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { INodeExecutionData } from 'n8n-workflow';

import { ViewComfyApi } from '../../credentials/ViewComfyApi.credentials';
import { LARGE_OUTPUT_NAME } from '../../test/emulator/server/outputs/large';
import { runWorkflowNode, type RunResult } from '../../test/harness/runWorkflow';
import { BENCH_CLIENT_ID, BENCH_CLIENT_SECRET, BENCH_PARAMS } from '../benchRequest';
import type { BinaryMode, ResultMode } from '../spec';
import { check } from './timed';

const WORKFLOW_JSON = readFileSync(resolve(__dirname, '../../test/fixtures/workflows/txt2img.json'), 'utf8');
// Named with its extension: plain `ViewComfy.node` resolves to ViewComfy.node.json (the codex
// file next to it) under tsx, which the benchmark children run with.
const { ViewComfy } = createRequire(__filename)(resolve(__dirname, '../../nodes/ViewComfy/ViewComfy.node.ts')) as typeof import('../../nodes/ViewComfy/ViewComfy.node');
const node = { typeName: 'n8n-nodes-viewcomfy.viewComfy', type: new ViewComfy(), name: 'ViewComfy' };
const credentialType = new ViewComfyApi();

export interface ViewComfyRun {
	endpointUrl: string;
	/** Run on the hosted API at this origin (the emulator's), with `endpointUrl` as the deployment. */
	hostedApiUrl?: string;
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
				data: {
					endpointUrl: run.endpointUrl,
					clientId: BENCH_CLIENT_ID,
					clientSecret: BENCH_CLIENT_SECRET,
					...(run.hostedApiUrl ? { apiType: 'hosted', hostedApiUrl: run.hostedApiUrl } : {}),
				},
			},
		},
		parameters: {
			operation: 'runWorkflow',
			workflowSource: 'paste',
			workflowJson: WORKFLOW_JSON,
			parameters: { mappingMode: 'defineBelow', value: { ...BENCH_PARAMS }, matchingColumns: [], schema: [] },
			resultMode: run.mode,
			outputMode: 'itemPerFile',
			// Hosted: the first status poll comes 50 ms after the submit, not the default 2 s.
			options: { concurrency: run.concurrency ?? 1, ...(run.hostedApiUrl ? { pollIntervalSeconds: 0.05 } : {}) },
		},
	});
	if (result.error) throw new Error(`The ViewComfy node failed: ${result.error.message}`);
	check(result.status === 'success', `the execution ended with status ${result.status}`);
	return result;
}

/** Checks that n8n holds the large output whole, byte for byte (a wrong figure must not be reported). */
export async function checkLargeOutput(result: RunResult, sizeBytes: number, sha256: string): Promise<void> {
	const item = itemWithFile(result, LARGE_OUTPUT_NAME);
	check((item.json.file as { fileSize?: number }).fileSize === sizeBytes, `file size ${JSON.stringify(item.json.file)}`);
	const bytes = await result.binaryBuffer(item);
	check(bytes.length === sizeBytes, `n8n holds ${bytes.length} bytes, expected ${sizeBytes}`);
	check(createHash('sha256').update(bytes).digest('hex') === sha256, 'the output bytes differ from what the emulator sent');
}

/** The output item that carries the file called `fileName`. */
export function itemWithFile(result: RunResult, fileName: string): INodeExecutionData {
	const item = result.items.find((candidate) => (candidate.json.file as { fileName?: string } | undefined)?.fileName === fileName);
	check(item !== undefined, `no output item carries ${fileName}`);
	return item;
}
