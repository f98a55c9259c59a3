/**
 * Runs the ViewComfy node through the n8n harness against an endpoint, always with the
 * recognisable fault secret, and hands every run to the current case for the secret scan.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { INodeParameters } from 'n8n-workflow';

import { runNode as runInHarness, type InputItem, type RunResult } from '../../harness';
import { DEPLOYMENT_URL } from '../../integration/hosted/hostedNode';

export type { RunResult };

/** Appears in no text the node writes; every fault runs with it so a leak anywhere is found. */
export const FAULT_SECRET = 'FAULT-SECRET-5f2c9a';
export const FAULT_CLIENT_ID = 'fault-client';

export type ResultMode = 'wait' | 'stream';
export const RESULT_MODES: readonly ResultMode[] = ['wait', 'stream'];
/** A row's mode: a result mode of a direct deployment, or the hosted API (submit, poll, download). */
export type RowMode = ResultMode | 'hosted';

const WORKFLOWS = resolve(__dirname, '../../fixtures/workflows');
export const TXT2IMG_PATH = resolve(WORKFLOWS, 'txt2img.json');
export const IMG2IMG_PATH = resolve(WORKFLOWS, 'img2img.json');
export const txt2imgJson = () => readFileSync(TXT2IMG_PATH, 'utf8');
export const img2imgJson = () => readFileSync(IMG2IMG_PATH, 'utf8');

/**
 * Retries stay fast without touching production defaults: Retry-After 0 from the emulator, or a
 * small total wait budget that caps the 1 s backoff the node cannot lower (no option for it).
 */
export const FAST_OPTIONS: INodeParameters = { maxRetries: 3, maxRetryWaitSeconds: 1, timeoutMinutes: 1 };

export interface NodeRunSpec {
	endpointUrl: string;
	mode: ResultMode;
	/** Merged over FAST_OPTIONS. */
	options?: INodeParameters;
	/** Merged over the default parameters (paste txt2img, no fields, one item per file). */
	parameters?: INodeParameters;
	input?: InputItem[];
	continueOnFail?: boolean;
	signal?: AbortSignal;
	/** Run on the hosted API at this origin (endpointUrl is then the deployment it names). */
	hostedApiUrl?: string;
}

/** Receives every run of the current case (the case scans them for the secret). */
let runSink: ((run: RunResult) => void) | undefined;
export function collectRunsInto(sink: ((run: RunResult) => void) | undefined): void {
	runSink = sink;
}

/** Workflow Parameters (the resource mapper) of the pasted workflow, set to `value`. */
export function mappedFields(value: Record<string, string | number>): INodeParameters {
	return { parameters: { mappingMode: 'defineBelow', value, matchingColumns: [], schema: [] } };
}

/** The deployed workflow with one parameter: the node cannot check the key, the server does. */
export function deployedParameter(key: string, value: string): INodeParameters {
	return { workflowSource: 'deployed', parameterValues: { parameter: [{ key, value }] } };
}

export function nodeParameters(spec: Pick<NodeRunSpec, 'mode' | 'options' | 'parameters'>): INodeParameters {
	return {
		operation: 'runWorkflow',
		workflowSource: 'paste',
		workflowJson: txt2imgJson(),
		resultMode: spec.mode,
		outputMode: 'itemPerFile',
		...spec.parameters,
		options: { ...FAST_OPTIONS, ...spec.options },
	};
}

export async function runNode(spec: NodeRunSpec): Promise<RunResult> {
	const run = await runInHarness({
		parameters: nodeParameters(spec),
		credentials: {
			endpointUrl: spec.endpointUrl,
			clientId: FAULT_CLIENT_ID,
			clientSecret: FAULT_SECRET,
			...(spec.hostedApiUrl ? { apiType: 'hosted' as const, hostedApiUrl: spec.hostedApiUrl } : {}),
		},
		input: spec.input,
		continueOnFail: spec.continueOnFail,
		signal: spec.signal,
	});
	runSink?.(run);
	return run;
}

export interface HostedRunSpec {
	/** The emulator's origin, as the credential's Hosted API URL. */
	hostedApiUrl: string;
	/** Over Run Workflow with the pasted txt2img workflow and fast polling. */
	parameters?: INodeParameters;
	/** Merged over FAST_HOSTED_OPTIONS. */
	options?: INodeParameters;
	input?: InputItem[];
	continueOnFail?: boolean;
}

/** Polls fast enough that a run of a few hundred ms is seen running, then finished. */
export const FAST_HOSTED_OPTIONS: INodeParameters = { ...FAST_OPTIONS, pollIntervalSeconds: 0.05, maxPollIntervalSeconds: 0.2 };

/** Runs the node with a hosted-API credential (same fault secret), handed to the case like runNode's. */
export async function runHostedNode(spec: HostedRunSpec): Promise<RunResult> {
	const run = await runInHarness({
		parameters: {
			operation: 'runWorkflow',
			workflowSource: 'paste',
			workflowJson: txt2imgJson(),
			...spec.parameters,
			options: { ...FAST_HOSTED_OPTIONS, ...spec.options },
		},
		credentials: {
			apiType: 'hosted',
			hostedApiUrl: spec.hostedApiUrl,
			endpointUrl: DEPLOYMENT_URL,
			clientId: FAULT_CLIENT_ID,
			clientSecret: FAULT_SECRET,
		},
		input: spec.input,
		continueOnFail: spec.continueOnFail,
	});
	runSink?.(run);
	return run;
}

/** The error a run ended with: thrown, or as n8n recorded it. */
export function runError(run: RunResult): (Error & { description?: string | null }) | undefined {
	return (run.error ?? run.taskData?.error) as (Error & { description?: string | null }) | undefined;
}

/** Message plus description: what the user reads in the n8n error panel. */
export function errorText(run: RunResult): string {
	const error = runError(run);
	if (!error) return '';
	return [error.message, error.description].filter(Boolean).join('\n');
}
