/**
 * Successful answers in their three shapes (JSON, SSE stream, 303 chain to a parked result),
 * each bent by the behaviour's body faults (truncation, cut stream, reset, drip).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { BodyWriter, malformed, piecesLength, resultJsonPieces, truncatePieces } from './body';
import { consoleLines } from './console-log';
import type { EmulatorContext } from './context';
import { echoedCredentials, withEcho } from './echo';
import { viewComfyError } from './errors';
import type { Exchange } from './exchange';
import { resultLocation, type PendingResult } from './pending-results';
import type { RunResult } from './types';

export interface Run {
	result: RunResult;
	/** Sampler steps, for the progress bars. */
	steps: number;
}

const wait = (ctx: EmulatorContext, ms: number) => sleep(ms, undefined, { signal: ctx.signal });

function resultPieces(ctx: EmulatorContext, ex: Exchange, run: Run): Buffer[] {
	const pieces = resultJsonPieces(run.result);
	if (!ctx.state.current.malformedJson) return pieces;
	ex.markFault('malformedJson');
	return malformed(pieces);
}

/** How much of a body goes out before a `resetAfterHeaders` cut: enough to start parsing, never all. */
const cutPoint = (length: number) => Math.min(Math.floor(length / 2), 16 * 1024);

export async function answerHtml(ctx: EmulatorContext, ex: Exchange, run: Run): Promise<void> {
	await wait(ctx, ctx.state.current.latencyMs);
	ex.markFault('nonJsonBody');
	ex.text(
		201,
		'text/html; charset=utf-8',
		`<!DOCTYPE html><html><body><h1>ViewComfy</h1><p>Run ${run.result.prompt_id} finished.</p></body></html>`,
	);
}

export async function answerJson(ctx: EmulatorContext, ex: Exchange, run: Run): Promise<void> {
	const b = ctx.state.current;
	const pieces = resultPieces(ctx, ex, run);
	if (b.redirect303AfterMs !== null) {
		const parked = ctx.pending.create(ex.pathname, pieces, b.latencyMs);
		return holdOrRedirect(ctx, ex, parked);
	}
	await wait(ctx, b.latencyMs);
	return sendJsonPieces(ctx, ex, pieces);
}

/** GET on a result URL from a 303. */
export async function answerResultUrl(ctx: EmulatorContext, ex: Exchange, id: string): Promise<void> {
	const parked = ctx.pending.get(id);
	if (!parked) return ex.json(404, { detail: `No pending result with id ${id}; it was already delivered or never existed.` });
	return holdOrRedirect(ctx, ex, parked);
}

/**
 * Holds the exchange up to `redirect303AfterMs`, then answers the result if it is ready and the
 * required number of hops was made, else another 303 to the same result URL.
 */
async function holdOrRedirect(ctx: EmulatorContext, ex: Exchange, parked: PendingResult): Promise<void> {
	const b = ctx.state.current;
	const hold = b.redirect303AfterMs ?? 0;
	if (parked.hops < b.redirectChain) await wait(ctx, hold);
	else await Promise.race([parked.ready, wait(ctx, hold)]);
	if (parked.done && parked.hops >= b.redirectChain) {
		ctx.pending.take(parked.id);
		return sendJsonPieces(ctx, ex, parked.pieces);
	}
	parked.hops++;
	ex.markFault('redirect303');
	ex.redirect(303, resultLocation(ex.clientOrigin, parked));
}

async function sendJsonPieces(ctx: EmulatorContext, ex: Exchange, pieces: Buffer[]): Promise<void> {
	const length = piecesLength(pieces);
	ex.head(201, { 'content-type': 'application/json', 'content-length': length });
	if (ctx.state.take('resetAfterHeaders')) {
		return ex.writeThenReset(Buffer.concat(truncatePieces(pieces, cutPoint(length))), 'resetAfterHeaders');
	}
	const writer = new BodyWriter(ex.res, ctx.state.current.dripBytesPerSecond, ctx.signal);
	if (await writer.writeAll(pieces)) writer.end();
}

const sseEvent = (event: string, data: string) => `event: ${event}\ndata: ${data}\n\n`;

/** `logs=true`: log lines spread over the run's latency, then the result on one `data:` line. */
export async function answerStream(ctx: EmulatorContext, ex: Exchange, run: Run): Promise<void> {
	const b = ctx.state.current;
	ex.head(201, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
	const writer = new BodyWriter(ex.res, b.dripBytesPerSecond, ctx.signal);
	const echo = echoedCredentials(ctx, ex.req.headers);
	const lines = consoleLines(run.steps, run.result.execution_time_seconds);
	if (echo) lines.splice(1, 0, `[debug] ${echo}`);
	const gap = b.latencyMs / Math.max(1, lines.length - 1);
	const cutAfterHeaders = ctx.state.take('resetAfterHeaders');
	for (const [i, line] of lines.entries()) {
		if (i > 0) await wait(ctx, gap);
		if (cutAfterHeaders && i === 1) return ex.writeThenReset(sseEvent('log_message', line), 'resetAfterHeaders');
		if (!(await writer.write(sseEvent('log_message', line)))) return;
	}
	if (b.errorEvent) {
		ex.markFault(`errorEvent:${b.errorEvent}`);
		const error = viewComfyError('Error while running the workflow', withEcho('VAEDecode: simulated failure', echo), 'ExecutionError');
		if (!(await writer.write(sseEvent('error', JSON.stringify(error))))) return;
		if (b.errorEvent === 'thenEnd') return writer.end();
	}
	if (b.cutStreamBeforeResult) {
		ex.markFault('cutStreamBeforeResult');
		return writer.end();
	}
	const pieces = [Buffer.from('event: prompt_result\ndata: '), ...resultPieces(ctx, ex, run), Buffer.from('\n\n')];
	if (await writer.writeAll(pieces)) writer.end();
}
