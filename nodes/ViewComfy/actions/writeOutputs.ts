import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { inferMimeType, sanitizeFileName } from '../helpers/fileName';
import type { DecodedOutput, InferResult } from '../helpers/interfaces';
import { fileMetadata, planOutputItems, type OutputFileInfo, type OutputMode } from '../helpers/outputPlan';
import { runsAsTool } from './toolCall';

/** The options of Run Workflow and Get Results that shape the output items. */
export interface OutputOptions {
	binaryPropertyName?: string;
	includePrompt?: boolean;
}

/**
 * Turns one run's decoded outputs into n8n items with binary data, in ViewComfy's order, as the
 * item's Output Mode says; `extraJson` goes on every item.
 */
export async function buildOutputItems(
	ctx: IExecuteFunctions,
	itemIndex: number,
	result: InferResult,
	options: OutputOptions,
	extraJson: IDataObject,
): Promise<INodeExecutionData[]> {
	const outputMode = ctx.getNodeParameter('outputMode', itemIndex, 'itemPerFile') as OutputMode;
	const { meta, outputs } = result;
	const files: OutputFileInfo[] = outputs.map((output, index) => {
		const fileName = sanitizeFileName(output.filename, `output_${index}`);
		return {
			index,
			fileName,
			mimeType: inferMimeType(fileName, output.contentType),
			fileSize: output.byteLength,
		};
	});

	const runJson: IDataObject = {
		prompt_id: meta.prompt_id,
		status: meta.status,
		completed: meta.completed,
		execution_time_seconds: meta.execution_time_seconds,
		...extraJson,
	};
	// As an agent's tool the JSON is what the model reads: the executed workflow and the log lines
	// would cost it thousands of tokens and tell it nothing it can act on.
	if (runsAsTool(ctx)) delete runJson.logs;
	else if (options.includePrompt) runJson.prompt = meta.prompt as IDataObject;

	const items: INodeExecutionData[] = [];
	for (const planned of planOutputItems(files, outputMode, options.binaryPropertyName)) {
		const binary: IBinaryKeyData = {};
		for (const { property, file } of planned.files) {
			const output = outputs[file.index];
			binary[property] = await ctx.helpers.prepareBinaryData(takeBytes(output), file.fileName, file.mimeType);
		}
		const json: IDataObject =
			outputMode === 'itemPerFile' && planned.files.length === 1
				? { ...runJson, file: fileMetadata(planned.files[0].file) as IDataObject }
				: { ...runJson, files: planned.files.map(({ file }) => fileMetadata(file) as IDataObject) };
		items.push({
			json,
			...(planned.files.length ? { binary } : {}),
			pairedItem: { item: itemIndex },
		});
	}
	return items;
}

/**
 * Hands the decoded chunks to n8n as one Buffer and drops our reference to them. Not a stream:
 * a Readable n8n accepts in all its binary modes needs node:stream, which n8n Cloud's rules
 * forbid (see docs/performance.md for what that costs in filesystem mode).
 */
function takeBytes(output: DecodedOutput): Buffer {
	const chunks = output.chunks;
	output.chunks = [];
	if (chunks.length === 1) return chunks[0];
	return Buffer.concat(chunks, output.byteLength);
}
