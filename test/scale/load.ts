export interface WebhookCall {
	/** Unique per call: what the response and the emulator record are matched by. */
	prompt: string;
	seed: number;
}

export interface WebhookAnswer {
	call: WebhookCall;
	status: number | null;
	contentType: string | null;
	/** The execution that answered (set by the workflow's Respond node), when it did. */
	executionId: string | null;
	body: Buffer;
	/** Network or timeout error, when no HTTP answer came. */
	error: string | null;
	ms: number;
	/** performance.now() when the answer was complete. */
	endedAt: number;
}

async function callOnce(url: string, call: WebhookCall, timeoutMs: number): Promise<WebhookAnswer> {
	const started = performance.now();
	try {
		const res = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(call),
			signal: AbortSignal.timeout(timeoutMs),
		});
		const body = Buffer.from(await res.arrayBuffer());
		return {
			call,
			status: res.status,
			contentType: res.headers.get('content-type'),
			executionId: res.headers.get('x-execution-id'),
			body,
			error: null,
			ms: performance.now() - started,
			endedAt: performance.now(),
		};
	} catch (error) {
		return { call, status: null, contentType: null, executionId: null, body: Buffer.alloc(0), error: (error as Error).message, ms: performance.now() - started, endedAt: performance.now() };
	}
}

/** Fires every call at the webhook with at most `concurrency` in flight; answers in call order. */
export async function fireBatch(url: string, calls: WebhookCall[], concurrency: number, timeoutMs = 180_000): Promise<{ answers: WebhookAnswer[]; wallMs: number }> {
	const answers: WebhookAnswer[] = new Array(calls.length);
	let next = 0;
	const started = performance.now();
	const lane = async () => {
		while (next < calls.length) {
			const i = next++;
			answers[i] = await callOnce(url, calls[i], timeoutMs);
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, calls.length) }, lane));
	return { answers, wallMs: performance.now() - started };
}

export function makeCalls(label: string, count: number, firstSeed: number): WebhookCall[] {
	return Array.from({ length: count }, (_, i) => ({ prompt: `${label} #${i} a lighthouse at dusk`, seed: firstSeed + i }));
}
