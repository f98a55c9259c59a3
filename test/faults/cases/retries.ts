/**
 * Rows for failures before any answer arrived: cold starts, rate limits, refused and reset
 * connections (retried), and errors that may follow a paid run (500, other 4xx: never retried).
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

import type { EmulatorBehaviour } from '../../emulator/server';
import { n8nRuntime } from '../../harness/n8nRuntime';
import { freshEmulator, startFaultEmulator } from '../support/emulators';
import { faultCase } from '../support/faultCase';
import { FAULT_CLIENT_ID, RESULT_MODES, deployedParameter, errorText, runError, runNode } from '../support/nodeRun';
import {
	arrivalGaps,
	describeWaits,
	errorSummary,
	itemCount,
	requestSummary,
	retryWaits,
	waitFor,
} from '../support/observe';
import { startScriptedServer, tinyPng } from '../support/scriptedServer';

/** A port nothing listens on right now. */
async function closedPort(): Promise<number> {
	const probe = createServer();
	await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
	const { port } = probe.address() as AddressInfo;
	await new Promise<void>((resolve) => probe.close(() => resolve()));
	return port;
}

/** Faults that outlast Max Retries 2: the third failure is the error the user sees. */
const EXHAUSTED_RETRIES: Array<{ fault: string; expected: string; behaviour: Partial<EmulatorBehaviour>; names: RegExp }> = [
	{
		fault: 'Cold start that outlasts Max Retries (503 every time, Max Retries 2)',
		expected: '3 requests, then an error naming HTTP 503 and how often it was tried',
		behaviour: { coldStart503: 'always' },
		names: /503/,
	},
	{
		fault: 'Connection reset before any answer, every time (Max Retries 2)',
		expected: '3 requests, then an error saying the connection closed before an answer and how often it was tried',
		behaviour: { resetBeforeAnswer: 'always' },
		names: /closed|reset/i,
	},
];

/** Timer and clock slack for "waited at least": record times have ms resolution. */
const SLACK_MS = 60;

export function registerRetryCases(): void {
	describe('failures before an answer', () => {
		for (const status of [502, 503, 504] as const) {
			for (const mode of RESULT_MODES) {
				faultCase(
					{
						fault: `Cold start: ${status} twice, then success`,
						mode,
						expected: 'retried with jittered backoff; 3 requests, exactly 1 output item',
					},
					async (ctx) => {
						const emulator = await freshEmulator();
						emulator.setBehaviour({ coldStart503: 2, coldStartStatus: status });
						const run = await runNode({ endpointUrl: emulator.url, mode });
						const waits = retryWaits(run);
						ctx.observe(requestSummary(emulator.requests));
						ctx.observe(itemCount(run));
						ctx.observe(describeWaits(waits));
						expect(errorSummary(run)).toBe('no error');
						expect(emulator.requests.map((r) => r.status)).toEqual([status, status, 201]);
						expect(run.items).toHaveLength(1);
						expect(run.items[0].binary?.data?.mimeType).toBe('image/png');
						expect(waits).toHaveLength(2);
					},
				);
			}
		}

		faultCase(
			{
				fault: 'Cold start: 503 three times, no Retry-After (exponential backoff)',
				mode: 'wait',
				expected: 'waits drawn below 1 s, 2 s, 4 s (full jitter), really waited; 4 requests, 1 item',
			},
			async (ctx) => {
				const emulator = await freshEmulator();
				emulator.setBehaviour({ coldStart503: 3 });
				const run = await runNode({
					endpointUrl: emulator.url,
					mode: 'wait',
					options: { maxRetries: 5, maxRetryWaitSeconds: 60 },
				});
				const waits = retryWaits(run);
				const gaps = arrivalGaps(emulator.requests);
				ctx.observe(requestSummary(emulator.requests));
				ctx.observe(itemCount(run));
				ctx.observe(describeWaits(waits));
				ctx.observe(`gaps between requests ${gaps.map((g) => `${(g / 1000).toFixed(2)} s`).join(', ')}`);
				expect(errorSummary(run)).toBe('no error');
				expect(emulator.requests).toHaveLength(4);
				expect(run.items).toHaveLength(1);
				expect(waits).toHaveLength(3);
				waits.forEach((wait, k) => {
					expect(wait).toBeLessThanOrEqual(2 ** k);
					expect(gaps[k]).toBeGreaterThanOrEqual(wait * 1000 - 50 - SLACK_MS);
				});
			},
		);

		for (const mode of RESULT_MODES) {
			faultCase(
				{
					fault: 'Cold start: 503 with Retry-After: 1 (scripted server)',
					mode,
					expected: 'retried after the 1 s the server asked for; 2 requests, 1 item',
				},
				async (ctx) => {
					const server = await startScriptedServer([
						{ kind: 'status', status: 503, headers: { 'retry-after': '1' }, body: '<h1>503 Service Unavailable</h1>' },
						{ kind: 'result', mode, outputs: [{ filename: 'out.png', contentType: 'image/png', data: tinyPng() }] },
					]);
					try {
						const run = await runNode({ endpointUrl: server.url, mode, options: { maxRetryWaitSeconds: 5 } });
						const gaps = arrivalGaps(server.requests);
						ctx.observe(requestSummary(server.requests));
						ctx.observe(itemCount(run));
						ctx.observe(`${describeWaits(retryWaits(run))}, measured gap ${(gaps[0] / 1000).toFixed(2)} s`);
						expect(errorSummary(run)).toBe('no error');
						expect(server.requests).toHaveLength(2);
						expect(run.items).toHaveLength(1);
						expect(retryWaits(run)).toEqual([1]);
						expect(gaps[0]).toBeGreaterThanOrEqual(1000 - SLACK_MS);
					} finally {
						await server.close();
					}
				},
			);
		}

		for (const mode of RESULT_MODES) {
			faultCase(
				{
					fault: '429 with Retry-After: 1',
					mode,
					expected: 'retried after Retry-After; 2 requests, 1 item',
				},
				async (ctx) => {
					const emulator = await freshEmulator();
					emulator.setBehaviour({ rateLimit429: 1, retryAfterSeconds: 1 });
					const run = await runNode({ endpointUrl: emulator.url, mode, options: { maxRetryWaitSeconds: 5 } });
					const gaps = arrivalGaps(emulator.requests);
					ctx.observe(requestSummary(emulator.requests));
					ctx.observe(itemCount(run));
					ctx.observe(`${describeWaits(retryWaits(run))}, measured gap ${(gaps[0] / 1000).toFixed(2)} s`);
					expect(errorSummary(run)).toBe('no error');
					expect(emulator.requests.map((r) => r.status)).toEqual([429, 201]);
					expect(run.items).toHaveLength(1);
					expect(retryWaits(run)).toEqual([1]);
					expect(gaps[0]).toBeGreaterThanOrEqual(1000 - SLACK_MS);
				},
			);
		}

		faultCase(
			{
				fault: '429 asking for longer than Max Total Retry Wait',
				mode: 'wait',
				expected: 'not retried (coming back sooner would be refused again); 1 request; error names HTTP 429',
			},
			async (ctx) => {
				const emulator = await freshEmulator();
				emulator.setBehaviour({ rateLimit429: 1, retryAfterSeconds: 30 });
				const run = await runNode({ endpointUrl: emulator.url, mode: 'wait', options: { maxRetryWaitSeconds: 1 } });
				ctx.observe(requestSummary(emulator.requests));
				ctx.observe(errorSummary(run));
				expect(emulator.requests).toHaveLength(1);
				expect(runError(run)?.message).toMatch(/429/);
			},
		);

		for (const mode of RESULT_MODES) {
			faultCase(
				{
					fault: 'Connection refused, the server starts listening later',
					mode,
					expected: 'retried until the port answers; 1 request reaches the server, 1 item',
				},
				async (ctx) => {
					const port = await closedPort();
					const { logger } = n8nRuntime();
					const running = runNode({
						endpointUrl: `http://127.0.0.1:${port}/`,
						mode,
						options: { maxRetries: 10, maxRetryWaitSeconds: 20 },
					});
					// Start only once the node has seen the refusal and scheduled a retry.
					await waitFor('a refused attempt', () =>
						logger.lines.some((line) => /ECONNREFUSED/.test(line.message)),
					);
					const emulator = await startFaultEmulator({ port });
					const run = await running;
					const waits = retryWaits(run);
					ctx.observe(`${waits.length} refused attempt(s) before the port opened`);
					ctx.observe(`server then saw ${requestSummary(emulator.requests)}`);
					ctx.observe(itemCount(run));
					expect(errorSummary(run)).toBe('no error');
					expect(waits.length).toBeGreaterThanOrEqual(1);
					expect(emulator.requests).toHaveLength(1);
					expect(run.items).toHaveLength(1);
					await emulator.close();
				},
			);
		}

		faultCase(
			{
				fault: 'Connection refused, nothing ever listens',
				mode: 'wait',
				expected: 'retried Max Retries times, then an error saying the connection was refused and how often it was tried',
			},
			async (ctx) => {
				const port = await closedPort();
				const run = await runNode({
					endpointUrl: `http://127.0.0.1:${port}/`,
					mode: 'wait',
					options: { maxRetries: 2, maxRetryWaitSeconds: 0.3 },
				});
				ctx.observe(describeWaits(retryWaits(run)));
				ctx.observe(errorSummary(run, 200));
				expect(retryWaits(run)).toHaveLength(2);
				expect(runError(run)?.message).toMatch(/refused/i);
				expect(errorText(run)).toMatch(/3 times/);
				expect(errorText(run)).toMatch(/Endpoint URL/);
			},
		);

		for (const mode of RESULT_MODES) {
			faultCase(
				{
					fault: 'Connection reset before any answer',
					mode,
					expected: 'retried; 2 requests (first reset), 1 item',
				},
				async (ctx) => {
					const emulator = await freshEmulator();
					emulator.setBehaviour({ resetBeforeAnswer: 1 });
					const run = await runNode({ endpointUrl: emulator.url, mode });
					ctx.observe(requestSummary(emulator.requests));
					ctx.observe(itemCount(run));
					ctx.observe(describeWaits(retryWaits(run)));
					expect(errorSummary(run)).toBe('no error');
					expect(emulator.requests.map((r) => r.status)).toEqual([null, 201]);
					expect(run.items).toHaveLength(1);
				},
			);
		}

		for (const row of EXHAUSTED_RETRIES) {
			faultCase(
				{ fault: row.fault, mode: 'wait', expected: row.expected },
				async (ctx) => {
					const emulator = await freshEmulator();
					emulator.setBehaviour(row.behaviour);
					const run = await runNode({
						endpointUrl: emulator.url,
						mode: 'wait',
						options: { maxRetries: 2, maxRetryWaitSeconds: 0.3 },
					});
					ctx.observe(requestSummary(emulator.requests));
					ctx.observe(errorSummary(run, 200));
					expect(emulator.requests).toHaveLength(3);
					expect(runError(run)?.message).toMatch(row.names);
					// Message or description: the user must learn that retries already happened.
					expect(errorText(run)).toMatch(/3 attempts|3 times/);
				},
			);
		}

		for (const mode of RESULT_MODES) {
			faultCase(
				{
					fault: '500 with a ViewComfy error body',
					mode,
					expected: "not retried (the run may have been paid); 1 request; error with status and the server's message",
				},
				async (ctx) => {
					const emulator = await freshEmulator();
					emulator.setBehaviour({ error500: 'always' });
					const run = await runNode({ endpointUrl: emulator.url, mode });
					ctx.observe(requestSummary(emulator.requests));
					ctx.observe(errorSummary(run));
					expect(emulator.requests).toHaveLength(1);
					expect(runError(run)?.message).toMatch(/500/);
					expect(errorText(run)).toMatch(/CUDA out of memory/);
					expect(errorText(run)).not.toMatch(/\n\s+at /);
				},
			);
		}

		for (const mode of RESULT_MODES) {
			faultCase(
				{
					fault: '422: a parameter key the deployed workflow lacks',
					mode,
					expected: 'not retried; 1 request; error names the key',
				},
				async (ctx) => {
					const emulator = await freshEmulator();
					const run = await runNode({
						endpointUrl: emulator.url,
						mode,
						parameters: deployedParameter('99-inputs-nope', 'x'),
					});
					ctx.observe(requestSummary(emulator.requests));
					ctx.observe(errorSummary(run));
					expect(emulator.requests.map((r) => r.status)).toEqual([422]);
					expect(runError(run)?.message).toMatch(/422|rejected|invalid/i);
					expect(errorText(run)).toMatch(/99-inputs-nope/);
				},
			);
		}

		for (const mode of RESULT_MODES) {
			faultCase(
				{
					fault: '401: wrong Client ID',
					mode,
					expected: 'not retried; 1 request; error says to check the credential',
				},
				async (ctx) => {
					const wrongId = await startFaultEmulator({ clientId: `${FAULT_CLIENT_ID}-other` });
					try {
						const run = await runNode({ endpointUrl: wrongId.url, mode });
						ctx.observe(requestSummary(wrongId.requests));
						ctx.observe(errorSummary(run));
						expect(wrongId.requests.map((r) => r.status)).toEqual([401]);
						expect(errorText(run)).toMatch(/Client ID|credential/i);
					} finally {
						await wrongId.close();
					}
				},
			);
		}
	});
}
