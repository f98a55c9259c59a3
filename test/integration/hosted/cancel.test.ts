/**
 * Cancelling hosted runs: n8n's Stop sends the cancel request for the run in flight and stops
 * polling; the Cancel Run operation cancels by prompt id; a run cancelled elsewhere fails clearly.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import {
	DEPLOYMENT_URL,
	HOSTED_CLIENT_ID,
	HOSTED_SECRET,
	errorText,
	getResultsParameters,
	requestsOf,
	runNode,
	runWorkflowParameters,
	useHostedEmulator,
	waitForRequest,
} from './hostedNode';

const emulator = useHostedEmulator();

async function statusOf(origin: string, promptId: string): Promise<string> {
	const res = await fetch(`${origin}/api/workflow/infer/?prompt_ids=${promptId}`, { headers: { client_id: HOSTED_CLIENT_ID, client_secret: HOSTED_SECRET } });
	const [record] = (await res.json()) as Array<{ status: string }>;
	return record.status;
}

describe('stopping the n8n execution', () => {
	it('sends the cancel request for the run being waited for, and polls no more', async () => {
		const emu = emulator();
		emu.setBehaviour({ hostedRunMs: 60_000 });
		const controller = new AbortController();
		const running = runNode(emu, { parameters: runWorkflowParameters(), input: [{ json: { prompt: 'stop me' } }], signal: controller.signal });
		const submit = await waitForRequest(emu, (r) => r.kind === 'hosted-submit' && r.status === 201);
		await waitForRequest(emu, (r) => r.kind === 'hosted-status');
		controller.abort();

		const run = await running;
		expect(run.status).toBe('canceled');
		const cancel = await waitForRequest(emu, (r) => r.kind === 'hosted-cancel');
		expect(cancel).toMatchObject({ method: 'POST', path: '/api/workflow/infer/cancel', status: 201, contentType: 'application/json' });
		expect(cancel.headers.client_id).toBe(HOSTED_CLIENT_ID);
		expect(cancel.hosted).toEqual({
			promptId: submit.hosted?.promptId,
			viewComfyApiUrl: DEPLOYMENT_URL,
			bodyKeys: ['prompt_id', 'view_comfy_api_url'],
		});
		expect(await statusOf(emu.origin, submit.hosted!.promptId!)).toBe('cancelled');

		const polls = requestsOf(emu, 'hosted-status').length;
		// The node polls at most every 0.2 s: had polling gone on, more would have come by now.
		await sleep(500);
		expect(requestsOf(emu, 'hosted-status').length).toBe(polls);
		expect(run.logText).toContain(`asked ViewComfy to cancel run ${submit.hosted?.promptId}`);
	});
});

describe('Cancel Run', () => {
	it('cancels runs by prompt id; Get Results then reports them cancelled', async () => {
		const emu = emulator();
		emu.setBehaviour({ hostedRunMs: 60_000 });
		const started = await runNode(emu, { parameters: runWorkflowParameters({ waitForCompletion: false }), input: [{ json: { prompt: 'a' } }, { json: { prompt: 'b' } }] });
		const ids = started.items.map((i) => String(i.json.prompt_id));

		const cancelled = await runNode(emu, {
			parameters: { operation: 'cancelRun', promptIds: '={{ $json.ids }}' },
			input: [{ json: { ids: ids.join(',') } }],
		});
		expect(errorText(cancelled)).toBe('');
		expect(cancelled.items.map((i) => i.json)).toEqual(ids.map((id) => ({ prompt_id: id, cancelRequested: true, message: 'Cancellation requested' })));
		expect(cancelled.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 0 }]);
		expect(requestsOf(emu, 'hosted-cancel').map((r) => r.hosted?.promptId)).toEqual(ids);

		const results = await runNode(emu, { parameters: getResultsParameters(), input: started.items.map((i) => ({ json: i.json })) });
		expect(errorText(results)).toBe('');
		expect(results.items.map((i) => i.json.status)).toEqual(['cancelled', 'cancelled']);
		expect(results.items.every((i) => i.binary === undefined)).toBe(true);
	});

	it('an unknown prompt id: a 404 that says ViewComfy knows no such run', async () => {
		const emu = emulator();
		const id = randomUUID();
		const run = await runNode(emu, { parameters: { operation: 'cancelRun', promptIds: id } });
		expect(errorText(run)).toMatch(/hosted API answered HTTP 404 Not Found: No run with prompt_id .* \(cancelling the run\)[\s\S]*knows no run with this prompt ID/);
		// Not retried: the answer will not change.
		expect(requestsOf(emu, 'hosted-cancel')).toHaveLength(1);
	});

	it('Run Workflow fails clearly when its run is cancelled elsewhere', async () => {
		const emu = emulator();
		emu.setBehaviour({ hostedRunMs: 60_000 });
		const running = runNode(emu, { parameters: runWorkflowParameters(), input: [{ json: { prompt: 'x' } }] });
		const submit = await waitForRequest(emu, (r) => r.kind === 'hosted-submit' && r.status === 201);
		const res = await fetch(`${emu.origin}/api/workflow/infer/cancel`, {
			method: 'POST',
			headers: { client_id: HOSTED_CLIENT_ID, client_secret: HOSTED_SECRET, 'content-type': 'application/json' },
			body: JSON.stringify({ prompt_id: submit.hosted?.promptId, view_comfy_api_url: DEPLOYMENT_URL }),
		});
		expect(res.status).toBe(201);
		const run = await running;
		expect(errorText(run)).toContain('ViewComfy reported the run as failed (status: cancelled');
		expect(errorText(run)).toContain(`prompt_id ${submit.hosted?.promptId}`);
	});
});
