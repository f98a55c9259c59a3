/**
 * Stopping the n8n execution aborts the HTTP request in flight: the emulator sees the connection
 * close before it answered (or before the stream ended), instead of the node waiting out the run.
 */
import type { RecordedRequest } from '../../emulator/server';
import { inferRequests, pasteParameters, runAgainst, useEmulator } from './support';

// Far longer than the test may take: a run that is not aborted makes the test time out.
const RUN_MS = 120_000;

const env = useEmulator('txt2img');

async function until<T>(probe: () => T | undefined): Promise<T> {
	for (;;) {
		const value = probe();
		if (value !== undefined) return value;
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

/** The infer request once its whole body has arrived (the emulator is then running the workflow). */
const requestInFlight = () => until(() => inferRequests(env.emulator).find((request) => request.form !== null));
/** The same request once the emulator saw its connection end. */
const requestEnded = (request: RecordedRequest) => until(() => (request.durationMs !== null ? request : undefined));

it('aborts a waiting request when the execution is stopped', async () => {
	env.emulator.setBehaviour({ latencyMs: RUN_MS });
	const stop = new AbortController();
	const running = runAgainst(env.emulator, { parameters: pasteParameters('txt2img'), signal: stop.signal });

	const request = await requestInFlight();
	stop.abort();
	const result = await running;

	await requestEnded(request);
	// The connection closed while the emulator was still running the workflow: no answer was sent.
	expect(request.status).toBeNull();
	expect(result.items).toEqual([]);
	expect(result.status).toBe('canceled');
	expect(inferRequests(env.emulator)).toHaveLength(1);
}, 20_000);

it('aborts a log stream when the execution is stopped', async () => {
	env.emulator.setBehaviour({ latencyMs: RUN_MS });
	const stop = new AbortController();
	const running = runAgainst(env.emulator, {
		parameters: pasteParameters('txt2img', { resultMode: 'stream' }),
		signal: stop.signal,
	});

	const request = await until(() => inferRequests(env.emulator).find((entry) => entry.status === 201));
	stop.abort();
	const result = await running;

	await requestEnded(request);
	// The stream had started (201) and ended long before the run would have finished.
	expect(request.durationMs).toBeLessThan(RUN_MS);
	expect(result.status).toBe('canceled');
	expect(inferRequests(env.emulator)).toHaveLength(1);
}, 20_000);

it('starts no further items after the stop', async () => {
	env.emulator.setBehaviour({ latencyMs: RUN_MS });
	const stop = new AbortController();
	const running = runAgainst(env.emulator, {
		parameters: pasteParameters('txt2img'),
		input: [1, 2, 3].map((n) => ({ json: { n } })),
		signal: stop.signal,
	});
	await requestInFlight();
	stop.abort();
	await running;
	expect(inferRequests(env.emulator)).toHaveLength(1);
}, 20_000);
