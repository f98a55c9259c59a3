import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { e2eBinaryMode } from '../../../scripts/n8n/env';
import { N8nInstance, type CredentialSpec, type WorkflowSpec } from '../../../scripts/n8n/instance';
import { REPO_ROOT } from '../../../scripts/n8n/paths';
import type { BinaryRef, ExecutionData } from '../../../scripts/n8n/run-data';
import { startEmulator, type EmulatorBehaviour, type EmulatorHandle, type RecordedRequest } from '../../emulator/server';
import { e2eLog, n8nWithNode } from './n8n-setup';
import { E2E_CLIENT_ID, E2E_SECRET, viewComfyCredential } from './viewcomfy';
import { forPublicApi } from './workflow-builder';

/** A real n8n with the packed node installed, plus an emulator standing in for the deployment. */
export interface Scenario {
	instance: N8nInstance;
	emulator: EmulatorHandle;
}

export interface ScenarioOptions {
	/** The deployed workflow the emulator runs. */
	workflow?: 'txt2img' | 'img2img';
	behaviour?: Partial<EmulatorBehaviour>;
	/** Credentials besides the ViewComfy one (which always points at the emulator). */
	credentials?: CredentialSpec[];
}

const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);

export async function openScenario(options: ScenarioOptions = {}): Promise<Scenario> {
	const { install, tarball } = await n8nWithNode();
	const emulator = await startEmulator({
		workflow: join(REPO_ROOT, 'test', 'fixtures', 'workflows', `${options.workflow ?? 'txt2img'}.json`),
		clientId: E2E_CLIENT_ID,
		clientSecret: E2E_SECRET,
		behaviour: options.behaviour,
	});
	try {
		let started = Date.now();
		const instance = await N8nInstance.create({ install, nodePackage: tarball });
		e2eLog(`package installed into a fresh n8n folder in ${seconds(started)} s`);
		started = Date.now();
		await instance.importCredentials([viewComfyCredential(emulator.url), ...(options.credentials ?? [])]);
		e2eLog(`credentials imported (database created) in ${seconds(started)} s`);
		return { instance, emulator };
	} catch (error) {
		await emulator.close();
		throw error;
	}
}

export async function closeScenario(scenario: Scenario | undefined): Promise<void> {
	if (!scenario) return;
	await scenario.instance.dispose();
	await scenario.emulator.close();
}

/** Imports and executes through the CLI; a failed run throws with what n8n printed. */
export async function runToCompletion(scenario: Scenario, workflow: WorkflowSpec): Promise<ExecutionData> {
	let started = Date.now();
	const id = await scenario.instance.importWorkflow(workflow);
	e2eLog(`"${workflow.name}" imported in ${seconds(started)} s`);
	started = Date.now();
	const result = await scenario.instance.execute(id);
	e2eLog(`"${workflow.name}" executed by \`n8n execute\` in ${seconds(started)} s`);
	if (!result.ok) throw new Error(`Workflow "${workflow.name}" failed in n8n:\n${result.output.slice(-6000)}`);
	return result.run!.data;
}

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

export function pngSize(data: Buffer): { width: number; height: number } {
	const png = PNG.sync.read(data);
	return { width: png.width, height: png.height };
}

export function inferRequests(emulator: EmulatorHandle): RecordedRequest[] {
	return emulator.requests.filter((r) => r.kind === 'infer');
}

/** Most calls the emulator was serving at the same moment. */
export function maxOverlap(intervals: Array<{ start: number; end: number }>): number {
	const events = intervals.flatMap(({ start, end }) => [
		{ at: start, delta: 1 },
		{ at: end, delta: -1 },
	]);
	// An end and a start at the same ms do not overlap.
	events.sort((a, b) => a.at - b.at || a.delta - b.delta);
	let current = 0;
	let most = 0;
	for (const { delta } of events) {
		current += delta;
		most = Math.max(most, current);
	}
	return most;
}

export interface ReplayFile {
	field: string;
	filename: string;
	mimeType: string;
	data: Buffer;
}

/**
 * Sends a recorded call again, straight to the emulator, and returns the files it answers with.
 * The emulator's outputs depend only on the workflow that ran and the uploads, so this is what it
 * answered n8n: the reference the bytes n8n stored, wrote or mailed are compared to.
 */
export async function replayInfer(
	emulator: EmulatorHandle,
	request: RecordedRequest,
	files: ReplayFile[] = [],
): Promise<Array<{ filename: string; contentType: string; data: Buffer }>> {
	const form = new FormData();
	form.append('params', JSON.stringify(request.form?.params ?? {}));
	form.append('logs', 'false');
	for (const file of files) form.append(file.field, new Blob([new Uint8Array(file.data)], { type: file.mimeType }), file.filename);
	const res = await fetch(emulator.url, { method: 'POST', headers: { client_id: E2E_CLIENT_ID, client_secret: E2E_SECRET }, body: form });
	if (res.status !== 201) throw new Error(`Replay answered ${res.status}: ${await res.text()}`);
	const body = (await res.json()) as { outputs: Array<{ filename: string; content_type: string; data: string }> };
	return body.outputs.map((o) => ({ filename: o.filename, contentType: o.content_type, data: Buffer.from(o.data, 'base64') }));
}

/** The secret must be nowhere in what n8n recorded: database rows, files, logs, CLI output. */
/**
 * The binary data modes asked for with VIEWCOMFY_E2E_BINARY_MODE, by the id prefix n8n gives what
 * it stored there. Unset, n8n's default mode of the target holds (filesystem in 2.x, in memory in 1.x).
 */
const STORED_ID = { database: /^database:/, filesystem: /^filesystem-v2:/ } as const;

/** Fails unless n8n stored the file in the binary data mode the run asked for (when it asked). */
export function expectStoredInRequestedMode(binary: BinaryRef | undefined): void {
	const mode = e2eBinaryMode();
	if (mode) expect(binary?.id).toMatch(STORED_ID[mode]);
}

export async function expectSecretNowhere(scenario: Scenario, secret = E2E_SECRET): Promise<void> {
	const hits = await scenario.instance.findSecret(secret);
	expect(hits).toEqual([]);
}

export interface PublicExecution {
	id: string;
	mode: string;
	status: string;
	finished: boolean;
	workflowId: string;
	data?: ExecutionData;
}

/** Creates the workflow through the public API of the started server and activates it (triggers live on return). */
export async function createActiveWorkflow(scenario: Scenario, workflow: WorkflowSpec): Promise<string> {
	const client = scenario.instance.client;
	if (!client) throw new Error('Start the server first (scenario.instance.startServer())');
	const created = await client.api<{ id: string }>('POST', '/workflows', forPublicApi(workflow));
	await client.activateWorkflow(created.id);
	return created.id;
}

/** Polls the public API until the workflow has a finished execution; returns it with its data. */
export async function waitForExecution(scenario: Scenario, workflowId: string, timeoutMs = 180_000): Promise<PublicExecution> {
	const client = scenario.instance.client!;
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const page = await client.api<{ data: PublicExecution[] }>('GET', `/executions?workflowId=${workflowId}&includeData=true`);
		const done = page.data.filter((e) => e.status !== 'running' && e.status !== 'new' && e.status !== 'waiting');
		// Oldest first: the first run is the one the test set up for.
		if (done.length > 0) return done.sort((a, b) => Number(a.id) - Number(b.id))[0];
		await new Promise((r) => setTimeout(r, 1000));
	}
	throw new Error(`No finished execution of workflow ${workflowId} within ${timeoutMs / 1000} s`);
}
