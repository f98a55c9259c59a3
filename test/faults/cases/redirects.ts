/**
 * Rows for redirects: the 303 chain of long runs (followed with GET, credentials kept on the
 * same origin) and a redirect to another origin (credentials must stay behind).
 */
import type { RecordedRequest } from '../../emulator/server';
import { freshEmulator, startFaultEmulator } from '../support/emulators';
import { faultCase } from '../support/faultCase';
import { FAULT_CLIENT_ID, RESULT_MODES, runNode } from '../support/nodeRun';
import { errorSummary, itemCount } from '../support/observe';

const methods = (requests: readonly RecordedRequest[]) => requests.map((r) => `${r.method} ${r.status ?? 'reset'}`).join(', ');

/** The record masks the secret as `***`, so presence is visible without the value. */
const credentialHeaders = (r: RecordedRequest) => ({ client_id: r.headers.client_id, client_secret: r.headers.client_secret });

export function registerRedirectCases(): void {
	describe('redirects', () => {
		faultCase(
			{
				fault: 'Chain of three 303s to the result URL (long run)',
				mode: 'wait',
				expected: 'followed with GET to the result; credentials sent on every same-origin hop; 1 item',
			},
			async (ctx) => {
				const emulator = await freshEmulator();
				emulator.setBehaviour({ redirect303AfterMs: 30, redirectChain: 3 });
				const run = await runNode({ endpointUrl: emulator.url, mode: 'wait' });
				ctx.observe(methods(emulator.requests));
				ctx.observe(`credentials on ${emulator.requests.filter((r) => r.headers.client_id).length} of ${emulator.requests.length} hops`);
				ctx.observe(itemCount(run));
				ctx.scanToo('emulator record', JSON.stringify(emulator.requests));
				expect(errorSummary(run)).toBe('no error');
				expect(emulator.requests.map((r) => [r.method, r.kind, r.status])).toEqual([
					['POST', 'infer', 303],
					['GET', 'result', 303],
					['GET', 'result', 303],
					['GET', 'result', 201],
				]);
				for (const hop of emulator.requests) {
					expect(credentialHeaders(hop)).toEqual({ client_id: FAULT_CLIENT_ID, client_secret: '***' });
				}
				expect(run.items).toHaveLength(1);
			},
		);

		const crossOrigin: Array<{ status: 303 | 307; mode: (typeof RESULT_MODES)[number] }> = [
			{ status: 307, mode: 'wait' },
			{ status: 307, mode: 'stream' },
			{ status: 303, mode: 'wait' },
		];
		for (const { status, mode } of crossOrigin) {
			faultCase(
				{
					fault: `${status} redirect to another origin`,
					mode,
					expected: 'followed without the credentials: the second server receives no client_id / client_secret; clear error',
				},
				async (ctx) => {
					const first = await freshEmulator();
					const other = await startFaultEmulator();
					try {
						first.setBehaviour({ redirectToOrigin: other.origin, redirectToOriginStatus: status });
						const run = await runNode({ endpointUrl: first.url, mode });
						ctx.observe(`first origin: ${methods(first.requests)}; other origin: ${methods(other.requests)}`);
						ctx.observe(`headers at the other origin: ${JSON.stringify(other.requests.map(credentialHeaders))}`);
						ctx.observe(errorSummary(run, 90));
						ctx.scanToo('other origin record', JSON.stringify(other.requests));
						expect(credentialHeaders(first.requests[0])).toEqual({ client_id: FAULT_CLIENT_ID, client_secret: '***' });
						expect(other.requests).toHaveLength(1);
						expect(other.requests[0].method).toBe(status === 307 ? 'POST' : 'GET');
						expect(Object.keys(other.requests[0].headers)).not.toContain('client_id');
						expect(Object.keys(other.requests[0].headers)).not.toContain('client_secret');
						expect(run.items).toHaveLength(0);
					} finally {
						await other.close();
					}
				},
			);
		}
	});
}
