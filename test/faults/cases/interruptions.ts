/**
 * Rows for answers that break after they started: resets after the headers, event streams that
 * end without `prompt_result`, and `error` events. A retry here may pay for a second run, so it
 * only happens with Retry Interrupted Streams on.
 */
import { freshEmulator } from '../support/emulators';
import { faultCase } from '../support/faultCase';
import { RESULT_MODES, errorText, runError, runNode } from '../support/nodeRun';
import { describeWaits, errorSummary, itemCount, requestSummary, retryWaits } from '../support/observe';

/** The emulator's first and last console lines: proof that the error quotes the logs seen so far. */
const FIRST_LOG_LINE = 'got prompt';
const LAST_LOG_LINE = 'Prompt executed in';
const SIMULATED_FAILURE = 'VAEDecode: simulated failure';

export function registerInterruptionCases(): void {
	describe('answers that break after they started', () => {
		for (const mode of RESULT_MODES) {
			faultCase(
				{
					fault: 'Connection reset after the headers',
					mode,
					expected:
						mode === 'stream'
							? 'not retried by default; 1 request; clear error quoting the log lines seen so far'
							: 'not retried by default; 1 request; clear error saying the answer broke off',
				},
				async (ctx) => {
					const emulator = await freshEmulator();
					emulator.setBehaviour({ resetAfterHeaders: 1 });
					const run = await runNode({ endpointUrl: emulator.url, mode });
					ctx.observe(requestSummary(emulator.requests));
					ctx.observe(errorSummary(run));
					expect(emulator.requests).toHaveLength(1);
					expect(emulator.requests[0].fault).toBe('resetAfterHeaders');
					expect(runError(run)?.message).toMatch(/broke|interrupted|closed/i);
					expect(errorText(run)).toMatch(/Retry Interrupted Streams/);
					if (mode === 'stream') expect(errorText(run)).toContain(FIRST_LOG_LINE);
				},
			);

			faultCase(
				{
					fault: 'Connection reset after the headers, Retry Interrupted Streams on',
					mode,
					expected: 'retried; 2 requests, 1 item',
				},
				async (ctx) => {
					const emulator = await freshEmulator();
					emulator.setBehaviour({ resetAfterHeaders: 1 });
					const run = await runNode({ endpointUrl: emulator.url, mode, options: { retryInterruptedStreams: true } });
					ctx.observe(requestSummary(emulator.requests));
					ctx.observe(itemCount(run));
					ctx.observe(describeWaits(retryWaits(run)));
					expect(errorSummary(run)).toBe('no error');
					expect(emulator.requests.map((r) => r.fault)).toEqual(['resetAfterHeaders', null]);
					expect(run.items).toHaveLength(1);
				},
			);
		}

		faultCase(
			{
				fault: 'Event stream ends before prompt_result',
				mode: 'stream',
				expected: 'not retried by default; 1 request; clear error quoting the log lines seen so far',
			},
			async (ctx) => {
				const emulator = await freshEmulator();
				emulator.setBehaviour({ cutStreamBeforeResult: true });
				const run = await runNode({ endpointUrl: emulator.url, mode: 'stream' });
				ctx.observe(requestSummary(emulator.requests));
				ctx.observe(errorSummary(run));
				expect(emulator.requests).toHaveLength(1);
				expect(runError(run)?.message).toMatch(/ended before|without a result/i);
				expect(errorText(run)).toContain(LAST_LOG_LINE);
			},
		);

		faultCase(
			{
				fault: 'Event stream ends before prompt_result, Retry Interrupted Streams on (cut every time)',
				mode: 'stream',
				expected: 'retried up to Max Retries (2): 3 requests, then the error with the logs',
			},
			async (ctx) => {
				const emulator = await freshEmulator();
				emulator.setBehaviour({ cutStreamBeforeResult: true });
				const run = await runNode({
					endpointUrl: emulator.url,
					mode: 'stream',
					options: { retryInterruptedStreams: true, maxRetries: 2 },
				});
				ctx.observe(requestSummary(emulator.requests));
				ctx.observe(describeWaits(retryWaits(run)));
				ctx.observe(errorSummary(run));
				expect(emulator.requests).toHaveLength(3);
				expect(errorText(run)).toContain(LAST_LOG_LINE);
			},
		);

		faultCase(
			{
				fault: 'error event, then the result',
				mode: 'stream',
				expected: 'the error is logged (n8n log and errorEvents in the item), the result returned: 1 item',
			},
			async (ctx) => {
				const emulator = await freshEmulator();
				emulator.setBehaviour({ errorEvent: 'thenResult' });
				const run = await runNode({ endpointUrl: emulator.url, mode: 'stream' });
				const logged = run.logs.filter((line) => line.level === 'warn' && line.message.includes(SIMULATED_FAILURE));
				ctx.observe(requestSummary(emulator.requests));
				ctx.observe(itemCount(run));
				ctx.observe(`${logged.length} warning in the n8n log`);
				expect(errorSummary(run)).toBe('no error');
				expect(run.items).toHaveLength(1);
				expect(run.items[0].binary?.data).toBeDefined();
				expect(JSON.stringify(run.items[0].json.errorEvents)).toContain(SIMULATED_FAILURE);
				expect(logged).toHaveLength(1);
			},
		);

		faultCase(
			{
				fault: 'error event, then the end of the stream',
				mode: 'stream',
				expected: "error carrying the event's message; 1 request",
			},
			async (ctx) => {
				const emulator = await freshEmulator();
				emulator.setBehaviour({ errorEvent: 'thenEnd' });
				const run = await runNode({ endpointUrl: emulator.url, mode: 'stream' });
				ctx.observe(requestSummary(emulator.requests));
				ctx.observe(errorSummary(run, 200));
				expect(emulator.requests).toHaveLength(1);
				expect(runError(run)?.message).toContain(SIMULATED_FAILURE);
			},
		);
	});
}
