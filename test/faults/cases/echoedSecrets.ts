/**
 * Rows where the server quotes the client secret back (the emulator's `echoSecret`): in an error
 * body, an SSE log line, an SSE `error` event, and on the hosted API in a 500 body and a failed
 * run's errorData. Each row proves the echo reached the node (its redaction marker shows where
 * the secret was) and, through faultCase's scan, that the secret itself is in no message,
 * description, item, log line or execution record, with and without Continue On Fail.
 */
import type { RunResult } from '../../harness';
import { freshEmulator } from '../support/emulators';
import { faultCase, type CaseContext } from '../support/faultCase';
import { RESULT_MODES, errorText, runHostedNode, runNode } from '../support/nodeRun';
import { errorSummary, itemCount, requestSummary } from '../support/observe';

/** The echoed header with its value replaced: the node got the secret and hid it. */
const REDACTED_ECHO = /client_secret=(\*\*\*|\[redacted\])/;

/** Everything of a run a user or an operator reads, as one text. */
function readable(run: RunResult): string {
	return [errorText(run), JSON.stringify(run.items.map((item) => item.json)), run.logText].join('\n');
}

/** Asserts the echo arrived redacted somewhere in the run and notes where. */
function expectRedactedEcho(ctx: CaseContext, label: string, run: RunResult): void {
	const where = [
		['error', errorText(run)],
		['items', JSON.stringify(run.items.map((item) => item.json))],
		['n8n log', run.logText],
	]
		.filter(([, text]) => REDACTED_ECHO.test(text))
		.map(([name]) => name);
	ctx.observe(`${label}: echo shown redacted in ${where.join(', ') || 'nothing'}`);
	expect(readable(run)).toMatch(REDACTED_ECHO);
}

export function registerEchoedSecretCases(): void {
	describe('servers that echo the client secret back', () => {
		for (const mode of RESULT_MODES) {
			faultCase(
				{
					fault: 'Secret echoed in a 500 error body',
					mode,
					expected: 'error quoting the body with the secret redacted; under Continue On Fail an error item, redacted too',
				},
				async (ctx) => {
					const emulator = await freshEmulator();
					emulator.setBehaviour({ error500: 'always', echoSecret: true });
					const stopped = await runNode({ endpointUrl: emulator.url, mode });
					const continued = await runNode({ endpointUrl: emulator.url, mode, continueOnFail: true });
					ctx.observe(requestSummary(emulator.requests));
					ctx.observe(errorSummary(stopped, 100));
					expect(emulator.requests.every((r) => r.status === 500)).toBe(true);
					expectRedactedEcho(ctx, 'stopped', stopped);
					expectRedactedEcho(ctx, 'Continue On Fail', continued);
					expect(continued.items).toHaveLength(1);
					expect(continued.items[0].json.httpCode).toBe(500);
				},
			);
		}

		faultCase(
			{
				fault: 'Secret echoed in an SSE log line',
				mode: 'stream',
				expected: 'the run succeeds; the line reaches the n8n log and the item\'s logs with the secret redacted',
			},
			async (ctx) => {
				const emulator = await freshEmulator();
				emulator.setBehaviour({ echoSecret: true });
				const run = await runNode({ endpointUrl: emulator.url, mode: 'stream' });
				ctx.observe(itemCount(run));
				expect(errorSummary(run)).toBe('no error');
				expect(run.items).toHaveLength(1);
				expect(JSON.stringify(run.items[0].json.logs)).toMatch(REDACTED_ECHO);
				expect(run.logText).toMatch(REDACTED_ECHO);
				expectRedactedEcho(ctx, 'run', run);
			},
		);

		for (const then of ['thenResult', 'thenEnd'] as const) {
			faultCase(
				{
					fault: `Secret echoed in an SSE error event, ${then === 'thenResult' ? 'then the result' : 'then the end of the stream'}`,
					mode: 'stream',
					expected:
						then === 'thenResult'
							? 'the result, with the event in errorEvents and the n8n log, secret redacted'
							: 'error carrying the event, secret redacted; under Continue On Fail an error item with the logs, redacted too',
				},
				async (ctx) => {
					const emulator = await freshEmulator();
					emulator.setBehaviour({ errorEvent: then, echoSecret: true });
					const run = await runNode({ endpointUrl: emulator.url, mode: 'stream' });
					ctx.observe(errorSummary(run, 100));
					expectRedactedEcho(ctx, 'run', run);
					if (then === 'thenResult') {
						expect(run.items).toHaveLength(1);
						expect(JSON.stringify(run.items[0].json.errorEvents)).toMatch(REDACTED_ECHO);
						return;
					}
					expect(errorText(run)).toMatch(REDACTED_ECHO);
					const continued = await runNode({ endpointUrl: emulator.url, mode: 'stream', continueOnFail: true });
					expectRedactedEcho(ctx, 'Continue On Fail', continued);
					expect(continued.items[0].json.error).toBeDefined();
				},
			);
		}

		faultCase(
			{
				fault: 'Secret echoed in the hosted API\'s 500 answer to the submit',
				mode: 'hosted',
				expected: 'not retried (the run may have started); error quoting the body with the secret redacted, also as an error item',
			},
			async (ctx) => {
				const emulator = await freshEmulator();
				emulator.setBehaviour({ error500: 'always', echoSecret: true });
				const stopped = await runHostedNode({ hostedApiUrl: emulator.origin });
				const continued = await runHostedNode({ hostedApiUrl: emulator.origin, continueOnFail: true });
				ctx.observe(requestSummary(emulator.requests));
				ctx.observe(errorSummary(stopped, 100));
				expect(emulator.requests.map((r) => r.kind)).toEqual(['hosted-submit', 'hosted-submit']);
				expectRedactedEcho(ctx, 'stopped', stopped);
				expectRedactedEcho(ctx, 'Continue On Fail', continued);
				expect(continued.items[0].json.httpCode).toBe(500);
			},
		);

		faultCase(
			{
				fault: 'Secret echoed in the hosted API\'s 500 answers to status polls',
				mode: 'hosted',
				expected: 'retried up to Max Retries, then an error quoting the body with the secret redacted, also in the retry warnings',
			},
			async (ctx) => {
				const emulator = await freshEmulator();
				emulator.setBehaviour({ hostedStatus5xx: 'always', echoSecret: true });
				const run = await runHostedNode({ hostedApiUrl: emulator.origin, options: { maxRetries: 1 }, continueOnFail: true });
				ctx.observe(requestSummary(emulator.requests.filter((r) => r.kind === 'hosted-status')));
				ctx.observe(`Continue On Fail: ${itemCount(run)}`);
				expect(run.items).toHaveLength(1);
				expect(run.items[0].json.error).toMatch(/HTTP 500/);
				expectRedactedEcho(ctx, 'run', run);
			},
		);

		faultCase(
			{
				fault: 'Secret echoed in a failed hosted run\'s errorData',
				mode: 'hosted',
				expected: 'Run Workflow and Get Results fail with ViewComfy\'s error text, the secret redacted, also as error items',
			},
			async (ctx) => {
				const emulator = await freshEmulator();
				emulator.setBehaviour({ resultStatus: 'status-error', hostedRunMs: 50, echoSecret: true });
				const stopped = await runHostedNode({ hostedApiUrl: emulator.origin });
				const submitted = await runHostedNode({ hostedApiUrl: emulator.origin, parameters: { waitForCompletion: false } });
				const promptId = String(submitted.items[0]?.json.prompt_id);
				const collected = await runHostedNode({
					hostedApiUrl: emulator.origin,
					parameters: { operation: 'getResults', promptIds: promptId },
					continueOnFail: true,
				});
				ctx.observe(`Run Workflow: ${errorSummary(stopped, 100)}`);
				ctx.observe(`Get Results under Continue On Fail: ${itemCount(collected)}`);
				expect(errorText(stopped)).toMatch(/ExecutionError/);
				expectRedactedEcho(ctx, 'Run Workflow', stopped);
				expectRedactedEcho(ctx, 'Get Results', collected);
			},
		);
	});
}
