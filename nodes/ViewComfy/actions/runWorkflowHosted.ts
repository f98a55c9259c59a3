import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { HostedApiClient } from '../transport/hosted/hostedClient';
import type { HostedSubmitRequest } from '../transport/hosted/hostedForm';
import { runHosted, submitHostedRun } from '../transport/hosted/hostedRun';
import { BinaryDataSinks } from './binaryDataSinks';
import { hostedCallOptions } from './hostedCallOptions';
import type { RunOptions } from './runWorkflow.operation';
import { buildOutputItems } from './writeOutputs';

/**
 * Run Workflow on the hosted API. Waiting: submit, poll, download, and the same items as a
 * direct run. Not waiting: one item with the prompt_id at once, for Get Results later.
 */
export async function runHostedItem(
	ctx: IExecuteFunctions,
	itemIndex: number,
	client: HostedApiClient,
	request: HostedSubmitRequest,
	options: RunOptions,
	extraJson: IDataObject,
): Promise<INodeExecutionData[]> {
	const callOptions = hostedCallOptions(ctx, options, itemIndex);
	const wait = ctx.getNodeParameter('waitForCompletion', itemIndex, true) as boolean;
	if (!wait) {
		const submitted = await submitHostedRun(client, request, callOptions);
		const json: IDataObject = { prompt_id: submitted.promptId, status: 'submitted', completed: false, ...extraJson };
		if (submitted.message) json.message = submitted.message;
		return [{ json, pairedItem: { item: itemIndex } }];
	}
	// Stream Logs: the run's console lines over Socket.IO, as in direct mode; polling finishes the run when the socket cannot.
	const stream = ctx.getNodeParameter('resultMode', itemIndex, 'wait') === 'stream';
	const logs: string[] = [];
	if (stream) {
		const meta = { node: ctx.getNode().name, itemIndex };
		callOptions.liveLogs = {
			onLog: (line) => {
				logs.push(line);
				ctx.logger.info(`[ViewComfy] ${line}`, meta);
			},
			onFallback: (reason) =>
				ctx.logger.warn(`[ViewComfy] Stream Logs on the hosted API: no live logs (${reason}); following the run by polling its status`, meta),
		};
	}
	// Downloaded files go to n8n's binary store while they arrive; a failed call's are awaited here.
	const sinks = new BinaryDataSinks(ctx);
	try {
		const { result } = await runHosted(client, request, { ...callOptions, openOutputSink: sinks.open });
		if (stream && (options.includeLogs ?? true)) extraJson.logs = logs;
		return await buildOutputItems(ctx, itemIndex, result, options, extraJson);
	} finally {
		await sinks.settle();
	}
}
