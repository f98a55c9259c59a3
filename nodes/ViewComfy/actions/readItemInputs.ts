import type { IExecuteFunctions } from 'n8n-workflow';

import type { ComfyWorkflow, FilePart } from '../helpers/interfaces';
import { DEFAULT_BINARY_PROPERTY } from '../helpers/outputPlan';
import { UserInputError } from '../helpers/userInputError';
import { parseWorkflowJson } from '../helpers/workflow';
import { MASK_SUFFIX, parseAdditionalParameters } from '../helpers/params';

export type WorkflowSource = 'deployed' | 'paste' | 'binary';

/** The workflow of one item, or undefined for a deployed workflow that the node never sees. */
export async function readWorkflow(
	ctx: IExecuteFunctions,
	itemIndex: number,
	{ required }: { required: boolean },
): Promise<ComfyWorkflow | undefined> {
	const source = ctx.getNodeParameter('workflowSource', itemIndex) as WorkflowSource;
	if (source === 'paste') {
		const value = ctx.getNodeParameter('workflowJson', itemIndex, '') as unknown;
		// The json field hands back an object when an expression produced one.
		const text = typeof value === 'string' ? value : JSON.stringify(value);
		return parseWorkflowJson(text, 'Workflow JSON (workflow_api.json)');
	}
	if (source === 'binary') {
		const property = ctx.getNodeParameter('workflowBinaryProperty', itemIndex) as string;
		const buffer = await readBinary(ctx, itemIndex, property, 'Input Binary Property');
		return parseWorkflowJson(buffer.toString('utf8'), `binary property "${property}"`);
	}
	if (required) {
		throw new UserInputError('This operation needs the workflow itself', {
			field: 'Workflow Source',
			hint: 'Set Workflow Source to "Paste workflow_api.json" or "From Binary Property": the deployed workflow cannot be read back from ViewComfy.',
		});
	}
	return undefined;
}

/** Parameter values the user set in the fields of this item, by flattened key. */
export function readFieldValues(ctx: IExecuteFunctions, itemIndex: number): Record<string, unknown> {
	const source = ctx.getNodeParameter('workflowSource', itemIndex) as WorkflowSource;
	if (source === 'paste') {
		const value = ctx.getNodeParameter('parameters.value', itemIndex, {}) as Record<string, unknown> | null;
		return { ...(value ?? {}) };
	}
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
		if (mask) parts.push(await readFilePart(ctx, itemIndex, `${key}${MASK_SUFFIX}`, mask));
	}
	return parts;
}

async function readFilePart(
	ctx: IExecuteFunctions,
	itemIndex: number,
	key: string,
	property: string,
): Promise<FilePart> {
	const data = await readBinary(ctx, itemIndex, property, `File Inputs → ${key}`);
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
				: 'This item has no binary data at all: add a node before this one that reads or downloads the file.',
		});
	}
	return await ctx.helpers.getBinaryDataBuffer(itemIndex, property);
}
