import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { SeedMode } from '../helpers/interfaces';
import { mapInOrder } from '../helpers/mapInOrder';
import { buildParams } from '../helpers/params';
import { assertRunSucceeded } from '../helpers/runStatus';
import { infer, type InferConnection } from '../transport/infer';
import { readConnection } from './connection';
import { errorItemJson, toNodeError } from './nodeErrors';
import {
	readAdditionalParameters,
	readFieldValues,
	readFileParts,
	readWorkflow,
	type WorkflowSource,
} from './readItemInputs';
import { buildOutputItems, type OutputMode } from './writeOutputs';

export { runWorkflowProperties as description } from './runWorkflow.description';

interface RunOptions {
	concurrency?: number;
	includePrompt?: boolean;
	includeLogs?: boolean;
	maxOutputSizeMb?: number;
	maxRetries?: number;
	maxRetryWaitSeconds?: number;
	binaryPropertyName?: string;
	randomizeSeed?: SeedMode;
	retryInterruptedStreams?: boolean;
	timeoutMinutes?: number;
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const node = this.getNode();
	const connection = await readConnection(this);
	const continueOnFail = this.continueOnFail();
	const { concurrency = 1 } = this.getNodeParameter('options', 0, {}) as RunOptions;

	const settled = await mapInOrder(
		items.length,
		concurrency,
		async (itemIndex) => await runItem(this, itemIndex, connection),
		{ stopOnError: !continueOnFail },
	);

	const returnData: INodeExecutionData[] = [];
	for (const [itemIndex, outcome] of settled.entries()) {
		if (!outcome) continue;
		if (outcome.ok) {
			returnData.push(...outcome.value);
			continue;
		}
		const nodeError = toNodeError(node, outcome.error, {
			itemIndex,
			itemCount: items.length,
			secret: connection.clientSecret,
		});
		if (!continueOnFail) throw nodeError;
		returnData.push({
			json: errorItemJson(nodeError, outcome.error),
			pairedItem: { item: itemIndex },
		});
	}
	return returnData;
}

async function runItem(
	ctx: IExecuteFunctions,
	itemIndex: number,
	connection: InferConnection,
): Promise<INodeExecutionData[]> {
	const source = ctx.getNodeParameter('workflowSource', itemIndex) as WorkflowSource;
	const options = ctx.getNodeParameter('options', itemIndex, {}) as RunOptions;
	const workflow = await readWorkflow(ctx, itemIndex, { required: false });
	const files = await readFileParts(ctx, itemIndex);

	const { params, randomizedSeeds } = buildParams({
		workflow,
		fields: readFieldValues(ctx, itemIndex),
		fieldsSource: source === 'paste' ? 'Workflow Parameters' : 'Parameters',
		additional: readAdditionalParameters(ctx, itemIndex),
		additionalSource: 'Additional Parameters (JSON)',
		fileKeys: files.map((file) => file.key).filter((key) => !key.endsWith('-viewcomfymask')),
		seedMode: options.randomizeSeed ?? 'whenEmpty',
	});

	const stream = ctx.getNodeParameter('resultMode', itemIndex, 'wait') === 'stream';
	const sendOverride =
		workflow !== undefined &&
		(ctx.getNodeParameter('sendWorkflowOverride', itemIndex, false) as boolean);
	const nodeName = ctx.getNode().name;

	const result = await infer(
		connection,
		{
			params,
			logs: stream,
			workflowApi: sendOverride ? JSON.stringify(workflow) : undefined,
			files,
		},
		{
			timeoutMs: (options.timeoutMinutes ?? 40) * 60_000,
			signal: ctx.getExecutionCancelSignal?.(),
			maxRetries: options.maxRetries ?? 8,
			maxRetryWaitMs: (options.maxRetryWaitSeconds ?? 600) * 1000,
			maxOutputBytes: (options.maxOutputSizeMb ?? 2048) * 1024 * 1024,
			retryInterruptedStreams: options.retryInterruptedStreams ?? false,
			onLog: (line) => ctx.logger.info(`[ViewComfy] ${line}`, { node: nodeName, itemIndex }),
			onRetry: ({ attempt, delayMs, reason }) =>
				ctx.logger.warn(
					`[ViewComfy] ${reason}; retry ${attempt} in ${Math.round(delayMs / 100) / 10} s`,
					{ node: nodeName, itemIndex },
				),
		},
	);
	for (const text of result.errorEvents) {
		ctx.logger.warn(`[ViewComfy] error event during the run: ${text}`, { node: nodeName, itemIndex });
	}
	assertRunSucceeded(result.meta);

	const extraJson: IDataObject = { params, randomizedSeeds };
	if (stream && (options.includeLogs ?? true)) extraJson.logs = result.logs;
	if (result.errorEvents.length) extraJson.errorEvents = result.errorEvents;
	return await buildOutputItems(ctx, itemIndex, result, {
		outputMode: ctx.getNodeParameter('outputMode', itemIndex, 'itemPerFile') as OutputMode,
		binaryProperty: options.binaryPropertyName || 'data',
		includePrompt: options.includePrompt ?? false,
		extraJson,
	});
}
