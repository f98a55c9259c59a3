/**
 * Rows for calls that must stop: the overall timeout (a slow run, a body that trickles in too
 * slowly) and n8n's "Stop execution", which must close the socket at once.
 *
 * Timeout (Minutes) has a UI minimum of 1; n8n does not enforce it at run time, so fractions
 * keep these rows short. Bounds on time are generous upper limits, never tight timings.
 */
import { freshEmulator } from '../support/emulators';
import { faultCase } from '../support/faultCase';
import { RESULT_MODES, errorText, runNode } from '../support/nodeRun';
import { errorSummary, itemCount, requestSummary, seconds, waitFor } from '../support/observe';

/** 0.01 minutes: the call gives up after 0.6 s. */
const SHORT_TIMEOUT_MINUTES = 0.01;
/** How long a stopped call may take to let go of its socket before the row fails. */
const GENEROUS_MS = 5_000;

export function registerDeadlineCases(): void {
	describe('deadlines and cancellation', () => {
		for (const mode of RESULT_MODES) {
			faultCase(
				{
					fault: 'Run slower than Timeout (Minutes)',
					mode,
					expected: 'error naming the Timeout (Minutes) setting; the socket is closed',
				},
				async (ctx) => {
					const emulator = await freshEmulator();
					emulator.setBehaviour({ latencyMs: 10_000 });
					const run = await runNode({ endpointUrl: emulator.url, mode, options: { timeoutMinutes: SHORT_TIMEOUT_MINUTES } });
					await waitFor('the server to see the socket close', () => (emulator.requests[0]?.durationMs ?? null) !== null, GENEROUS_MS);
					ctx.observe(errorSummary(run, 110));
					ctx.observe(`${requestSummary(emulator.requests)}, closed after ${seconds(emulator.requests[0].durationMs ?? 0)}`);
					expect(errorText(run)).toMatch(/Timeout \(Minutes\)/);
					expect(emulator.requests).toHaveLength(1);
					expect(emulator.requests[0].durationMs).toBeLessThan(10_000);
				},
			);

			faultCase(
				{
					fault: 'Slow drip slower than Timeout (Minutes) (2 KB/s, 200 KB output)',
					mode,
					expected: 'times out cleanly with the setting named; the socket is closed',
				},
				async (ctx) => {
					const emulator = await freshEmulator();
					emulator.setBehaviour({ dripBytesPerSecond: 2_000, outputBytes: 200_000 });
					const run = await runNode({ endpointUrl: emulator.url, mode, options: { timeoutMinutes: 0.02 } });
					await waitFor('the server to see the socket close', () => (emulator.requests[0]?.durationMs ?? null) !== null, GENEROUS_MS);
					ctx.observe(errorSummary(run, 110));
					ctx.observe(`${requestSummary(emulator.requests)}, closed after ${seconds(emulator.requests[0].durationMs ?? 0)}`);
					expect(errorText(run)).toMatch(/Timeout \(Minutes\)/);
					expect(run.items).toHaveLength(0);
				},
			);

			faultCase(
				{
					fault: 'Slow cold boot: the first answer comes after 1 s',
					mode,
					expected: 'waits (no timeout inside Timeout (Minutes), no retry): 1 request, 1 item',
				},
				async (ctx) => {
					const emulator = await freshEmulator();
					emulator.setBehaviour({ coldStartDelayMs: 1_000 });
					const run = await runNode({ endpointUrl: emulator.url, mode });
					ctx.observe(`${requestSummary(emulator.requests)} answered after ${seconds(emulator.requests[0]?.durationMs ?? 0)}`);
					ctx.observe(itemCount(run));
					expect(errorSummary(run)).toBe('no error');
					expect(emulator.requests).toHaveLength(1);
					expect(emulator.requests[0].durationMs).toBeGreaterThanOrEqual(1_000);
					expect(run.items).toHaveLength(1);
				},
			);

			faultCase(
				{
					fault: 'n8n execution cancelled during the run',
					mode,
					expected: 'request aborted at once (bound checked: 5 s); execution status canceled',
				},
				async (ctx) => {
					const emulator = await freshEmulator();
					emulator.setBehaviour({ latencyMs: 20_000 });
					const controller = new AbortController();
					const running = runNode({ endpointUrl: emulator.url, mode, signal: controller.signal });
					// The whole request has arrived and the run is "executing" on the server.
					await waitFor('the request to arrive', () => emulator.requests.length === 1 && emulator.requests[0].form !== null);
					const cancelledAt = performance.now();
					controller.abort();
					const run = await running;
					const returnedMs = performance.now() - cancelledAt;
					await waitFor('the server to see the socket close', () => emulator.requests[0].durationMs !== null, GENEROUS_MS);
					const closedMs = performance.now() - cancelledAt;
					ctx.observe(`node returned ${seconds(returnedMs)} after the cancel; server saw the socket close within ${seconds(closedMs)}`);
					ctx.observe(`status ${run.status}, ${requestSummary(emulator.requests)}`);
					expect(run.status).toBe('canceled');
					expect(returnedMs).toBeLessThan(GENEROUS_MS);
					expect(closedMs).toBeLessThan(GENEROUS_MS);
					expect(emulator.requests).toHaveLength(1);
				},
			);
		}
	});
}
