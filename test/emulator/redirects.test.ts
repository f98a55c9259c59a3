/**
 * Redirects: Modal-style 303 chains to a same-origin result URL, and redirects to another origin
 * that let a test see whether a client carries the credentials across.
 */
import type { EmulatorHandle } from './server';
import { RESULT_QUERY } from './server';
import { CREDENTIALS, infer, json, startTestEmulator, useSharedEmulator } from './helpers';

let emu: EmulatorHandle;
useSharedEmulator((e) => (emu = e));

const small = { '5-inputs-width': 8, '5-inputs-height': 8, '3-inputs-seed': 5 };

describe('303 See Other to a result URL', () => {
	it('answers 303 to the same origin and path; a GET there returns the 201 result', async () => {
		emu.setBehaviour({ redirect303AfterMs: 50 });
		const res = await infer(emu, { params: small, redirect: 'manual', path: '/deploy/run' });
		expect(res.status).toBe(303);
		const location = new URL(res.headers.get('location')!);
		expect(location.origin).toBe(emu.origin);
		expect(location.pathname).toBe('/deploy/run');
		expect(location.searchParams.get(RESULT_QUERY)).toMatch(/^fc-/);

		const result = await fetch(location, { headers: CREDENTIALS });
		expect(result.status).toBe(201);
		expect((await json(result)).prompt['3'].inputs.seed).toBe(5);
		expect(emu.requests.map((r) => [r.method, r.kind, r.status])).toEqual([
			['POST', 'infer', 303],
			['GET', 'result', 201],
		]);

		const again = await fetch(location);
		expect(again.status).toBe(404);
		expect((await json(again)).detail).toMatch(/already delivered/);
	});

	it('a following client (like the official ones) gets the result after a chain of redirectChain 303s', async () => {
		emu.setBehaviour({ redirect303AfterMs: 20, redirectChain: 3 });
		const res = await infer(emu, { params: small });
		expect(res.status).toBe(201);
		expect(res.redirected).toBe(true);
		expect((await json(res)).status).toBe('success');
		expect(emu.requests.map((r) => r.status)).toEqual([303, 303, 303, 201]);
		// Same origin: fetch keeps the headers, and the record shows them masked.
		expect(emu.requests[3].headers).toMatchObject({ client_id: CREDENTIALS.client_id, client_secret: '***' });
	});

	it('keeps redirecting while the run is longer than the hold time', async () => {
		emu.setBehaviour({ redirect303AfterMs: 50, latencyMs: 400 });
		const res = await infer(emu, { params: small });
		expect(res.status).toBe(201);
		expect((await json(res)).execution_time_seconds).toBeGreaterThanOrEqual(0.4);
		const statuses = emu.requests.map((r) => r.status);
		expect(statuses[statuses.length - 1]).toBe(201);
		expect(statuses.filter((s) => s === 303).length).toBeGreaterThanOrEqual(2);
	});

	it('does not redirect a logs=true stream, which starts at once', async () => {
		emu.setBehaviour({ redirect303AfterMs: 10 });
		const res = await infer(emu, { params: small, logs: true, redirect: 'manual' });
		expect(res.status).toBe(201);
		expect(await res.text()).toContain('event: prompt_result');
	});
});

describe('redirectToOrigin', () => {
	let other: EmulatorHandle;
	beforeAll(async () => {
		other = await startTestEmulator();
	});
	afterAll(() => other.close());
	beforeEach(() => other.clearRequests());

	it('answers 307 to the other origin, same path; the other emulator records what arrives', async () => {
		emu.setBehaviour({ redirectToOrigin: other.origin });
		const res = await infer(emu, { params: small, redirect: 'manual', path: '/run?x=1' });
		expect(res.status).toBe(307);
		const location = res.headers.get('location')!;
		expect(location).toBe(`${other.origin}/run?x=1`);
		expect(emu.requests[0].fault).toBe('redirectToOrigin');

		// A careful client re-sends without the credentials: the other origin never sees them.
		const body = new FormData();
		body.set('params', JSON.stringify(small));
		const careful = await fetch(location, { method: 'POST', body });
		expect(careful.status).toBe(401);
		expect(other.requests[0].headers).not.toHaveProperty('client_secret');
		expect(other.requests[0].headers).not.toHaveProperty('client_id');

		// A careless one leaks them, and the record shows it (masked).
		await fetch(location, { method: 'POST', body, headers: CREDENTIALS });
		expect(other.requests[1].headers).toMatchObject({ client_secret: '***' });
	});

	it('can answer 303 instead', async () => {
		emu.setBehaviour({ redirectToOrigin: other.origin, redirectToOriginStatus: 303 });
		const res = await infer(emu, { params: small, redirect: 'manual' });
		expect(res.status).toBe(303);
		expect(res.headers.get('location')).toBe(`${other.origin}/`);
	});
});
