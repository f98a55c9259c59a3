import { fileTypeFromMimeType, type IBinaryData, type IBinaryKeyData, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { inferMimeType, sanitizeFileName } from '../helpers/fileName';
import type { DecodedOutput, InferResult } from '../helpers/interfaces';
import { fileMetadata, planOutputItems, type OutputFileInfo, type OutputMode, type PlannedItem } from '../helpers/outputPlan';
import { OutputByteStream, isN8nFileSink, rememberStore, type N8nFileSink } from './binaryDataSinks';
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
	const asTool = runsAsTool(ctx);
	const files: OutputFileInfo[] = outputs.map((output, index) => {
		const fileName = sanitizeFileName(output.filename, `output_${index}`);
		return {
			index,
			fileName,
			mimeType: inferMimeType(fileName, output.contentType),
			fileSize: output.notDownloaded ? output.declaredSize : output.byteLength,
			// The link is shown when it is all there is, and to an agent, which cannot show binary data to its user.
			...(output.link !== undefined && (output.notDownloaded || asTool) ? { link: output.link } : {}),
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
	if (asTool) delete runJson.logs;
	else if (options.includePrompt) runJson.prompt = meta.prompt as IDataObject;

	const items: INodeExecutionData[] = [];
	for (const planned of planOutputItems(files, outputMode, options.binaryPropertyName)) {
		const binary: IBinaryKeyData = {};
		for (const { property, file } of planned.files) {
			const output = outputs[file.index];
			if (output.notDownloaded) continue;
			binary[property] = isN8nFileSink(output.sink) ? await storedBinary(output.sink, file) : await storeBytes(ctx, output, file);
		}
		items.push({
			json: itemJson(runJson, planned.files, outputMode),
			...(Object.keys(binary).length ? { binary } : {}),
			pairedItem: { item: itemIndex },
		});
	}
	return items;
}

/**
 * The run's JSON with what it says of its files. One file per item: under `file`; a file shown by
 * its link has the link and its metadata at the top instead (`url`, `fileName`, `mimeType`,
 * `fileSize`, `expiresAt`), where a posting node's expression looks first, and `file` without the
 * link (so the link appears once).
 */
function itemJson(runJson: IDataObject, planned: PlannedItem['files'], outputMode: OutputMode): IDataObject {
	if (outputMode !== 'itemPerFile' || planned.length !== 1) return { ...runJson, files: planned.map(({ file }) => fileMetadata(file) as IDataObject) };
	const { url, expiresAt, ...file } = fileMetadata(planned[0].file);
	if (url === undefined) return { ...runJson, file: file as IDataObject };
	const { fileName, mimeType, fileSize } = file;
	return { ...runJson, url, fileName, mimeType, ...(fileSize === undefined ? {} : { fileSize }), ...(expiresAt ? { expiresAt } : {}), file: file as IDataObject };
}

/**
 * The file n8n stored while the answer arrived (a direct output's `data`, or a hosted download).
 * Its name and type were taken from the fields before `data`; only an answer that repeats them
 * after `data` can change them, and then the record is corrected the way prepareBinaryData would
 * have set it.
 */
async function storedBinary(sink: N8nFileSink, file: OutputFileInfo): Promise<IBinaryData> {
	// A copy: Get Results gives a run asked for twice to both items, and each item owns its record.
	const binary = { ...(await sink.stored) };
	if (sink.fileName !== file.fileName) {
		binary.fileName = file.fileName;
		const extension = file.fileName.includes('.') ? file.fileName.slice(file.fileName.lastIndexOf('.') + 1) : '';
		if (extension) binary.fileExtension = extension;
	}
	if (sink.mimeType !== file.mimeType) {
		binary.mimeType = file.mimeType;
		binary.fileType = fileTypeFromMimeType(file.mimeType);
	}
	return binary;
}

/** Stores an output whose bytes were collected in memory (no sink took them as they came). */
async function storeBytes(ctx: IExecuteFunctions, output: DecodedOutput, file: OutputFileInfo): Promise<IBinaryData> {
	// n8n reads an OutputByteStream as it would a Readable (see binaryDataSinks.ts).
	const binary = await ctx.helpers.prepareBinaryData(takeBytes(output) as Buffer, file.fileName, file.mimeType);
	rememberStore(binary);
	return binary;
}

/**
 * Hands the decoded chunks to n8n and drops our reference to them, so a large video is held
 * once, not twice. A stream lets n8n's filesystem mode write it to disk without a copy; each
 * chunk is let go once n8n has read it.
 */
function takeBytes(output: DecodedOutput): Buffer | OutputByteStream {
	const chunks = output.chunks;
	output.chunks = [];
	if (chunks.length === 1) return chunks[0];
	if (chunks.length === 0) return Buffer.alloc(0);
	const stream = new OutputByteStream();
	for (const chunk of chunks) stream.write(chunk);
	stream.end();
	return stream;
}
