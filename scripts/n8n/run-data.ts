import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The parts of n8n's execution data (IRun / IExecutionResponse `data`) the harness reads. */
export interface BinaryRef {
	data: string;
	mimeType: string;
	fileName?: string;
	fileExtension?: string;
	fileSize?: string;
	id?: string;
}

export interface Item {
	json: Record<string, unknown>;
	binary?: Record<string, BinaryRef>;
	pairedItem?: { item: number; input?: number } | Array<{ item: number }> | number;
	error?: unknown;
}

export interface TaskData {
	executionStatus?: string;
	data?: { main: Array<Item[] | null> };
	error?: { message?: string; description?: string; [k: string]: unknown };
}

export interface ExecutionData {
	resultData: {
		runData: Record<string, TaskData[]>;
		error?: { message?: string; description?: string; node?: { name?: string }; [k: string]: unknown };
		lastNodeExecuted?: string;
	};
}

/** What `n8n execute --rawOutput` prints on success. */
export interface CliRun {
	data: ExecutionData;
	status?: string;
	finished?: boolean;
}

/** Items a node put on one output in its first (or given) run. */
export function nodeOutput(data: ExecutionData, nodeName: string, output = 0, run = 0): Item[] {
	const runs = data.resultData.runData[nodeName];
	if (!runs) {
		throw new Error(`Node "${nodeName}" did not run; nodes that ran: ${Object.keys(data.resultData.runData).join(', ')}`);
	}
	return runs[run]?.data?.main[output] ?? [];
}

/**
 * The bytes of one binary property. n8n 2.x keeps binaries in its filesystem store
 * (`<n8n folder>/storage`) and puts only an id in the item; inline base64 is read as is.
 */
export function readBinary(userFolder: string, binary: BinaryRef): Buffer {
	if (binary.id) {
		const separator = binary.id.indexOf(':');
		const mode = binary.id.slice(0, separator);
		if (!mode.startsWith('filesystem')) throw new Error(`Binary data mode "${mode}" cannot be read from disk`);
		return readFileSync(join(userFolder, '.n8n', 'storage', binary.id.slice(separator + 1)));
	}
	return Buffer.from(binary.data, 'base64');
}
