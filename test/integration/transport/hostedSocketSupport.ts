/**
 * Shared by the hosted socket tests: one emulator per file (fresh behaviour and record per test),
 * `ws` as the WebSocket (Node 20 has no global one), and the hosted calls a run needs.
 */
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import { HostedApiClient, type CallScope } from '../../../nodes/ViewComfy/transport/hosted/hostedClient';
import type { ReachedOrigin } from '../../../nodes/ViewComfy/transport/hosted/reachedOrigin';
import type { WebSocketConstructor } from '../../../nodes/ViewComfy/transport/hosted/socketIoClient';
import { CallDeadline } from '../../../nodes/ViewComfy/transport/http/callDeadline';
import type { N8nHttp } from '../../../nodes/ViewComfy/transport/http/n8nHttp';
import { startEmulator, type EmulatorHandle } from '../../emulator/server';
import { n8nHttp } from './n8nHttp';

export const CLIENT_ID = 'socket-client-id';
export const SECRET = 'socket-secret-value-789';
export const DEPLOYMENT = 'https://team--viewcomfy-deployment.modal.run';
export const WS = WebSocket as unknown as WebSocketConstructor;
const AUTH = { client_id: CLIENT_ID, client_secret: SECRET };

/** Starts the file's emulator; `use` gets it. Things registered with `closeAfterEach` are closed after each test. */
export function useSocketEmulator(use: (emu: EmulatorHandle) => void): { closeAfterEach: (thing: { close(): void }) => void } {
	let emu: EmulatorHandle;
	const open: Array<{ close(): void }> = [];
	beforeAll(async () => {
		emu = await startEmulator({ clientId: CLIENT_ID, clientSecret: SECRET });
		use(emu);
	});
	afterAll(() => emu.close());
	beforeEach(() => {
		emu.resetBehaviour();
		emu.clearRequests();
	});
	afterEach(() => {
		for (const thing of open.splice(0)) thing.close();
	});
	return { closeAfterEach: (thing) => open.push(thing) };
}

/** Submits a small run, naming the socket `sid` when given; returns its prompt id. */
export async function submitRun(emu: EmulatorHandle, sid: string | undefined): Promise<string> {
	const promptId = randomUUID();
	const form = new FormData();
	form.set('prompt_id', promptId);
	form.set('view_comfy_api_url', DEPLOYMENT);
	form.set('params', JSON.stringify({ '3-inputs-seed': 5, '5-inputs-width': 8, '5-inputs-height': 8 }));
	if (sid) form.set('sid', sid);
	const res = await fetch(`${emu.origin}/api/workflow/infer`, { method: 'POST', body: form, headers: AUTH });
	expect(res.status).toBe(201);
	return promptId;
}

export async function cancelRun(emu: EmulatorHandle, promptId: string): Promise<Response> {
	return await fetch(`${emu.origin}/api/workflow/infer/cancel`, {
		method: 'POST',
		headers: { ...AUTH, 'content-type': 'application/json' },
		body: JSON.stringify({ prompt_id: promptId, view_comfy_api_url: DEPLOYMENT }),
	});
}

export async function statusText(emu: EmulatorHandle, promptId: string): Promise<string> {
	return await (await fetch(`${emu.origin}/api/workflow/infer/?prompt_ids=${promptId}`, { headers: AUTH })).text();
}

/** The hosted API client the node builds for the emulator, sending through `http` (n8n-core's helper by default). */
export function hostedClientOf(emu: EmulatorHandle, http: N8nHttp = n8nHttp({ clientId: CLIENT_ID, clientSecret: SECRET })): HostedApiClient {
	return new HostedApiClient({ hostedApiUrl: emu.origin, endpointUrl: DEPLOYMENT, clientId: CLIENT_ID, clientSecret: SECRET }, http);
}

export const quickScope = (): CallScope => ({ deadline: new CallDeadline(10_000), retry: { maxRetries: 0, maxRetryWaitMs: 0 } });

/** The emulator's origin as the node reaches it before a socket: a status request through n8n-core's helper. */
export async function reachThroughHelpers(emu: EmulatorHandle): Promise<ReachedOrigin> {
	const scope = quickScope();
	try {
		return await hostedClientOf(emu).reachOrigin(scope);
	} finally {
		scope.deadline.dispose();
	}
}
