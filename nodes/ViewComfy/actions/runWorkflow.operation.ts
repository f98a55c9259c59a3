import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { InferRequest, SeedMode } from '../helpers/interfaces';
import { mapInOrder } from '../helpers/mapInOrder';
import { buildParams } from '../helpers/params';
import { assertRunSucceeded } from '../helpers/runStatus';
import { UserInputError } from '../helpers/userInputError';
import { infer, type InferConnection } from '../transport/direct/infer';
import { n8nHttpOf } from '../transport/http/n8nHttp';
import { readApiConnection, type ApiConnection } from './connection';
import { failedItem } from './continueOnFail';
import type { HostedOptionValues } from './hostedCallOptions';
import { runHostedItem } from './runWorkflowHosted';
import { readAppFieldValues, APP_SOURCE } from '../helpers/viewComfyApp';
import {
	readAdditionalParameters,
	readAppFileParts,
	readFieldValues,
	readFileParts,
	readItemWorkflow,
	type WorkflowSource,
} from './readItemInputs';
import { BinaryDataSinks } from './binaryDataSinks';
import { buildOutputItems, type OutputOptions } from './writeOutputs';

export { runWorkflowProperties as description } from './runWorkflow.description';

export interface RunOptions extends OutputOptions, Pick<HostedOptionValues, 'downloadFiles'> {
	concurrency?: number;
	includeLogs?: boolean;
	maxOutputSizeMb?: number;
	maxRetries?: number;
	maxRetryWaitSeconds?: number;
	randomizeSeed?: SeedMode;
	retryInterruptedStreams?: boolean;
	timeoutMinutes?: number;
	pollIntervalSeconds?: number;
	maxPollIntervalSeconds?: number;
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const api = await readApiConnection(this);
	const secret = api.api === 'direct' ? api.connection.clientSecret : api.client.secret;
	const continueOnFail = this.continueOnFail();
	const { concurrency = 1 } = this.getNodeParameter('options', 0, {}) as RunOptions;

	const settled = await mapInOrder(
		items.length,
		concurrency,
		async (itemIndex) => await runItem(this, itemIndex, api),
		{ stopOnError: !continueOnFail },
	);

	const returnData: INodeExecutionData[] = [];
	for (const [itemIndex, outcome] of settled.entries()) {
		if (!outcome) continue;
		if (outcome.ok) returnData.push(...outcome.value);
		else returnData.push(failedItem(this, outcome.error, { itemIndex, itemCount: items.length, secret }));
	}
	return returnData;
}

async function runItem(
	ctx: IExecuteFunctions,
	itemIndex: number,
	api: ApiConnection,
): Promise<INodeExecutionData[]> {
	const source = ctx.getNodeParameter('workflowSource', itemIndex) as WorkflowSource;
	const options = ctx.getNodeParameter('options', itemIndex, {}) as RunOptions;
	// Before any file input is fetched: the run could not give what was asked.
	if (api.api === 'direct' && options.downloadFiles === false) {
		throw new UserInputError('Download Files can only be turned off with the ViewComfy hosted API', {
			field: 'Options → Download Files',
			hint: 'A direct deployment sends its files inside its answer, so there is no link to output instead. Turn Download Files on (or remove the option), or set API to "ViewComfy Hosted API" in the credential.',
		});
	}
	const { workflow, app } = await readItemWorkflow(ctx, itemIndex, { required: false });
	const files = await readFileParts(ctx, itemIndex);
	let fields = readFieldValues(ctx, itemIndex);
	let seedKeys: string[] | undefined;
	const fieldsSource = app ? 'App Inputs' : source === 'paste' ? 'Workflow Parameters' : 'Parameters';
	if (app) {
		// The app's image, video and audio fields name binary properties: those are sent as files.
		const appValues = readAppFieldValues(app, fields, fieldsSource);
		files.push(...(await readAppFileParts(ctx, itemIndex, appValues.files)));
		fields = appValues.fields;
		if (appValues.seedKeys.length > 0) seedKeys = appValues.seedKeys;
	}

	const { params, randomizedSeeds } = buildParams({
		workflow,
		fields,
		fieldsSource,
		additional: readAdditionalParameters(ctx, itemIndex),
		additionalSource: 'Additional Parameters (JSON)',
		// Mask parts included: buildParams knows their suffix and checks the key they belong to.
		fileKeys: files.map((file) => file.key),
		fileKeysSource: app ? `File Inputs or ${fieldsSource} of ${APP_SOURCE}` : 'File Inputs',
		seedMode: options.randomizeSeed ?? 'whenEmpty',
		seedKeys,
	});

	const sendOverride =
		workflow !== undefined &&
		(ctx.getNodeParameter('sendWorkflowOverride', itemIndex, false) as boolean);
	const request = { params, workflowApi: sendOverride ? JSON.stringify(workflow) : undefined, files };
	if (api.api === 'hosted') {
		return await runHostedItem(ctx, itemIndex, api.client, request, options, { params, randomizedSeeds });
	}
	if (!ctx.getNodeParameter('waitForCompletion', itemIndex, true)) {
		throw new UserInputError('Wait for Completion can only be turned off with the ViewComfy hosted API', {
			field: 'Wait for Completion',
			hint: 'A direct deployment answers only when the run is done. Turn Wait for Completion on, or set API to "ViewComfy Hosted API" in the credential.',
		});
	}
	return await runDirectItem(ctx, itemIndex, api.connection, request, options, { params, randomizedSeeds });
}

async function runDirectItem(
	ctx: IExecuteFunctions,
	itemIndex: number,
	connection: InferConnection,
	request: Omit<InferRequest, 'logs'>,
	options: RunOptions,
	extraJson: IDataObject,
): Promise<INodeExecutionData[]> {
	const stream = ctx.getNodeParameter('resultMode', itemIndex, 'wait') === 'stream';
	// Output files go to n8n's binary store while they arrive; a failed call's are awaited here.
	const sinks = new BinaryDataSinks(ctx);
	try {
		return await runDirectCall(ctx, itemIndex, connection, { ...request, logs: stream }, options, extraJson, sinks);
	} finally {
		await sinks.settle();
	}
}

async function runDirectCall(
	ctx: IExecuteFunctions,
	itemIndex: number,
	connection: InferConnection,
	request: InferRequest,
	options: RunOptions,
	extraJson: IDataObject,
	sinks: BinaryDataSinks,
): Promise<INodeExecutionData[]> {
	const stream = request.logs;
	const nodeName = ctx.getNode().name;
	const result = await infer(
		connection,
		request,
		{
			http: n8nHttpOf(ctx),
			openOutputSink: sinks.open,
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

	if (stream && (options.includeLogs ?? true)) extraJson.logs = result.logs;
	if (result.errorEvents.length) extraJson.errorEvents = result.errorEvents;
	return await buildOutputItems(ctx, itemIndex, result, options, extraJson);
}
