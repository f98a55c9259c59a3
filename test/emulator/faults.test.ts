/**
 * Every fault behaviour over real HTTP, including that counters restart when the behaviour is set.
 * Time is only checked as lower bounds the emulator itself reports, never as measured speed.
 */
import type { EmulatorHandle } from './server';
import { CREDENTIALS, json, infer, parseSse, rawPost, startTestEmulator, useSharedEmulator, urlencoded } from './helpers';

let emu: EmulatorHandle;
useSharedEmulator((e) => (emu = e));

const small = { '5-inputs-width': 8, '5-inputs-height': 8, '3-inputs-seed': 1 };
const statuses = async (n: number, logs = false) => {
	const out: number[] = [];
	for (let i = 0; i < n; i++) {
		const res = await infer(emu, { params: small, logs });
		await res.arrayBuffer();
		out.push(res.status);
	}
	return out;
};
const formBody = (logs: boolean) => urlencoded({ params: JSON.stringify(small), logs: String(logs) });
const rawInfer = (logs = false) =>
	rawPost(emu.url, formBody(logs), { ...CREDENTIALS, 'content-type': 'application/x-www-form-urlencoded' });

describe('timing', () => {
	it('latencyMs shows in the reported execution time and in the recorded duration', async () => {
		emu.setBehaviour({ latencyMs: 200 });
		const res = await infer(emu, { params: small });
		const result = await json(res);
		expect(result.execution_time_seconds).toBeGreaterThanOrEqual(0.2);
		expect(emu.requests[0].durationMs).toBeGreaterThanOrEqual(195);
	});

	it('coldStartDelayMs slows only the first answer after the behaviour is set', async () => {
		emu.setBehaviour({ coldStartDelayMs: 300 });
		await statuses(2);
		expect(emu.requests[0].durationMs).toBeGreaterThanOrEqual(295);
		expect(emu.requests[1].durationMs).toBeLessThan(emu.requests[0].durationMs!);
	});
});

describe('status faults', () => {
	it('coldStart503: N answers 503 (an HTML gateway page), then success', async () => {
		emu.setBehaviour({ coldStart503: 2 });
		const res = await infer(emu, { params: small });
		expect(res.status).toBe(503);
		expect(res.headers.get('content-type')).toMatch(/text\/html/);
		expect(await res.text()).toContain('503 Service Unavailable');
		expect(await statuses(2)).toEqual([503, 201]);
		expect(emu.requests.map((r) => r.fault)).toEqual(['coldStart503', 'coldStart503', null]);
	});

	it.each<502 | 504>([502, 504])('coldStartStatus %i', async (status) => {
		emu.setBehaviour({ coldStart503: 1, coldStartStatus: status });
		expect(await statuses(2)).toEqual([status, 201]);
	});

	it('counters restart when the behaviour is set again', async () => {
		emu.setBehaviour({ coldStart503: 1 });
		expect(await statuses(2)).toEqual([503, 201]);
		emu.setBehaviour({});
		expect(await statuses(2)).toEqual([503, 201]);
	});

	it('rateLimit429 sends Retry-After, or none when retryAfterSeconds is null', async () => {
		emu.setBehaviour({ rateLimit429: 1, retryAfterSeconds: 7 });
		let res = await infer(emu, { params: small });
		expect(res.status).toBe(429);
		expect(res.headers.get('retry-after')).toBe('7');
		expect((await json(res)).detail).toMatch(/Too Many Requests/);
		expect(await statuses(1)).toEqual([201]);

		emu.setBehaviour({ rateLimit429: 1, retryAfterSeconds: null });
		res = await infer(emu, { params: small });
		expect(res.status).toBe(429);
		expect(res.headers.get('retry-after')).toBeNull();
	});

	it('gateway faults come in order: cold start, then rate limit, then success', async () => {
		emu.setBehaviour({ coldStart503: 1, rateLimit429: 1 });
		expect(await statuses(3)).toEqual([503, 429, 201]);
	});

	it('error500 N times with a ViewComfy error body, or always', async () => {
		emu.setBehaviour({ error500: 1 });
		const res = await infer(emu, { params: small });
		expect(res.status).toBe(500);
		expect(Object.keys(await json(res)).sort()).toEqual(['errorDetails', 'errorMsg', 'errorType']);
		expect(await statuses(1)).toEqual([201]);
		emu.setBehaviour({ error500: 'always' });
		expect(await statuses(3)).toEqual([500, 500, 500]);
	});

	it('echoSecret quotes the sent client_secret in the error500 body', async () => {
		emu.setBehaviour({ error500: 1, echoSecret: true });
		const res = await infer(emu, { params: small });
		expect(res.status).toBe(500);
		expect((await json(res)).errorDetails).toContain(`client_secret=${CREDENTIALS.client_secret}`);
	});

	it('error500 does not hide a credentials problem', async () => {
		emu.setBehaviour({ error500: 'always' });
		const res = await infer(emu, { params: small, headers: { client_secret: 'nope' } });
		expect(res.status).toBe(401);
	});
});

describe('connection faults', () => {
	it('resetBeforeAnswer destroys the connection before any byte, then serves again', async () => {
		emu.setBehaviour({ resetBeforeAnswer: 1 });
		await expect(infer(emu, { params: small })).rejects.toThrow('fetch failed');
		const raw = await rawInfer();
		expect(raw.status).toBe(201);
		expect(emu.requests[0]).toMatchObject({ status: null, fault: 'resetBeforeAnswer' });
		expect(emu.requests[0].form?.params).toEqual(small);
	});

	it('resetAfterHeaders on JSON: 201 headers and part of the body, then the connection dies', async () => {
		emu.setBehaviour({ resetAfterHeaders: 1 });
		const raw = await rawInfer();
		expect(raw.status).toBe(201);
		expect(raw.error).toBeDefined();
		const declared = Number(raw.headers?.['content-length']);
		expect(raw.body.length).toBeGreaterThan(0);
		expect(raw.body.length).toBeLessThan(declared);
		expect(raw.body.toString().startsWith('{"prompt_id":')).toBe(true);
		expect((await rawInfer()).error).toBeUndefined();
	});

	it('resetAfterHeaders on SSE: the first log event arrives, then the connection dies', async () => {
		emu.setBehaviour({ resetAfterHeaders: 'always' });
		const raw = await rawInfer(true);
		expect(raw.status).toBe(201);
		expect(raw.error).toBeDefined();
		const events = parseSse(raw.body.toString());
		expect(events.length).toBeGreaterThanOrEqual(1);
		expect(events.every((e) => e.event === 'log_message')).toBe(true);
	});

	it('dripBytesPerSecond sends the body in many small slices', async () => {
		emu.setBehaviour({ dripBytesPerSecond: 4000 });
		const res = await infer(emu, { params: small });
		const reader = res.body!.getReader();
		let chunks = 0;
		let bytes = 0;
		for (let r = await reader.read(); !r.done; r = await reader.read()) {
			chunks++;
			bytes += r.value.length;
		}
		expect(bytes).toBe(Number(res.headers.get('content-length')));
		// 4000 B/s in 50 ms ticks is 200-byte slices.
		expect(chunks).toBeGreaterThanOrEqual(Math.floor(bytes / 200) - 1);
		expect(emu.requests[0].durationMs).toBeGreaterThanOrEqual((bytes / 4000) * 1000 * 0.8);
	});
});

describe('stream faults', () => {
	const stream = async () => {
		const res = await infer(emu, { params: small, logs: true });
		expect(res.status).toBe(201);
		return parseSse(await res.text());
	};

	it('cutStreamBeforeResult ends the stream after the logs without prompt_result', async () => {
		emu.setBehaviour({ cutStreamBeforeResult: true });
		const events = await stream();
		expect(events.length).toBeGreaterThan(3);
		expect(events.every((e) => e.event === 'log_message')).toBe(true);
	});

	it('errorEvent thenResult: an error event, then the result', async () => {
		emu.setBehaviour({ errorEvent: 'thenResult' });
		const events = await stream();
		const names = events.map((e) => e.event);
		expect(names.slice(-2)).toEqual(['error', 'prompt_result']);
		expect(JSON.parse(events[events.length - 2].data)).toHaveProperty('errorMsg');
		expect(JSON.parse(events[events.length - 1].data).status).toBe('success');
	});

	it('errorEvent thenEnd: the error event is the last one', async () => {
		emu.setBehaviour({ errorEvent: 'thenEnd' });
		const events = await stream();
		expect(events[events.length - 1].event).toBe('error');
		expect(events.some((e) => e.event === 'prompt_result')).toBe(false);
	});

	it('echoSecret quotes the sent client_secret in a log line and in the error event', async () => {
		emu.setBehaviour({ echoSecret: true, errorEvent: 'thenResult' });
		const events = await stream();
		const logLines = events.filter((e) => e.event === 'log_message').map((e) => e.data);
		expect(logLines.filter((line) => line.includes(CREDENTIALS.client_secret))).toHaveLength(1);
		const error = JSON.parse(events.find((e) => e.event === 'error')!.data) as { errorDetails: string };
		expect(error.errorDetails).toContain(`client_secret=${CREDENTIALS.client_secret}`);
		emu.setBehaviour({ echoSecret: false });
		expect(JSON.stringify(await stream())).not.toContain(CREDENTIALS.client_secret);
	});

	it('malformedJson truncates the JSON body and the prompt_result data', async () => {
		emu.setBehaviour({ malformedJson: true });
		const res = await infer(emu, { params: small });
		expect(res.status).toBe(201);
		const text = await res.text();
		expect(text.startsWith('{"prompt_id":')).toBe(true);
		expect(() => JSON.parse(text)).toThrow(SyntaxError);
		const last = (await stream()).pop()!;
		expect(last.event).toBe('prompt_result');
		expect(() => JSON.parse(last.data)).toThrow(SyntaxError);
	});

	it('nonJsonBody answers 201 text/html in both modes', async () => {
		emu.setBehaviour({ nonJsonBody: true });
		for (const logs of [false, true]) {
			const res = await infer(emu, { params: small, logs });
			expect(res.status).toBe(201);
			expect(res.headers.get('content-type')).toMatch(/^text\/html/);
			expect(await res.text()).toMatch(/^<!DOCTYPE html>/);
		}
	});

	it.each([
		['completed-false', { status: 'running', completed: false }],
		['status-error', { status: 'error', completed: true }],
	] as const)('resultStatus %s', async (resultStatus, shape) => {
		emu.setBehaviour({ resultStatus });
		const res = await infer(emu, { params: small });
		expect(await json(res)).toMatchObject({ ...shape, outputs: [] });
		const last = (await stream()).pop()!;
		expect(JSON.parse(last.data)).toMatchObject(shape);
	});
});

describe('behaviours set at start', () => {
	it('resetBehaviour returns to the starting behaviour, not to the defaults', async () => {
		const local = await startTestEmulator({ behaviour: { rateLimit429: 1 } });
		try {
			const call = async () => (await infer(local, { params: small })).status;
			expect([await call(), await call()]).toEqual([429, 201]);
			local.setBehaviour({ rateLimit429: 0 });
			expect(await call()).toBe(201);
			local.resetBehaviour();
			expect([await call(), await call()]).toEqual([429, 201]);
		} finally {
			await local.close();
		}
	});
});
