import type { IExecuteFunctions } from 'n8n-workflow';

import type { ComfyWorkflow, FilePart } from '../helpers/interfaces';
import { changedMapperValues, type StoredMapper } from '../helpers/mapperFields';
import { DEFAULT_BINARY_PROPERTY } from '../helpers/outputPlan';
import { UserInputError } from '../helpers/userInputError';
import {
	APP_SOURCE,
	isViewComfyFile,
	parseViewComfyFile,
	selectAppWorkflow,
	type AppFileInput,
	type ViewComfyApp,
} from '../helpers/viewComfyApp';
import { assertApiWorkflow, parseJsonText, parseWorkflowJson } from '../helpers/workflow';
import { MASK_SUFFIX, parseAdditionalParameters } from '../helpers/params';
import { DEFAULT_MAX_INPUT_SIZE_MB, parseFileSource } from '../helpers/inputFile';
import { fetchInputFile } from '../transport/http/inputDownload';
import { n8nHttpOf } from '../transport/http/n8nHttp';
import { hostedCallOptions, type HostedOptionValues } from './hostedCallOptions';

/** The node options a file input given as a URL is fetched under. */
interface InputFetchOptions extends HostedOptionValues {
	maxInputSizeMb?: number;
}

export type WorkflowSource = 'deployed' | 'paste' | 'viewComfyApp' | 'binary';

/** What an item runs: the workflow when the node sees it, and the app form when it came from one. */
export interface ItemWorkflow {
	workflow?: ComfyWorkflow;
	app?: ViewComfyApp;
}

function jsonText(ctx: IExecuteFunctions, name: string, itemIndex: number): string {
	const value = ctx.getNodeParameter(name, itemIndex, '') as unknown;
	// The json field hands back an object when an expression produced one.
	return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The workflow (and app) of one item; no workflow for a deployed workflow that the node never sees. */
export async function readItemWorkflow(
	ctx: IExecuteFunctions,
	itemIndex: number,
	{ required }: { required: boolean },
): Promise<ItemWorkflow> {
	const source = ctx.getNodeParameter('workflowSource', itemIndex) as WorkflowSource;
	if (source === 'paste') {
		return { workflow: parseWorkflowJson(jsonText(ctx, 'workflowJson', itemIndex), 'Workflow JSON (workflow_api.json)') };
	}
	if (source === 'viewComfyApp') {
		const file = parseViewComfyFile(jsonText(ctx, 'viewComfyJson', itemIndex), APP_SOURCE);
		const app = selectAppWorkflow(file, ctx.getNodeParameter('appWorkflow', itemIndex, '') as string, APP_SOURCE);
		return { workflow: app.workflow, app };
	}
	if (source === 'binary') {
		const property = ctx.getNodeParameter('workflowBinaryProperty', itemIndex) as string;
		const buffer = await readBinary(ctx, itemIndex, property, 'Input Binary Property');
		const where = `binary property "${property}"`;
		const value = parseJsonText(buffer.toString('utf8'), where, 'workflow_api.json or view_comfy.json');
		if (!isViewComfyFile(value)) return { workflow: assertApiWorkflow(value, where) };
		const title = ctx.getNodeParameter('binaryAppWorkflow', itemIndex, '') as string;
		return { workflow: selectAppWorkflow(value, title, where).workflow };
	}
	if (required) {
		throw new UserInputError('This operation needs the workflow itself', {
			field: 'Workflow Source',
			hint: 'Set Workflow Source to "Paste workflow_api.json" or "From Binary Property": the deployed workflow cannot be read back from ViewComfy.',
		});
	}
	return {};
}

/** The workflow of one item, or undefined for a deployed workflow that the node never sees. */
export async function readWorkflow(
	ctx: IExecuteFunctions,
	itemIndex: number,
	options: { required: boolean },
): Promise<ComfyWorkflow | undefined> {
	return (await readItemWorkflow(ctx, itemIndex, options)).workflow;
}

/**
 * The values stored in a resource mapper, as the editor stored them. Read as the whole parameter:
 * asking n8n for `<name>.value` runs its type check, which turns an empty number field into 0.
 */
function mapperValues(ctx: IExecuteFunctions, name: string, itemIndex: number): Record<string, unknown> {
	const mapper = ctx.getNodeParameter(name, itemIndex, {}) as { value?: Record<string, unknown> | null } | null;
	return { ...(mapper?.value ?? {}) };
}

/** Parameter values the user set in the fields of this item, by flattened key. */
export function readFieldValues(ctx: IExecuteFunctions, itemIndex: number): Record<string, unknown> {
	const source = ctx.getNodeParameter('workflowSource', itemIndex) as WorkflowSource;
	if (source === 'paste') return changedMapperValues(ctx.getNodeParameter('parameters', itemIndex, {}) as StoredMapper | null);
	if (source === 'viewComfyApp') return mapperValues(ctx, 'appInputs', itemIndex);
	const pairs = ctx.getNodeParameter('parameterValues.parameter', itemIndex, []) as Array<{
		key?: string;
		value?: unknown;
	}>;
	const fields: Record<string, unknown> = {};
	for (const [position, pair] of pairs.entries()) {
		const key = (pair.key ?? '').trim();
		if (!key) {
			throw new UserInputError(`Parameter ${position + 1} in Parameters has no key`, {
				field: 'Parameters',
				hint: 'Enter a flattened key such as 6-inputs-text, or remove the empty row.',
			});
		}
		fields[key] = pair.value;
	}
	return fields;
}

export function readAdditionalParameters(
	ctx: IExecuteFunctions,
	itemIndex: number,
): Record<string, unknown> {
	const value = ctx.getNodeParameter('additionalParameters', itemIndex, '{}');
	return parseAdditionalParameters(value, 'Additional Parameters (JSON)');
}

/** File inputs of this item as multipart parts, masks included. */
export async function readFileParts(ctx: IExecuteFunctions, itemIndex: number): Promise<FilePart[]> {
	const entries = ctx.getNodeParameter('fileInputs.file', itemIndex, []) as Array<{
		key?: string;
		binaryProperty?: string;
		maskBinaryProperty?: string;
	}>;
	const parts: FilePart[] = [];
	for (const [position, entry] of entries.entries()) {
		const key = (entry.key ?? '').trim();
		if (!key) {
			throw new UserInputError(`File input ${position + 1} has no parameter key`, {
				field: 'File Inputs',
				hint: 'Enter the key of the file parameter, e.g. 10-inputs-image for node 10 (Load Image).',
			});
		}
		parts.push(await readFilePart(ctx, itemIndex, key, entry.binaryProperty || DEFAULT_BINARY_PROPERTY));
		const mask = (entry.maskBinaryProperty ?? '').trim();
		if (mask) parts.push(await readFilePart(ctx, itemIndex, `${key}${MASK_SUFFIX}`, mask, `File Inputs → ${key} → Mask`));
	}
	return parts;
}

/** The files an app's fields name (image, video, audio and mask inputs) as multipart parts. */
export async function readAppFileParts(
	ctx: IExecuteFunctions,
	itemIndex: number,
	files: AppFileInput[],
): Promise<FilePart[]> {
	const parts: FilePart[] = [];
	for (const file of files) {
		parts.push(await readFilePart(ctx, itemIndex, file.key, file.binaryProperty, `App Inputs → ${file.field}`));
	}
	return parts;
}

/** A file input from the item's binary property, or fetched from an http(s) URL. */
async function readFilePart(
	ctx: IExecuteFunctions,
	itemIndex: number,
	key: string,
	value: string,
	field = `File Inputs → ${key}`,
): Promise<FilePart> {
	const source = parseFileSource(value, field);
	if (source.kind === 'url') {
		const options = ctx.getNodeParameter('options', itemIndex, {}) as InputFetchOptions;
		// The timeout and retry defaults, and the retry log line, are the ones every other call of the node has.
		const { timeoutMs, signal, maxRetries, maxRetryWaitMs, onRetry } = hostedCallOptions(ctx, options, itemIndex);
		return await fetchInputFile(
			{ key, url: source.url, field },
			{
				http: n8nHttpOf(ctx),
				maxBytes: Math.floor((options.maxInputSizeMb ?? DEFAULT_MAX_INPUT_SIZE_MB) * 1024 * 1024),
				timeoutMs,
				signal,
				maxRetries,
				maxRetryWaitMs,
				onRetry,
			},
		);
	}
	const property = source.property;
	const data = await readBinary(ctx, itemIndex, property, field);
	const meta = ctx.getInputData()[itemIndex].binary![property];
	return {
		key,
		fileName: meta.fileName || `${key}${meta.fileExtension ? `.${meta.fileExtension}` : ''}`,
		mimeType: meta.mimeType || 'application/octet-stream',
		data,
	};
}

async function readBinary(
	ctx: IExecuteFunctions,
	itemIndex: number,
	property: string,
	field: string,
): Promise<Buffer> {
	const binary = ctx.getInputData()[itemIndex]?.binary ?? {};
	if (!binary[property]) {
		const available = Object.keys(binary);
		throw new UserInputError(`The input item has no binary property "${property}" (${field})`, {
			field,
			hint: available.length
				? `This item has binary properties: ${available.join(', ')}. Use one of them.`
				: 'This item has no binary data at all: add a node before this one that reads the file, or give the file\'s http(s) URL instead.',
		});
	}
	return await ctx.helpers.getBinaryDataBuffer(itemIndex, property);
}
