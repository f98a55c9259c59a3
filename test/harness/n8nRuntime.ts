import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { BinaryDataService, binaryToBuffer, ErrorReporter, type BinaryData, type BinaryDataConfig } from 'n8n-core';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';
import { LoggerProxy } from 'n8n-workflow';

import { CapturingLogger } from './capturingLogger';

/**
 * n8n's binary data modes the harness runs: `default` keeps bytes base64 in the item (in memory),
 * `filesystem` writes them under the storage folder and keeps only an id in the item.
 * Two more register a GatheringStore on n8n's BinaryDataService (n8n-core's own init only sets up
 * filesystem): `database` stands in for n8n's DatabaseManager (packages/cli, rows of a table),
 * which gathers each file whole with binaryToBuffer under ids `database:<uuid>`; the real one runs
 * in the e2e tests (VIEWCOMFY_E2E_BINARY_MODE=database). `unknown-store` is made up: the same
 * store under a mode the node does not know (`storage`, ids `storage:<uuid>`, as a renamed n8n 3.0
 * mode might be).
 */
export type BinaryMode = 'default' | 'filesystem' | 'database' | 'unknown-store';

/** The n8n mode name, and so the id prefix, of the made-up `unknown-store`. */
export const UNKNOWN_STORE_MODE = 'storage';

/** The modes served by a GatheringStore, with the name each has in n8n. */
const GATHERING_MODES: Partial<Record<BinaryMode, string>> = { database: 'database', 'unknown-store': UNKNOWN_STORE_MODE };

const executionOf = (location: BinaryData.FileLocation): string | undefined => (location.type === 'execution' ? location.executionId : undefined);

/** n8n's Manager interface over a Map, gathering each file whole as n8n's DatabaseManager does. */
class GatheringStore implements BinaryData.Manager {
	private readonly files = new Map<string, { data: Buffer; metadata: BinaryData.PreWriteMetadata; executionId?: string }>();

	async init(): Promise<void> {}

	async store(location: BinaryData.FileLocation, bufferOrStream: Parameters<BinaryData.Manager['store']>[1], metadata: BinaryData.PreWriteMetadata) {
		const data = await binaryToBuffer(bufferOrStream);
		const fileId = randomUUID();
		this.files.set(fileId, { data, metadata, executionId: executionOf(location) });
		return { fileId, fileSize: data.length };
	}

	getPath(fileId: string): string {
		return `${UNKNOWN_STORE_MODE}://${fileId}`;
	}

	async getAsBuffer(fileId: string): Promise<Buffer> {
		return this.file(fileId).data;
	}

	async getAsStream(fileId: string): Promise<Readable> {
		return Readable.from(this.file(fileId).data);
	}

	async getMetadata(fileId: string): Promise<BinaryData.Metadata> {
		const { data, metadata } = this.file(fileId);
		return { ...metadata, fileSize: data.length };
	}

	async deleteMany(locations: BinaryData.FileLocation[]): Promise<void> {
		const executions = new Set(locations.flatMap((location) => (location.type === 'execution' ? [location.executionId] : [])));
		for (const [fileId, file] of this.files) if (file.executionId !== undefined && executions.has(file.executionId)) this.files.delete(fileId);
	}

	async deleteManyByFileId(ids: string[]): Promise<void> {
		for (const id of ids) this.files.delete(id);
	}

	async copyByFileId(location: BinaryData.FileLocation, sourceFileId: string): Promise<string> {
		const fileId = randomUUID();
		this.files.set(fileId, { ...this.file(sourceFileId), executionId: executionOf(location) });
		return fileId;
	}

	async copyByFilePath(location: BinaryData.FileLocation, sourcePath: string, metadata: BinaryData.PreWriteMetadata) {
		return await this.store(location, await readFile(sourcePath), metadata);
	}

	async rename(oldFileId: string, newFileId: string): Promise<void> {
		this.files.set(newFileId, this.file(oldFileId));
		this.files.delete(oldFileId);
	}

	private file(fileId: string) {
		const file = this.files.get(fileId);
		if (!file) throw new Error(`no file ${fileId} in the gathering store`);
		return file;
	}
}

interface Runtime {
	/** Temporary n8n user folder: instance settings and filesystem binary data live here. */
	root: string;
	logger: CapturingLogger;
	binaryServices: Map<BinaryMode, BinaryDataService>;
}

let runtime: Runtime | undefined;

/**
 * The process-wide pieces n8n-core looks up through its DI container, set up once: a logger that
 * captures, and a user folder in a temp directory (n8n's InstanceSettings writes its settings
 * file there the first time a node runs, and must not touch $HOME).
 */
export function n8nRuntime(): Runtime {
	if (runtime) return runtime;
	const root = mkdtempSync(path.join(tmpdir(), 'viewcomfy-n8n-'));
	process.env.N8N_USER_FOLDER = root;
	const logger = new CapturingLogger();
	Container.set(Logger, logger as unknown as Logger);
	LoggerProxy.init(logger);
	// Every node execution context asks for this manager, whose 60 s cleanup interval would keep
	// a test process alive; no ViewComfy test opens SSH tunnels, so stop the timer up front.
	Container.get(SSHClientsManager).onShutdown();
	process.once('exit', () => rmSync(root, { recursive: true, force: true }));
	runtime = { root, logger, binaryServices: new Map() };
	return runtime;
}

/**
 * Makes `mode` the one n8n's binary helpers (prepareBinaryData, getBinaryDataBuffer, …) use from
 * now on. Both services can read both kinds of reference, so items of an earlier run stay readable.
 */
export async function useBinaryMode(mode: BinaryMode): Promise<BinaryDataService> {
	const { root, logger, binaryServices } = n8nRuntime();
	let service = binaryServices.get(mode);
	if (!service) {
		// BinaryDataConfig would read env vars and InstanceSettings; the service only reads these fields.
		const gathering = GATHERING_MODES[mode];
		const serviceMode = gathering ?? mode;
		const config: Pick<BinaryDataConfig, 'mode' | 'availableModes' | 'localStoragePath' | 'signingSecret' | 'dbMaxFileSize'> = {
			mode: serviceMode as BinaryDataConfig['mode'],
			availableModes: [serviceMode as BinaryDataConfig['mode']],
			localStoragePath: path.join(root, 'storage'),
			signingSecret: 'viewcomfy-harness-signing-secret',
			dbMaxFileSize: 512,
		};
		service = new BinaryDataService(
			config as BinaryDataConfig,
			Container.get(ErrorReporter),
			logger as unknown as Logger,
		);
		await service.init();
		if (gathering) service.setManager(gathering as BinaryData.ServiceMode, new GatheringStore());
		binaryServices.set(mode, service);
	}
	Container.set(BinaryDataService, service);
	return service;
}

/** Removes the temporary user folder and binary data; call in `afterAll`. */
export function shutdownN8nRuntime(): void {
	if (!runtime) return;
	rmSync(runtime.root, { recursive: true, force: true });
	runtime = undefined;
}
