/**
 * Routes: the control API under `/__emulator/`, the hosted API's routes (hosted/routes.ts), POST anywhere else is an infer call, GET (or POST)
 * with a result id is a redirect target; everything else gets FastAPI's 405/404.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import createRouter from 'find-my-way';
import type { EmulatorContext } from './context';
import { CONTROL_PREFIX, CONTROL_ROUTES, controlNotFound } from './control';
import { fastApiDetail } from './errors';
import { Exchange, sendJson } from './exchange';
import { HOSTED_ROUTES } from './hosted/routes';
import { INPUT_FILES_PREFIX, serveInputFile } from './input-files';
import { handleInfer } from './infer';
import { RESULT_QUERY } from './pending-results';
import { answerResultUrl } from './respond';

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export function createRequestListener(ctx: EmulatorContext): (req: IncomingMessage, res: ServerResponse) => void {
	const router = createRouter({
		defaultRoute: (req, res) => guard(req, res, () => methodNotAllowed(ctx, req, res)),
	});
	for (const route of CONTROL_ROUTES) {
		router.on(route.method, `${CONTROL_PREFIX}${route.path}`, (req, res, params) =>
			guard(req, res, () => route.handler(ctx, req, res, params)),
		);
	}
	router.all(`${CONTROL_PREFIX}/*`, (req, res) => controlNotFound(req, res));
	// Static paths, so they win over the catch-all infer route below.
	for (const route of HOSTED_ROUTES) router.on(route.method, route.path, (req, res) => guard(req, res, () => route.handler(ctx, req, res)));
	router.on('GET', `${INPUT_FILES_PREFIX}/:mode/:name`, (req, res) => guard(req, res, () => serveInputFile(ctx, new Exchange(req, res, ctx.log, 'input-file'))));
	router.on('POST', '*', (req, res, _params, _store, query) =>
		guard(req, res, () => {
			if (req.url === CONTROL_PREFIX || req.url?.startsWith(`${CONTROL_PREFIX}?`)) return controlNotFound(req, res);
			// The cURL example pairs `-X POST` with `-L`, so curl follows a 303 with POST, not GET.
			const id = query[RESULT_QUERY];
			if (id) {
				req.resume();
				return answerResultUrl(ctx, new Exchange(req, res, ctx.log, 'result'), id);
			}
			return handleInfer(ctx, new Exchange(req, res, ctx.log, 'infer'));
		}),
	);
	router.on('GET', '*', (req, res, _params, _store, query) =>
		guard(req, res, () => {
			const id = query[RESULT_QUERY];
			if (!id) return methodNotAllowed(ctx, req, res);
			return answerResultUrl(ctx, new Exchange(req, res, ctx.log, 'result'), id);
		}),
	);
	return (req, res) => router.lookup(req, res);
}

function methodNotAllowed(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse): void {
	req.resume();
	new Exchange(req, res, ctx.log, 'other').json(405, fastApiDetail('Method Not Allowed'), { allow: 'POST' });
}

/** Runs a handler; a close in progress ends it quietly, a bug answers 500 instead of hanging the client. */
async function guard(req: IncomingMessage, res: ServerResponse, handler: Handler): Promise<void> {
	try {
		await handler(req, res);
	} catch (error) {
		if ((error as Error).name === 'AbortError') {
			req.socket.destroy();
			return;
		}
		console.error('[viewcomfy-emulator] handler failed:', error);
		if (!res.headersSent) sendJson(res, 500, fastApiDetail('Internal Server Error'));
		else req.socket.destroy();
	}
}
