/**
 * One large output through the node, and n8n's own cost of storing such an output, which bounds
 * what any node can reach in n8n's in-memory binary mode.
 */
import type { IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';

import { LARGE_OUTPUT_NAME } from '../../test/emulator/server/outputs/large';
import { runWorkflowNode } from '../../test/harness/runWorkflow';
import type { BinaryMode, EmulatorUrls, MeasurementResult, ResultMode } from '../spec';
import { check, timed } from './timed';
import { checkLargeOutput, runViewComfy } from './viewComfyRun';

export async function measureNodeLargeOutput(spec: {
	urls: EmulatorUrls;
	mode: ResultMode;
	binaryMode: BinaryMode;
	sizeBytes: number;
	sha256: string;
}): Promise<MeasurementResult> {
	const { mode, binaryMode } = spec;
	await (await runViewComfy({ endpointUrl: spec.urls.warm, mode, binaryMode })).dispose();
	const { value: run, result } = await timed(async () => await runViewComfy({ endpointUrl: spec.urls.measured, mode, binaryMode }));
	await checkLargeOutput(run, spec.sizeBytes, spec.sha256);
	await run.dispose();
	return result;
}

/** The bytes the store node hands to n8n; prepared before the measurement starts. */
let prepared: Buffer = Buffer.alloc(0);

/** Test-only node: hands one ready Buffer to n8n's prepareBinaryData, nothing else. */
const storeNode: INodeType = {
	description: {
		displayName: 'Store Prepared Bytes',
		name: 'storePreparedBytes',
		group: ['transform'],
		version: 1,
		description: 'Benchmark reference: n8n storing a ready buffer',
		defaults: { name: 'Store' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	},
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const data = await this.helpers.prepareBinaryData(prepared, LARGE_OUTPUT_NAME, 'video/mp4');
		return [[{ json: {}, binary: { data }, pairedItem: { item: 0 } }]];
	},
};

export async function measureN8nStore(binaryMode: BinaryMode, sizeBytes: number): Promise<MeasurementResult> {
	const store = async () => {
		const run = await runWorkflowNode({ node: { typeName: 'bench.store', type: storeNode, name: 'Store' }, binaryMode });
		check(run.status === 'success', `the store run ended with status ${run.status}`);
		return run;
	};
	prepared = Buffer.alloc(1024, 1);
	await (await store()).dispose();
	prepared = Buffer.alloc(sizeBytes, 7);
	const { value: run, result } = await timed(store);
	check((await run.binaryBuffer(run.items[0])).length === sizeBytes, 'n8n stored a different number of bytes');
	await run.dispose();
	return result;
}
