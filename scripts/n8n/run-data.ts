import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { n8nInstallDir, n8nVersion } from './paths';

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
 * The bytes of one binary property. n8n keeps a stored file's id as `<mode>:<file id>`: in
 * filesystem mode (`filesystem-v2:`, n8n 2.x's default) under `<n8n folder>/storage`, in
 * database mode (`database:`, N8N_DEFAULT_BINARY_DATA_MODE=database) in the `binary_data` table
 * of its database; without an id the item holds the bytes as base64 (n8n 1.x's in-memory mode).
 */
export function readBinary(userFolder: string, binary: BinaryRef): Buffer {
	if (binary.id) {
		const separator = binary.id.indexOf(':');
		const mode = binary.id.slice(0, separator);
		const fileId = binary.id.slice(separator + 1);
		if (mode === 'database') return readDatabaseFile(userFolder, fileId);
		if (!mode.startsWith('filesystem')) throw new Error(`Binary data mode "${mode}" cannot be read by the e2e harness`);
		return readFileSync(join(userFolder, '.n8n', 'storage', fileId));
	}
	return Buffer.from(binary.data, 'base64');
}

/**
 * Reads one row of n8n's `binary_data` table (DatabaseManager's BinaryDataFile: fileId, data, ...)
 * with the sqlite3 driver of the n8n under test (N8N_VERSION), run on this Node. The driver only
 * answers through callbacks, so a child process reads it and readBinary stays synchronous, as every
 * e2e test calls it.
 */
function readDatabaseFile(userFolder: string, fileId: string): Buffer {
	const requireFromN8n = createRequire(join(n8nInstallDir(n8nVersion()), 'node_modules', 'n8n', 'package.json'));
	const read = `
		const [driver, file, fileId] = process.argv.slice(1);
		const sqlite3 = require(driver);
		const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (error) => { if (error) throw error; });
		db.get('SELECT data FROM binary_data WHERE fileId = ?', [fileId], (error, row) => {
			if (error) throw error;
			if (!row) { process.stderr.write('no binary_data row with fileId ' + fileId); process.exitCode = 3; }
			else process.stdout.write(row.data);
			db.close();
		});`;
	return execFileSync(process.execPath, ['-e', read, requireFromN8n.resolve('sqlite3'), join(userFolder, '.n8n', 'database.sqlite'), fileId], {
		maxBuffer: 1024 * 1024 * 1024,
	});
}
