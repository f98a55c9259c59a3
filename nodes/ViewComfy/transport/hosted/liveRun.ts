/**
 * Live events of one hosted run (Stream Logs on the hosted API): reaches the API's origin through
 * n8n's helpers, then opens the run's socket there, before the submit, hands each log line on, and offers the run's pushed end as a status-record-shaped object,
 * so the status poll can stop as soon as it arrives. Whenever the socket cannot help (no WebSocket
 * on Node 20, refused, dropped, silent) it says why once and the poll alone finishes the run: no
 * result is lost, only the logs stop.
 */
import { pushedEndAsStatusRecord } from '../../helpers/pushedResult';
import type { ReachedOrigin } from './reachedOrigin';
import { NO_WEBSOCKET, openRunEvents, webSocketImpl, type OpenRunEventsOptions, type RunEventsOutcome } from './socketIoClient';

export interface LiveRunOptions extends Pick<OpenRunEventsOptions, 'clientId' | 'clientSecret' | 'signal' | 'webSocket' | 'connectTimeoutMs'> {
	/**
	 * Reaches the hosted API's origin through n8n's helpers (HostedApiClient.reachOrigin), right
	 * before the socket connects there; its failure (n8n's SSRF refusal, refused keys, …) is the run's.
	 */
	reach: () => Promise<ReachedOrigin>;
	onLog: (line: string) => void;
	/** Called at most once, with why the run is followed by polling alone. */
	onFallback: (reason: string) => void;
}

export interface LiveRun {
	/** The socket id to send as the submit's `sid`; undefined when there is no socket. */
	sid?: string;
	/**
	 * The run's end as the hosted API pushed it, shaped like a status record (read it with the status
	 * answer's reader). Stays pending when nothing will be pushed: race it with the poll's sleep.
	 */
	pushed: Promise<unknown>;
	/** Closes the socket (idempotent). */
	close(): void;
}

const never = new Promise<never>(() => undefined);

export async function openLiveRun(options: LiveRunOptions): Promise<LiveRun> {
	// No socket to open: no request is made for it.
	const opened = webSocketImpl(options.webSocket)
		? await openRunEvents({ ...options, origin: await options.reach() })
		: { ok: false as const, reason: NO_WEBSOCKET };
	if (!opened.ok) {
		options.onFallback(opened.reason);
		return { pushed: never, close: () => undefined };
	}
	const { events } = opened;
	const pushed = events.outcome.then((outcome) => {
		const record = pushedEnd(outcome);
		if (record !== undefined) return record;
		if (outcome.kind === 'lost') options.onFallback(outcome.reason);
		return never;
	});
	return { sid: events.sid, pushed, close: events.close };
}

/** The outcome as a status record, or undefined when the socket ended without the run's end. */
function pushedEnd(outcome: RunEventsOutcome): unknown {
	return outcome.kind === 'result' || outcome.kind === 'error' || outcome.kind === 'canceled'
		? pushedEndAsStatusRecord(outcome.kind, outcome.data)
		: undefined;
}
