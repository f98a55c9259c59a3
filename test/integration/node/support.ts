/**
 * What the node's integration tests share: an emulator per test file, the fixture workflows,
 * a run with the test credential, PNG decoding and the secret scan.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { PNG } from 'pngjs';

import { runNode, shutdownHarness, type RunNodeOptions, type RunResult } from '../../harness';
import { startEmulator, type EmulatorHandle, type RecordedRequest, type StartEmulatorOptions } from '../../emulator/server';

/** Distinctive, so a leak anywhere (message, log, output, record) is found by substring. */
export const CLIENT_SECRET = 'vcs-INTEGRATION-9c41e7d2';
export const CLIENT_ID = 'integration-client';

const WORKFLOWS = resolve(__dirname, '../../fixtures/workflows');
export type FixtureName = 'txt2img' | 'img2img' | 'video_subgraph' | 'editor_format_not_api';
export const FIXTURES: FixtureName[] = ['txt2img', 'img2img', 'video_subgraph', 'editor_format_not_api'];

export const fixturePath = (name: FixtureName): string => resolve(WORKFLOWS, `${name}.json`);
export const fixtureText = (name: FixtureName): string => readFileSync(fixturePath(name), 'utf8');
export const fixtureJson = (name: FixtureName): Record<string, { inputs: IDataObject }> =>
	JSON.parse(fixtureText(name));

/**
 * Starts an emulator deploying `workflow` before the file's tests and closes it (and the n8n
 * runtime) after them. The handle is filled in by `beforeAll`.
 */
export function useEmulator(
	workflow: FixtureName,
	options: Omit<StartEmulatorOptions, 'workflow' | 'clientId' | 'clientSecret'> = {},
): { emulator: EmulatorHandle } {
	const holder = {} as { emulator: EmulatorHandle };
	beforeAll(async () => {
		holder.emulator = await startEmulator({
			...options,
			workflow: fixturePath(workflow),
			clientId: CLIENT_ID,
			clientSecret: CLIENT_SECRET,
		});
	});
	beforeEach(() => {
		holder.emulator.resetBehaviour();
		holder.emulator.clearRequests();
	});
	afterAll(async () => {
		await holder.emulator?.close();
		shutdownHarness();
	});
	return holder;
}

/** Run Workflow with the pasted fixture and no fields set, plus `parameters` on top. */
export function pasteParameters(workflow: FixtureName, parameters: INodeParameters = {}): INodeParameters {
	return {
		operation: 'runWorkflow',
		workflowSource: 'paste',
		workflowJson: fixtureText(workflow),
		...parameters,
	};
}

/** A resource mapper value as the n8n editor stores it. */
export function mappedFields(value: Record<string, string | number | boolean>): INodeParameters {
	return { mappingMode: 'defineBelow', value, matchingColumns: [], schema: [] };
}

/** Runs the node against the emulator with the test credential (secret overridable). */
export async function runAgainst(
	emulator: EmulatorHandle,
	options: Omit<RunNodeOptions, 'credentials'> & { clientSecret?: string },
): Promise<RunResult> {
	const { clientSecret = CLIENT_SECRET, ...rest } = options;
	return await runNode({
		...rest,
		credentials: { endpointUrl: emulator.url, clientId: CLIENT_ID, clientSecret },
	});
}

/** The infer requests the emulator received, in order. */
export const inferRequests = (emulator: EmulatorHandle): RecordedRequest[] =>
	emulator.requests.filter((request) => request.kind === 'infer');

/** The `params` object of an infer request. */
export function sentParams(request: RecordedRequest): Record<string, unknown> {
	const params = request.form?.params;
	if (typeof params !== 'object' || params === null) {
		throw new Error(`The request carried no params object: ${JSON.stringify(request.form)}`);
	}
	return params as Record<string, unknown>;
}

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

export function decodePng(bytes: Buffer): PNG {
	return PNG.sync.read(bytes);
}

/** Expects a successful run and returns its items. */
export function expectSuccess(result: RunResult): INodeExecutionData[] {
	if (result.error) throw new Error(`The node failed: ${result.error.message}`);
	expect(result.status).toBe('success');
	return result.items;
}

/**
 * The secret must appear nowhere n8n keeps or shows: the thrown error (message, description,
 * stack), the run data n8n stores (items, error as recorded), the log lines, the emulator record.
 */
export function expectNoSecret(result: RunResult, emulator?: EmulatorHandle, secret = CLIENT_SECRET): void {
	const error = result.error as (Error & { description?: unknown }) | undefined;
	const places: Record<string, string> = {
		'error message': error?.message ?? '',
		'error description': String(error?.description ?? ''),
		'error stack': error?.stack ?? '',
		'run data': JSON.stringify(result.run),
		logs: result.logText,
		'emulator record': emulator ? JSON.stringify(emulator.requests) : '',
	};
	for (const [place, text] of Object.entries(places)) {
		expect({ place, leaked: text.includes(secret) }).toEqual({ place, leaked: false });
	}
}
