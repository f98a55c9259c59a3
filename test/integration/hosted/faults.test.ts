/**
 * Hosted API faults through the node: server errors while polling are retried, a refused submit
 * is retried only when no run can have started, an expired download link and a run that outlives
 * the timeout fail with errors that say what happened and what to do. The secret shows in no
 * run of this file: every run is scanned after its test.
 */
import { PNG } from 'pngjs';

import type { EmulatorHandle } from '../../emulator/server';
import type { RunResult } from '../../harness';
import { secretLeaks } from '../../faults/support/secretScan';
import {
	HOSTED_SECRET,
	errorText,
	getResultsParameters,
	requestsOf,
	runNode as runHostedNode,
	runWorkflowParameters,
	useHostedEmulator,
	visibleText,
} from './hostedNode';

const emulator = useHostedEmulator();
const prompt = [{ json: { prompt: 'fault' } }];

/** No run of this file may ever deliver the credentials to a download link. */
function expectDownloadsWithoutCredentials(emu: EmulatorHandle): void {
	for (const download of requestsOf(emu, 'download')) {
		expect(download.headers).not.toHaveProperty('client_id');
		expect(download.headers).not.toHaveProperty('client_secret');
		expect(download.fault).not.toBe('credentialsOnDownload');
	}
}

/** Every run of the current test, for the secret scan after it. */
let runs: RunResult[] = [];
const runNode: typeof runHostedNode = async (emu, spec) => {
	const run = await runHostedNode(emu, spec);
	runs.push(run);
	return run;
};

afterEach(() => {
	expectDownloadsWithoutCredentials(emulator());
	// Error message and description, the stored error, items, execution record and n8n log of each run.
	const leaks = runs.map((run, index) => [index, secretLeaks(run, HOSTED_SECRET)] as const).filter(([, where]) => where.length);
	runs = [];
	expect(leaks).toEqual([]);
});

describe('polling', () => {
	it('retries status answers of 500 and still delivers the image', async () => {
		const emu = emulator();
		emu.setBehaviour({ hostedStatus5xx: 2 });
		const run = await runNode(emu, { parameters: runWorkflowParameters(), input: prompt });
		expect(errorText(run)).toBe('');
		expect(PNG.sync.read(await run.binaryBuffer(run.items[0])).width).toBe(512);
		const faults = requestsOf(emu, 'hosted-status').map((r) => r.fault);
		expect(faults.slice(0, 2)).toEqual(['hostedStatus5xx', 'hostedStatus5xx']);
		expect(run.logs.filter((l) => l.level === 'warn' && l.message.includes('HTTP 500; retry'))).toHaveLength(2);
	});

	it('gives up after Max Retries consecutive failures, saying how often it tried', async () => {
		const emu = emulator();
		emu.setBehaviour({ hostedStatus5xx: 'always' });
		const run = await runNode(emu, { parameters: runWorkflowParameters({}, { maxRetries: 2 }), input: prompt });
		expect(errorText(run)).toMatch(/hosted API answered HTTP 500 Internal Server Error: Internal Server Error \(checking the status of runs after 3 attempts\)/);
		expect(requestsOf(emu, 'hosted-status')).toHaveLength(3);
		// The run was submitted once; giving up on polling does not submit it again.
		expect(requestsOf(emu, 'hosted-submit')).toHaveLength(1);
	});
});

describe('submit', () => {
	it('retries a cold start 503 with the same prompt_id, so no second run can start', async () => {
		const emu = emulator();
		emu.setBehaviour({ coldStart503: 1, retryAfterSeconds: 0 });
		const run = await runNode(emu, { parameters: runWorkflowParameters(), input: prompt });
		expect(errorText(run)).toBe('');
		const submits = requestsOf(emu, 'hosted-submit');
		expect(submits.map((r) => r.status)).toEqual([503, 201]);
		expect(submits[0].hosted?.promptId).toBe(submits[1].hosted?.promptId);
		expect(run.items[0].json.prompt_id).toBe(submits[1].hosted?.promptId);
	});

	it('does not retry a 500 (the run may have started) and quotes ViewComfy', async () => {
		const emu = emulator();
		emu.setBehaviour({ error500: 1 });
		const run = await runNode(emu, { parameters: runWorkflowParameters(), input: prompt });
		expect(errorText(run)).toContain('QueueError: Error while submitting the workflow (submitting the run)');
		expect(requestsOf(emu, 'hosted-submit')).toHaveLength(1);
	});

	it('a 422 names the parameter and points at the Endpoint URL too', async () => {
		const emu = emulator();
		const run = await runNode(emu, {
			parameters: runWorkflowParameters({ workflowSource: 'deployed', parameterValues: { parameter: [{ key: '99-inputs-nope', value: '1' }] } }),
			input: prompt,
		});
		expect(errorText(run)).toMatch(/HTTP 422[\s\S]*99-inputs-nope[\s\S]*Endpoint URL of the credential/);
	});
});

describe('download links', () => {
	it('an expired link fails with a clear error that says how to get fresh links; Get Results later succeeds', async () => {
		const emu = emulator();
		emu.setBehaviour({ hostedLinkTtlSeconds: 0 });
		const run = await runNode(emu, { parameters: runWorkflowParameters(), input: prompt, continueOnFail: true });
		const item = run.items[0].json;
		const promptId = String(item.prompt_id);
		expect(item.error).toMatch(/^The download link of "ComfyUI_\d{5}_\.png" has expired \(HTTP 403: Request has expired\)/);
		expect(item.description).toContain(`Run Get Results for prompt ID ${promptId} again`);
		// A refused link stays refused: one attempt.
		expect(requestsOf(emu, 'download')).toHaveLength(1);

		emu.setBehaviour({ hostedLinkTtlSeconds: 3600 });
		const later = await runNode(emu, { parameters: getResultsParameters({ promptIds: promptId }) });
		expect(errorText(later)).toBe('');
		expect(PNG.sync.read(await later.binaryBuffer(later.items[0])).width).toBe(512);
	});

	it('files larger than Max Output Size fail before n8n runs out of memory', async () => {
		const emu = emulator();
		emu.setBehaviour({ outputBytes: 200_000 });
		const run = await runNode(emu, { parameters: runWorkflowParameters({}, { maxOutputSizeMb: 0.1 }), input: prompt });
		expect(errorText(run)).toContain('larger than the limit of 104857 bytes (the Max Output Size (MB) option)');
		// The declared size tells before the download: only the small PNG was fetched.
		expect(requestsOf(emu, 'download')).toHaveLength(1);
	});
});

describe('timeouts and failed runs', () => {
	it('a run still running at the timeout: the error names the timeout and the prompt id; the run is not cancelled', async () => {
		const emu = emulator();
		emu.setBehaviour({ resultStatus: 'completed-false' });
		const run = await runNode(emu, { parameters: runWorkflowParameters({}, { timeoutMinutes: 0.005 }), input: prompt, continueOnFail: true });
		const item = run.items[0].json;
		const promptId = requestsOf(emu, 'hosted-submit')[0].hosted?.promptId;
		expect(item.error).toBe(`The ViewComfy run ${promptId} did not finish within 0.3 seconds (the Timeout (Minutes) option); last status: running`);
		expect(item.description).toContain('Fetch it later with the Get Results operation');
		expect(item.prompt_id).toBe(promptId);
		expect(requestsOf(emu, 'hosted-cancel')).toEqual([]);
	});

	it('Get Results with wait: the runs still going at the timeout fail, the finished ones come back', async () => {
		const emu = emulator();
		emu.setBehaviour({ hostedRunMs: 0 });
		const done = await runNode(emu, { parameters: runWorkflowParameters({ waitForCompletion: false }), input: prompt });
		emu.setBehaviour({ resultStatus: 'completed-false' });
		const stuck = await runNode(emu, { parameters: runWorkflowParameters({ waitForCompletion: false }), input: prompt });
		const run = await runNode(emu, {
			parameters: getResultsParameters({}, { timeoutMinutes: 0.005 }),
			input: [{ json: stuck.items[0].json }, { json: done.items[0].json }],
			continueOnFail: true,
		});
		expect(run.items[0].json.error).toMatch(/did not finish within 0\.3 seconds \(the Timeout \(Minutes\) option\); last status: running/);
		expect(run.items[1].json).toMatchObject({ status: 'success', prompt_id: done.items[0].json.prompt_id });
		expect(PNG.sync.read(await run.binaryBuffer(run.items[1])).width).toBe(512);
	});

	it('a run that ends in error fails Run Workflow with ViewComfy’s error text', async () => {
		const emu = emulator();
		emu.setBehaviour({ resultStatus: 'status-error', hostedRunMs: 50 });
		const run = await runNode(emu, { parameters: runWorkflowParameters(), input: prompt });
		expect(errorText(run)).toContain('ViewComfy reported the run as failed (status: error, completed: true): ExecutionError: Error while running the workflow');
		expect(requestsOf(emu, 'download')).toEqual([]);
	});
});

it('a server that echoes the secret in failing status answers: the error item shows it redacted, never in clear', async () => {
	const emu = emulator();
	emu.setBehaviour({ hostedStatus5xx: 'always', hostedLinkTtlSeconds: 0, echoSecret: true });
	const run = await runNode(emu, { parameters: runWorkflowParameters({}, { maxRetries: 1 }), input: prompt, continueOnFail: true });
	expect(run.items[0].json.error).toBeDefined();
	// The echo reached the node (its marker stands where the secret was) ...
	expect(visibleText(run)).toMatch(/client_secret=(\*\*\*|\[redacted\])/);
	// ... and the secret itself is nowhere (the afterEach scan covers the execution record too).
	expect(visibleText(run)).not.toContain(HOSTED_SECRET);
});
