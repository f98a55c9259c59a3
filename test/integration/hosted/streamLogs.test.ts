/**
 * Run Workflow, Stream Logs on the hosted API, through n8n's engine against the emulator: with a
 * global WebSocket (Node 22+; on Node 20 the test provides `ws` as the global the shipped code
 * reads) the log lines come over Socket.IO into `logs` and n8n's log and the result is pushed; with
 * none, or when the socket fails, one warning and polling still outputs the image; Stop cancels the
 * run and closes the socket; Get Results works for a run started this way.
 */
import { WebSocket as WsWebSocket } from 'ws';
import { PNG } from 'pngjs';

import {
	errorText,
	getResultsParameters,
	requestsOf,
	runNode,
	runWorkflowParameters,
	useHostedEmulator,
	visibleText,
	waitForRequest,
	HOSTED_SECRET,
} from './hostedNode';

const emulator = useHostedEmulator();
const streamParameters = (options = {}) => runWorkflowParameters({ resultMode: 'stream' }, options);
const runtime = globalThis as { WebSocket?: unknown };
const nativeWebSocket = runtime.WebSocket;

function withGlobalWebSocket(present: boolean): void {
	beforeEach(() => {
		runtime.WebSocket = present ? (nativeWebSocket ?? WsWebSocket) : undefined;
	});
	afterEach(() => {
		runtime.WebSocket = nativeWebSocket;
	});
}

describe('with a WebSocket (Node 22+)', () => {
	withGlobalWebSocket(true);

	it('streams the log lines into logs and n8n\'s log, and outputs the pushed result\'s image', async () => {
		const emu = emulator();
		emu.setBehaviour({ hostedRunMs: 600 });
		// Slow polling: only the push can end the wait early.
		const run = await runNode(emu, { parameters: streamParameters({ pollIntervalSeconds: 30, maxPollIntervalSeconds: 30 }), input: [{ json: { prompt: 'fox' } }] });
		expect(errorText(run)).toBe('');
		const [item] = run.items;
		expect(item.json).toMatchObject({ status: 'success', completed: true, file: { mimeType: 'image/png' } });
		expect(item.json.logs).toEqual(expect.arrayContaining(['got prompt', 'Prompt executed in 0.60 seconds']));
		expect(PNG.sync.read(Buffer.from(item.binary!.data.data, 'base64')).width).toBe(512);
		expect(run.logText).toContain('[ViewComfy] got prompt');
		expect(run.logText).not.toMatch(/no live logs/);
		// The status of no run, through n8n's helper, before the socket connects (it bypasses them);
		// then one poll right after the submit: the pushed result ended the wait.
		const [reached, poll] = requestsOf(emu, 'hosted-status');
		expect(requestsOf(emu, 'hosted-status')).toHaveLength(2);
		expect(reached.hosted?.promptIds).toEqual(['00000000-0000-0000-0000-000000000000']);
		expect(Date.parse(emu.sockets[0].time)).toBeGreaterThanOrEqual(Date.parse(reached.time));
		const [submit] = requestsOf(emu, 'hosted-submit');
		expect(poll.hosted?.promptIds).toEqual([submit.hosted?.promptId]);
		expect(submit.hosted).toMatchObject({ sid: emu.sockets[0].sid, sidConnected: true });
		expect(submit.form?.fieldNames).toContain('sid');
		const pushedAt = emu.sockets[0].events.at(-1)!;
		expect(pushedAt.event).toBe('infer_result_message');
		const download = requestsOf(emu, 'download')[0];
		expect(Date.parse(download.time) - pushedAt.atMs).toBeLessThan(100);
		expect(visibleText(run)).not.toContain(HOSTED_SECRET);
		expect(emu.sockets[0].closedBy).not.toBeNull();
	});

	it.each([
		['socketAuthRefused', { socketAuthRefused: 1 }, /no live logs \(the server refused the connection/],
		['socketDropMidRun', { socketDropMidRun: 1 }, /no live logs \(the server disconnected the socket\)/],
	])('%s: one warning, polling outputs the image', async (_name, behaviour, warning) => {
		const emu = emulator();
		emu.setBehaviour({ hostedRunMs: 400, ...behaviour });
		const run = await runNode(emu, { parameters: streamParameters(), input: [{ json: { prompt: 'fox' } }] });
		expect(errorText(run)).toBe('');
		expect(run.items[0].json).toMatchObject({ status: 'success', file: { mimeType: 'image/png' } });
		expect(run.logs.filter((l) => /no live logs/.test(l.message))).toHaveLength(1);
		expect(run.logText).toMatch(warning);
		expect(visibleText(run)).not.toContain(HOSTED_SECRET);
	});

	it('socketResultNeverSent: the logs come, polling finds the result', async () => {
		const emu = emulator();
		emu.setBehaviour({ hostedRunMs: 300, socketResultNeverSent: 1 });
		const run = await runNode(emu, { parameters: streamParameters(), input: [{ json: { prompt: 'fox' } }] });
		expect(errorText(run)).toBe('');
		expect(run.items[0].json).toMatchObject({ status: 'success', logs: expect.arrayContaining(['got prompt']) });
	});

	it('a failed run fails with its error data, as when polled', async () => {
		const emu = emulator();
		emu.setBehaviour({ hostedRunMs: 200, resultStatus: 'status-error' });
		const run = await runNode(emu, { parameters: streamParameters({ pollIntervalSeconds: 30, maxPollIntervalSeconds: 30 }), input: [{ json: { prompt: 'fox' } }] });
		expect(errorText(run)).toContain('VAEDecode: simulated failure');
	});

	it('Stop cancels the run at ViewComfy and closes the socket', async () => {
		const emu = emulator();
		emu.setBehaviour({ hostedRunMs: 60_000 });
		const stop = new AbortController();
		const running = runNode(emu, { parameters: streamParameters(), input: [{ json: { prompt: 'fox' } }], signal: stop.signal });
		await waitForRequest(emu, (r) => r.kind === 'hosted-submit' && r.status === 201);
		stop.abort();
		const run = await running;
		expect(run.status).toBe('canceled');
		expect(await waitForRequest(emu, (r) => r.kind === 'hosted-cancel')).toMatchObject({ status: 201 });
		const deadline = Date.now() + 3000;
		while (emu.sockets[0].closedBy === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
		expect(emu.sockets[0].closedBy).toBe('client');
	});

	it('Get Results reads a run started with Stream Logs', async () => {
		const emu = emulator();
		const started = await runNode(emu, { parameters: streamParameters(), input: [{ json: { prompt: 'fox' } }] });
		const promptId = started.items[0].json.prompt_id;
		const results = await runNode(emu, { parameters: getResultsParameters(), input: [{ json: { prompt_id: promptId } }] });
		expect(errorText(results)).toBe('');
		expect(results.items[0].json).toMatchObject({ prompt_id: promptId, status: 'success', file: { mimeType: 'image/png' } });
	});
});

describe('without a WebSocket (Node 20)', () => {
	withGlobalWebSocket(false);

	it('one warning naming the missing WebSocket; polling outputs the image, with empty logs', async () => {
		const emu = emulator();
		const run = await runNode(emu, { parameters: streamParameters(), input: [{ json: { prompt: 'fox' } }] });
		expect(errorText(run)).toBe('');
		expect(run.items[0].json).toMatchObject({ status: 'success', file: { mimeType: 'image/png' }, logs: [] });
		expect(run.logs.filter((l) => /no live logs/.test(l.message))).toEqual([
			expect.objectContaining({ message: expect.stringContaining('this runtime has no WebSocket (Node 22 or later has one)') }),
		]);
		expect(emu.sockets).toEqual([]);
		expect(requestsOf(emu, 'hosted-submit')[0].form?.fieldNames).not.toContain('sid');
	});
});
