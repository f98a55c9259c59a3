/**
 * The ViewComfy emulator: a real HTTP server speaking the direct deployment protocol, for the
 * node's tests, demo and benchmarks. See test/emulator/README.md.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { BehaviourState } from './behaviour';
import type { EmulatorContext } from './context';
import { LinkSigner } from './hosted/links';
import { HostedRuns } from './hosted/runs';
import { HostedSocketHub } from './hosted/socket';
import { INPUT_FILE_MODES, INPUT_FILES_PREFIX, InputFiles } from './input-files';
import { PendingResults } from './pending-results';
import { RequestLog } from './record';
import { createRequestListener } from './router';
import type { EmulatorHandle, StartEmulatorOptions } from './types';
import { loadWorkflow } from './workflow';

export type * from './types';
export { DEFAULT_BEHAVIOUR, parseBehaviour, BehaviourError } from './behaviour';
export { WorkflowFormatError } from './workflow';
export { RESULT_QUERY } from './pending-results';
export { CONTROL_PREFIX } from './control';
export { HOSTED_INFER_PATH } from './hosted/routes';
export { FILES_PREFIX } from './hosted/links';
export { INPUT_FILES_PREFIX, INPUT_OVERSIZE_BYTES } from './input-files';
export { SOCKET_EVENTS } from './hosted/socket';

export const DEFAULT_WORKFLOW_PATH = resolve(__dirname, '../../fixtures/workflows/txt2img.json');
export const DEFAULT_CLIENT_ID = 'local';
export const DEFAULT_CLIENT_SECRET = 'local-secret';
export const DEFAULT_HOST = '127.0.0.1';

export async function startEmulator(options: StartEmulatorOptions = {}): Promise<EmulatorHandle> {
	const closing = new AbortController();
	const log = new RequestLog();
	const state = new BehaviourState(options.behaviour);
	const clientId = options.clientId ?? DEFAULT_CLIENT_ID;
	const clientSecret = options.clientSecret ?? DEFAULT_CLIENT_SECRET;
	const signer = new LinkSigner();
	// Made once the server exists; the context's getter is only read after that.
	const late: { sockets?: HostedSocketHub } = {};
	const ctx: EmulatorContext = {
		state,
		workflow: loadWorkflow(options.workflow ?? DEFAULT_WORKFLOW_PATH),
		clientId,
		clientSecret,
		pending: new PendingResults(closing.signal),
		log,
		signal: closing.signal,
		hosted: {
			runs: new HostedRuns(),
			signer,
			get sockets() {
				return late.sockets!;
			},
		},
		inputFiles: new InputFiles(),
	};
	const server = createServer(createRequestListener(ctx));
	// Socket.IO on the same origin, as on api.viewcomfy.com; it answers /socket.io/ before the routes.
	late.sockets = new HostedSocketHub(server, { state, clientId, clientSecret, signer });
	// Long simulated runs must not be cut by Node's default request timeouts.
	server.requestTimeout = 0;
	server.headersTimeout = 0;
	const host = options.host ?? DEFAULT_HOST;
	await new Promise<void>((resolveListen, rejectListen) => {
		server.once('error', rejectListen);
		server.listen(options.port ?? 0, host, () => {
			server.off('error', rejectListen);
			resolveListen();
		});
	});
	const port = (server.address() as AddressInfo).port;
	const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
	let closed: Promise<void> | null = null;

	return {
		url: `${origin}/`,
		port,
		origin,
		setBehaviour: (b) => ctx.state.set(b),
		resetBehaviour: () => ctx.state.reset(),
		get behaviour() {
			return ctx.state.current;
		},
		get requests() {
			return log.all;
		},
		get sockets() {
			return ctx.hosted.sockets.all;
		},
		putInputFile: (name, bytes, contentType) => {
			ctx.inputFiles.put(name, { bytes, contentType });
			const urls = INPUT_FILE_MODES.map((mode) => [mode, `${origin}${INPUT_FILES_PREFIX}/${mode}/${encodeURIComponent(name)}`]);
			return Object.fromEntries(urls) as Record<(typeof INPUT_FILE_MODES)[number], string>;
		},
		get downloadCount() {
			return log.all.filter((request) => request.kind === 'download').length;
		},
		clearRequests: () => {
			log.clear();
			ctx.hosted.sockets.clear();
		},
		close: () => {
			closed ??= new Promise<void>((resolveClose) => {
				closing.abort();
				ctx.hosted.sockets.close();
				server.close(() => resolveClose());
				server.closeAllConnections();
			});
			return closed;
		},
	};
}
