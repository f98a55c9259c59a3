/**
 * Runs the ViewComfy node through the n8n harness with a hosted-API credential pointing at the
 * emulator, and reads back what the emulator saw. Shared by the hosted integration tests.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { ViewComfyApi } from '../../../credentials/ViewComfyApi.credentials';
import { ViewComfy } from '../../../nodes/ViewComfy/ViewComfy.node';
import { startEmulator, type EmulatorHandle, type RecordedRequest, type StartEmulatorOptions } from '../../emulator/server';
import type { InputItem } from '../../harness/inputItemsNode';
import { shutdownN8nRuntime } from '../../harness/n8nRuntime';
import { runWorkflowNode, type RunResult } from '../../harness/runWorkflow';
import type { BinaryMode } from '../../harness/n8nRuntime';

/** Recognisable, so a scan of everything the node wrote can prove it never leaked. */
export const HOSTED_SECRET = 'HOSTED-SECRET-c0ffee-7d2a';
export const HOSTED_CLIENT_ID = 'hosted-client';
/** The deployment the hosted API is asked to run; it never receives a request itself. */
export const DEPLOYMENT_URL = 'https://team--viewcomfy-deployment.modal.run/';

const WORKFLOWS = resolve(__dirname, '../../fixtures/workflows');
export const workflowText = (name: 'txt2img' | 'img2img') => readFileSync(resolve(WORKFLOWS, `${name}.json`), 'utf8');

/** Fast polling so runs of a few hundred ms are seen running, then finished. */
export const FAST_HOSTED_OPTIONS: IDataObject = {
	pollIntervalSeconds: 0.05,
	maxPollIntervalSeconds: 0.2,
	maxRetries: 3,
	maxRetryWaitSeconds: 1,
	timeoutMinutes: 1,
};

const viewComfy = new ViewComfy();
const credentialType = new ViewComfyApi();

/** One emulator for a test file, reset before each test; the harness and pooled sockets closed after. */
export function useHostedEmulator(options: StartEmulatorOptions = {}): () => EmulatorHandle {
	let emu: EmulatorHandle;
	beforeAll(async () => {
		emu = await startEmulator({ clientId: HOSTED_CLIENT_ID, clientSecret: HOSTED_SECRET, ...options });
	});
	beforeEach(() => {
		emu.resetBehaviour();
		emu.clearRequests();
	});
	afterAll(async () => {
		await emu.close();
		shutdownN8nRuntime();
	});
	return () => emu;
}

export interface HostedRunSpec {
	parameters: INodeParameters;
	input?: InputItem[];
	continueOnFail?: boolean;
	signal?: AbortSignal;
	binaryMode?: BinaryMode;
	/** Credential data over the hosted one (e.g. `{apiType: undefined}` for an old credential). */
	credential?: IDataObject;
}

export async function runNode(emu: EmulatorHandle, spec: HostedRunSpec): Promise<RunResult> {
	const data: IDataObject = {
		apiType: 'hosted',
		hostedApiUrl: emu.origin,
		endpointUrl: DEPLOYMENT_URL,
		clientId: HOSTED_CLIENT_ID,
		clientSecret: HOSTED_SECRET,
		...spec.credential,
	};
	for (const key of Object.keys(data)) if (data[key] === undefined) delete data[key];
	return await runWorkflowNode({
		node: { typeName: 'n8n-nodes-viewcomfy.viewComfy', type: viewComfy, name: 'ViewComfy' },
		parameters: spec.parameters,
		credentials: { viewComfyApi: { type: credentialType, data: data as Record<string, string> } },
		input: spec.input,
		continueOnFail: spec.continueOnFail,
		signal: spec.signal,
		binaryMode: spec.binaryMode,
	});
}

/** Run Workflow with the pasted txt2img workflow and a prompt per item from `$json.prompt`. */
export function runWorkflowParameters(extra: INodeParameters = {}, options: IDataObject = {}): INodeParameters {
	return {
		operation: 'runWorkflow',
		workflowSource: 'paste',
		workflowJson: workflowText('txt2img'),
		parameters: { mappingMode: 'defineBelow', value: { '6-inputs-text': '={{ $json.prompt }}' }, matchingColumns: [], schema: [] },
		...extra,
		options: { ...FAST_HOSTED_OPTIONS, ...options } as INodeParameters,
	};
}

export function getResultsParameters(extra: INodeParameters = {}, options: IDataObject = {}): INodeParameters {
	// Prompt IDs left at its default, {{ $json.prompt_id }}, unless `extra` sets it.
	return {
		operation: 'getResults',
		...extra,
		options: { ...FAST_HOSTED_OPTIONS, ...options } as INodeParameters,
	};
}

export const requestsOf = (emu: EmulatorHandle, kind: RecordedRequest['kind']) => emu.requests.filter((r) => r.kind === kind);

/** The error a run ended with (thrown, or as n8n recorded it), message and description together. */
export function errorText(run: RunResult): string {
	const error = (run.error ?? run.taskData?.error) as (Error & { description?: string | null }) | undefined;
	return error ? [error.message, error.description].filter(Boolean).join('\n') : '';
}

/** Everything the node produced that a user or a log could see: items, errors and log lines. */
export function visibleText(run: RunResult): string {
	return JSON.stringify({ items: run.items, error: run.error && { ...run.error, message: run.error.message }, task: run.taskData?.error }) + run.logText;
}

/** Waits until the emulator has recorded a request matching `match` (the node may still be finishing). */
export async function waitForRequest(emu: EmulatorHandle, match: (r: RecordedRequest) => boolean, timeoutMs = 5000): Promise<RecordedRequest> {
	const until = Date.now() + timeoutMs;
	for (;;) {
		const found = emu.requests.find(match);
		if (found) return found;
		if (Date.now() > until) throw new Error(`No matching request within ${timeoutMs} ms; saw: ${emu.requests.map((r) => `${r.method} ${r.path}`).join(', ')}`);
		await sleep(20);
	}
}

/** The bytes a run's output link serves now, fetched as a plain client would. */
export async function downloadNow(emu: EmulatorHandle, promptId: string, index = 0): Promise<Buffer> {
	const res = await fetch(`${emu.origin}/api/workflow/infer/?prompt_ids=${promptId}`, {
		headers: { client_id: HOSTED_CLIENT_ID, client_secret: HOSTED_SECRET },
	});
	const [record] = (await res.json()) as Array<{ outputs: Array<{ filepath: string }> }>;
	return Buffer.from(await (await fetch(record.outputs[index].filepath)).arrayBuffer());
}
