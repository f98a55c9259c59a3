/**
 * Rows for Stream Logs on the hosted API, whose live logs and pushed result come over Socket.IO:
 * a refused connection, a socket dropped mid-run, a result event that never comes, and a runtime
 * without WebSocket (Node 20). In each the run must still end with its image, by polling, with at
 * most one warning. On Node 20 the rows that need a socket give the harness `ws` as the global
 * WebSocket the shipped code reads (Node 22+ has its own).
 */
import { WebSocket as WsWebSocket } from 'ws';

import { freshEmulator } from '../support/emulators';
import { faultCase } from '../support/faultCase';
import { runNode, type RunResult } from '../support/nodeRun';
import { itemCount } from '../support/observe';
import { NIL_PROMPT_ID } from '../../../nodes/ViewComfy/transport/hosted/hostedClient';
import type { EmulatorBehaviour, EmulatorHandle } from '../../emulator/server';

const DEPLOYMENT_URL = 'https://team--viewcomfy-deployment.modal.run/';
const FAST_POLLS = { pollIntervalSeconds: 0.05, maxPollIntervalSeconds: 0.2 };
const runtime = globalThis as { WebSocket?: unknown };

async function streamHosted(emulator: EmulatorHandle, webSocket: boolean): Promise<RunResult> {
	const native = runtime.WebSocket;
	runtime.WebSocket = webSocket ? (native ?? WsWebSocket) : undefined;
	try {
		return await runNode({ endpointUrl: DEPLOYMENT_URL, hostedApiUrl: emulator.origin, mode: 'stream', options: FAST_POLLS });
	} finally {
		runtime.WebSocket = native;
	}
}

const warnings = (run: RunResult) => run.logs.filter((line) => /no live logs/.test(line.message)).map((line) => line.message);

function observeRun(ctx: { observe(fact: string): void }, emulator: EmulatorHandle, run: RunResult): void {
	const logs = run.items[0]?.json.logs;
	ctx.observe(itemCount(run));
	ctx.observe(`${Array.isArray(logs) ? logs.length : 0} log lines in the output`);
	const statuses = emulator.requests.filter((r) => r.kind === 'hosted-status');
	// The status of no run, asked through n8n's helper right before the socket connects (it bypasses them).
	const beforeSocket = statuses.filter((r) => r.hosted?.promptIds?.[0] === NIL_PROMPT_ID).length;
	ctx.observe(`${statuses.length - beforeSocket} status polls${beforeSocket ? `, after ${beforeSocket} status request before the socket` : ''}`);
	const [warning] = warnings(run);
	ctx.observe(warning ? `warning: "${warning.replace(/^\[ViewComfy\] /, '').slice(0, 120)}"` : 'no warning');
}

function expectImage(run: RunResult): void {
	expect(run.error).toBeUndefined();
	expect(run.items).toHaveLength(1);
	expect(run.items[0].json).toMatchObject({ status: 'success', file: { mimeType: 'image/png' } });
}

export function registerHostedSocketCases(): void {
	describe('hosted Stream Logs over Socket.IO', () => {
		const socketFaults: Array<[string, Partial<EmulatorBehaviour>, string, RegExp | null]> = [
			['Hosted Stream Logs: Socket.IO connection refused', { socketAuthRefused: 1 }, 'one warning naming the refusal; the run polled to success; 1 item with the image', /the server refused the connection/],
			['Hosted Stream Logs: socket dropped mid-run', { socketDropMidRun: 1 }, 'one warning; the lines before the drop kept; the run polled to success; 1 item', /the server disconnected the socket/],
			['Hosted Stream Logs: result event never comes', { socketResultNeverSent: 1 }, 'no warning (the socket is fine); the status poll finds the result; 1 item with all log lines', null],
		];
		for (const [fault, behaviour, expected, warning] of socketFaults) {
			faultCase({ fault, mode: 'stream', expected }, async (ctx) => {
				const emulator = await freshEmulator();
				emulator.setBehaviour({ hostedRunMs: 400, ...behaviour });
				const run = await streamHosted(emulator, true);
				observeRun(ctx, emulator, run);
				ctx.scanToo('emulator socket record', JSON.stringify(emulator.sockets));
				expectImage(run);
				if (warning) {
					expect(warnings(run)).toHaveLength(1);
					expect(warnings(run)[0]).toMatch(warning);
				} else expect(warnings(run)).toEqual([]);
				if (behaviour.socketDropMidRun) expect(run.items[0].json.logs).toHaveLength(2);
				if (behaviour.socketResultNeverSent) expect(run.items[0].json.logs).toEqual(expect.arrayContaining(['got prompt']));
			});
		}

		faultCase(
			{ fault: 'Hosted Stream Logs: no WebSocket in the runtime (Node 20)', mode: 'stream', expected: 'one warning naming the missing WebSocket; no socket opened, no sid sent; polled to success; 1 item' },
			async (ctx) => {
				const emulator = await freshEmulator();
				const run = await streamHosted(emulator, false);
				observeRun(ctx, emulator, run);
				expectImage(run);
				expect(warnings(run)).toEqual([expect.stringContaining('this runtime has no WebSocket')]);
				expect(emulator.sockets).toEqual([]);
				expect(emulator.requests.find((r) => r.kind === 'hosted-submit')?.form?.fieldNames).not.toContain('sid');
			},
		);
	});
}
