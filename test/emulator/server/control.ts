/**
 * The control API under `/__emulator/`: lets another process (n8n e2e, the demo) set behaviours
 * and read the request record over HTTP. Unauthenticated on purpose: it is a local test tool.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BehaviourError } from './behaviour';
import type { EmulatorContext } from './context';
import { sendJson } from './exchange';
import { putInputFile } from './input-files';
import type { EmulatorBehaviour } from './types';

export const CONTROL_PREFIX = '/__emulator';

const MAX_CONTROL_BODY = 1024 * 1024;

async function readJson(req: IncomingMessage): Promise<unknown> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		size += (chunk as Buffer).length;
		if (size > MAX_CONTROL_BODY) throw new BehaviourError('The behaviour JSON is larger than 1 MB.');
		chunks.push(chunk as Buffer);
	}
	const text = Buffer.concat(chunks).toString('utf8');
	try {
		return JSON.parse(text);
	} catch (error) {
		throw new BehaviourError(`The body is not valid JSON (${(error as Error).message}); send e.g. {"latencyMs": 500}.`);
	}
}

type ControlHandler = (ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse, params: Record<string, string | undefined>) => Promise<void> | void;

export const CONTROL_ROUTES: Array<{ method: 'GET' | 'POST' | 'PUT' | 'DELETE'; path: string; handler: ControlHandler }> = [
	{
		method: 'GET',
		path: '/health',
		handler: (ctx, _req, res) => sendJson(res, 200, { ok: true, workflowNodes: Object.keys(ctx.workflow).length }),
	},
	{ method: 'GET', path: '/requests', handler: (ctx, _req, res) => sendJson(res, 200, ctx.log.all) },
	{ method: 'GET', path: '/sockets', handler: (ctx, _req, res) => sendJson(res, 200, ctx.hosted.sockets.all) },
	{
		method: 'GET',
		path: '/downloads',
		handler: (ctx, _req, res) => {
			const downloads = ctx.log.all.filter((request) => request.kind === 'download');
			sendJson(res, 200, { count: downloads.length, served: downloads.filter((request) => request.status === 200).length });
		},
	},
	{ method: 'PUT', path: '/input-files/:name', handler: async (ctx, req, res, params) => await putInputFile(ctx, req, res, params.name ?? '') },
	{
		method: 'DELETE',
		path: '/requests',
		handler: (ctx, _req, res) => {
			ctx.log.clear();
			ctx.hosted.sockets.clear();
			sendJson(res, 200, { cleared: true });
		},
	},
	{ method: 'GET', path: '/behaviour', handler: (ctx, _req, res) => sendJson(res, 200, ctx.state.current) },
	{
		method: 'POST',
		path: '/behaviour',
		handler: async (ctx, req, res) => {
			try {
				ctx.state.set((await readJson(req)) as Partial<EmulatorBehaviour>);
			} catch (error) {
				if (error instanceof BehaviourError) return sendJson(res, 400, { error: error.message });
				throw error;
			}
			sendJson(res, 200, ctx.state.current);
		},
	},
	{
		method: 'POST',
		path: '/reset',
		handler: (ctx, req, res) => {
			req.resume();
			ctx.state.reset();
			ctx.log.clear();
			ctx.inputFiles.clear();
			ctx.hosted.sockets.clear();
			sendJson(res, 200, ctx.state.current);
		},
	},
];

export function controlNotFound(req: IncomingMessage, res: ServerResponse): void {
	req.resume();
	const known = CONTROL_ROUTES.map((r) => `${r.method} ${CONTROL_PREFIX}${r.path}`).join(', ');
	sendJson(res, 404, { error: `No control route ${req.method} ${req.url}. Known routes: ${known}.` });
}
