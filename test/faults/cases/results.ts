/**
 * Rows for a 201 whose body is not the result it should be: truncated or non-JSON bodies, runs
 * ViewComfy reports as unfinished or failed, outputs over the size limit, bodies that trickle in.
 */
import { freshEmulator } from '../support/emulators';
import { faultCase } from '../support/faultCase';
import { RESULT_MODES, errorText, runError, runNode } from '../support/nodeRun';
import { errorSummary, itemCount, requestSummary, seconds, waitFor } from '../support/observe';

/** Longer than this is not "a short excerpt" any more. */
const MAX_MESSAGE_CHARS = 1000;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function registerResultCases(): void {
	describe('201 answers that are not a usable result', () => {
		for (const mode of RESULT_MODES) {
			faultCase(
				{
					fault: 'Malformed (truncated) result JSON',
					mode,
					expected: 'clear error with a short excerpt of the body; 1 request',
				},
				async (ctx) => {
					const emulator = await freshEmulator();
					emulator.setBehaviour({ malformedJson: true });
					const run = await runNode({ endpointUrl: emulator.url, mode });
					const message = runError(run)?.message ?? '';
					ctx.observe(requestSummary(emulator.requests));
					ctx.observe(`${errorSummary(run, 90)} (${message.length} chars)`);
					expect(emulator.requests).toHaveLength(1);
					expect(message).toMatch(/not a valid result/i);
					expect(message).toContain('"prompt_id"');
					expect(message.length).toBeLessThan(MAX_MESSAGE_CHARS);
				},
			);

			faultCase(
				{
					fault: '201 with an HTML body instead of the result',
					mode,
					expected: 'clear error with a short excerpt of the body; 1 request',
				},
				async (ctx) => {
					const emulator = await freshEmulator();
					emulator.setBehaviour({ nonJsonBody: true });
					const run = await runNode({ endpointUrl: emulator.url, mode });
					const message = runError(run)?.message ?? '';
					ctx.observe(requestSummary(emulator.requests));
					ctx.observe(`${errorSummary(run, 90)} (${message.length} chars)`);
					expect(emulator.requests).toHaveLength(1);
					expect(message).toMatch(/not a valid result|not JSON|HTML/i);
					expect(message).toMatch(/<!DOCTYPE html>|ViewComfy/);
					expect(message.length).toBeLessThan(MAX_MESSAGE_CHARS);
				},
			);

			for (const [resultStatus, status] of [
				['completed-false', 'running'],
				['status-error', 'error'],
			] as const) {
				faultCase(
					{
						fault: `Result with ${resultStatus === 'completed-false' ? 'completed: false' : 'status: "error"'}`,
						mode,
						expected: 'error naming the status; under Continue On Fail one item that carries status and completed',
					},
					async (ctx) => {
						const emulator = await freshEmulator();
						emulator.setBehaviour({ resultStatus });
						const failed = await runNode({ endpointUrl: emulator.url, mode });
						const continued = await runNode({ endpointUrl: emulator.url, mode, continueOnFail: true });
						const item = continued.items[0];
						ctx.observe(errorSummary(failed));
						ctx.observe(`Continue On Fail: ${itemCount(continued)}, ${JSON.stringify({ status: item?.json.status, completed: item?.json.completed })}`);
						expect(runError(failed)?.message).toContain(`status: ${status}`);
						expect(continued.items).toHaveLength(1);
						expect(item.json).toMatchObject({ status, completed: resultStatus === 'status-error' });
						expect(typeof item.json.error).toBe('string');
						expect(item.pairedItem).toEqual({ item: 0 });
					},
				);
			}

			faultCase(
				{
					fault: 'Output larger than Max Output Size (1 MB limit, 16 MB output sent at 4 MB/s)',
					mode,
					expected:
						'clear error naming the option, raised once the limit is passed: the server sees the socket close long before the ~21 MB body could be sent',
				},
				async (ctx) => {
					const emulator = await freshEmulator();
					emulator.setBehaviour({ outputBytes: 16 * 1024 * 1024, dripBytesPerSecond: 4 * 1024 * 1024 });
					const run = await runNode({ endpointUrl: emulator.url, mode, options: { maxOutputSizeMb: 1 } });
					await waitFor('the server to see the socket close', () => (emulator.requests[0]?.durationMs ?? null) !== null);
					const sentMs = emulator.requests[0].durationMs ?? 0;
					ctx.observe(requestSummary(emulator.requests));
					ctx.observe(errorSummary(run, 110));
					ctx.observe(`server stopped sending after ${seconds(sentMs)} of the ~5.3 s the whole body takes`);
					expect(run.items).toHaveLength(0);
					expect(errorText(run)).toMatch(/Max Output Size/);
					// Generous: the limit is reached after ~0.35 s; reading it all would take 5.3 s.
					expect(sentMs).toBeLessThan(3_000);
				},
			);

			faultCase(
				{
					fault: 'Slow drip of the answer (20 KB/s)',
					mode,
					expected: 'completes with the whole file',
				},
				async (ctx) => {
					const emulator = await freshEmulator();
					emulator.setBehaviour({ dripBytesPerSecond: 20_000 });
					const started = performance.now();
					const run = await runNode({ endpointUrl: emulator.url, mode });
					const elapsed = performance.now() - started;
					const item = run.items[0];
					const serverMs = emulator.requests[0]?.durationMs ?? 0;
					ctx.observe(`${itemCount(run)} after ${seconds(elapsed)} (server sent for ${seconds(serverMs)})`);
					// Proof that the drip was on: the body took a while to send.
					expect(serverMs).toBeGreaterThan(200);
					expect(errorSummary(run)).toBe('no error');
					expect(run.items).toHaveLength(1);
					const bytes = await run.binaryBuffer(item);
					ctx.observe(`${bytes.length} bytes, PNG signature ${bytes.subarray(0, 8).equals(PNG_SIGNATURE) ? 'intact' : 'BROKEN'}`);
					expect(bytes.length).toBe((item.json.file as { fileSize: number }).fileSize);
					expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
				},
			);
		}
	});
}
