/**
 * Every failure the transport reports on purpose. Each class carries the facts the node needs
 * to explain the failure (status, limit, logs) and a message a user can act on.
 * None of them may carry the client secret: `redactSecret` is the last line of defence.
 */
import { redactSecrets } from '../../helpers/redact';
import { truncate } from '../../helpers/text';


/** Base of the transport's own errors, so callers can tell them from programming errors. */
export class ViewComfyTransportError extends Error {
	constructor(message: string) {
		super(message);
		this.name = new.target.name;
	}
}

/** The decoded outputs (or the result around them) grew past the configured limit. */
export class OutputTooLargeError extends ViewComfyTransportError {
	constructor(readonly limitBytes: number) {
		super(
			`The ViewComfy result is larger than the limit of ${formatBytes(limitBytes)} (the Max Output Size (MB) option). ` +
				'Raise it in the node options if this machine has the memory, or make the workflow produce smaller files.',
		);
	}
}

/** The body is not the result JSON ViewComfy documents (not JSON, truncated, wrong shape). */
export class ResultFormatError extends ViewComfyTransportError {
	constructor(
		readonly reason: string,
		/** Start of the body, at most 200 characters. */
		readonly excerpt: string,
	) {
		super(
			`ViewComfy's answer is not a valid result: ${reason}.` +
				(excerpt ? ` The answer starts with: ${excerpt}` : ' The answer was empty.'),
		);
	}
}

/** How many log lines an error message quotes; the error object keeps more. */
const LOG_LINES_IN_MESSAGE = 10;

/** The event stream ended cleanly but without a `prompt_result` event. */
export class StreamEndedError extends ViewComfyTransportError {
	constructor(
		/** The last log lines seen on the stream. */
		readonly logs: string[],
		/** Texts of the `error` events the stream carried. */
		readonly errorEvents: string[],
	) {
		const lastError = errorEvents[errorEvents.length - 1];
		const head =
			lastError !== undefined
				? `ViewComfy reported an error and ended the stream without a result: ${excerpt(lastError, 1000)}`
				: 'The stream ended before ViewComfy sent the result.';
		super(head + describeLogTail(logs));
	}
}

/**
 * An answer whose status is neither success nor redirect. The protocol layers (direct infer,
 * hosted API) word the message; the shared core only needs the facts to decide on a retry.
 */
export abstract class HttpStatusError extends ViewComfyTransportError {
	constructor(
		readonly status: number,
		/** The start of the response body (at most 4,096 characters). */
		readonly body: string,
		message: string,
		readonly retryAfterMs?: number,
		/** How many requests were made in all, retries included. */
		readonly attempts = 1,
	) {
		super(message);
	}

	/** The same failure, saying how many attempts were made. */
	abstract afterAttempts(attempts: number, secret: string): HttpStatusError;
}

/** No connection could be made or it closed before any answer. */
export abstract class ConnectionError extends ViewComfyTransportError {
	constructor(
		readonly host: string,
		readonly code: string | undefined,
		message: string,
	) {
		super(message);
	}

	/** The same failure, saying how many attempts were made. */
	abstract afterAttempts(attempts: number): ConnectionError;
}

/** What exchange.ts reports when a hop got no answer; each protocol turns it into its own ConnectionError. */
export class NetworkFailure extends ViewComfyTransportError {
	constructor(
		readonly host: string,
		readonly code: string | undefined,
	) {
		super(`Could not get an answer from ${host}: ${describeNetworkCode(code)}`);
	}
}

/**
 * What a request was for, so a refusal can name the URL the user has to look at. A hop reached
 * by a redirect is `redirect`, whatever the call was.
 */
export type RequestTargetKind = 'endpoint' | 'hostedApi' | 'download' | 'inputFile' | 'checkConnection';

export interface RequestTarget {
	kind: RequestTargetKind;
	/** The field the URL came from, for file inputs (e.g. `File Inputs → 10-inputs-image`). */
	field?: string;
}

const REFUSED_URL_TEXT: Record<RequestTargetKind | 'redirect', string> = {
	endpoint: 'the Endpoint URL',
	hostedApi: 'a call to the Hosted API URL',
	download: 'a hosted download link',
	inputFile: 'a file input URL',
	checkConnection: 'the URL Check Connection tests',
	redirect: 'a redirect target',
};

const REFUSED_URL_HINT: Record<RequestTargetKind | 'redirect', string> = {
	endpoint: 'If the Endpoint URL is not the deployment you meant, correct it in the ViewComfy credential instead.',
	hostedApi: 'If the Hosted API URL is not the API you meant, correct it in the ViewComfy credential instead.',
	download: 'The run itself finished on ViewComfy: once the link host is allowed, fetch its files with Get Results.',
	inputFile: 'Or link the file from a host this n8n may reach.',
	checkConnection: 'If the URL is not the one you meant, correct it in the ViewComfy credential instead.',
	redirect: 'The server redirected there. If that redirect is unexpected, do not allow it: check the URL the node was given instead.',
};

/**
 * n8n's SSRF protection (n8n 2.12 and later, `N8N_SSRF_PROTECTION_ENABLED`) refused to connect:
 * nothing reached that address, and nothing is retried. The URL is shown without its query.
 */
export class SsrfRefusedError extends ViewComfyTransportError {
	/** How an n8n administrator allows the address (the node shows it as the error's description). */
	readonly hint: string;

	constructor(
		/** Origin and path only: a query may be a pre-signed secret. */
		readonly shownUrl: string,
		readonly hostname: string,
		readonly kind: RequestTargetKind | 'redirect',
		/** The address n8n refused, when it said. */
		readonly ip?: string,
		readonly field?: string,
	) {
		const what = REFUSED_URL_TEXT[kind] + (field ? ` (${field})` : '');
		super(
			`n8n's SSRF protection refused the request to ${shownUrl}, ${what}: ` +
				`${ip && ip !== hostname ? `${hostname} resolves to ${ip}, ` : ''}a restricted address on this n8n instance, so nothing was sent there`,
		);
		// n8n checks an address in the URL against the IP ranges only; a host name may be allowed by
		// name (then its addresses are not checked) or by the range of the address it resolved to.
		const literal = isIpLiteral(hostname);
		const address = ip ?? (literal ? hostname.replace(/^\[|\]$/g, '') : undefined);
		const range = address ? `${address}${address.includes(':') ? '/128' : '/32'}` : undefined;
		const allow = literal
			? `add ${range} to N8N_SSRF_ALLOWED_IP_RANGES (a comma-separated list in n8n's environment; N8N_SSRF_ALLOWED_HOSTNAMES does not cover a URL that is an address)`
			: `add ${hostname} to N8N_SSRF_ALLOWED_HOSTNAMES` + (range ? `, or ${range} to N8N_SSRF_ALLOWED_IP_RANGES` : '') + " (comma-separated lists in n8n's environment)";
		this.hint = `An n8n administrator can allow it: ${allow}, then restart n8n. ${REFUSED_URL_HINT[kind]}`;
	}
}

/** Whether a URL's hostname is an address (`10.0.0.7`, `[::1]`) rather than a name. */
function isIpLiteral(hostname: string): boolean {
	return /^\[[0-9a-f:.]+\]$/i.test(hostname) || /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname);
}

/** The connection broke after the response had started: part of the answer is lost. */
export class InterruptedResponseError extends ViewComfyTransportError {
	constructor(
		readonly host: string,
		readonly code: string | undefined,
		/** Log lines received before the break (SSE mode). */
		readonly logs: string[],
	) {
		super(
			`The connection to ${host} broke while ViewComfy was sending its answer` +
				(code ? ` (${code})` : '') +
				'. The generation may have finished on ViewComfy; run the node again, or turn on Retry Interrupted Streams (a retry runs the workflow again).' +
				describeLogTail(logs),
		);
	}
}

/** A redirect that cannot be followed (no Location, too many hops, other protocol). */
export class InferRedirectError extends ViewComfyTransportError {}

export class InferTimeoutError extends ViewComfyTransportError {
	constructor(readonly timeoutMs: number) {
		super(
			`ViewComfy did not return the result within ${formatDuration(timeoutMs)} (the Timeout (Minutes) option). ` +
				'Cold starts and long videos can take longer: raise Timeout (Minutes) in the node options.',
		);
	}
}

/** The n8n execution was cancelled while the call was running. */
export class InferAbortedError extends ViewComfyTransportError {
	constructor() {
		// "canceled", spelt so: n8n-core records an execution as canceled, not failed, only when the
		// node's error message contains that word.
		super('The ViewComfy call was canceled because the n8n execution was stopped.');
	}
}

/** `40 minutes`, `1 minute 30 seconds`, `0.3 seconds`. */
export function formatDuration(ms: number): string {
	const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
	if (ms >= 60_000) {
		const minutes = Math.floor(ms / 60_000);
		const seconds = Math.round((ms % 60_000) / 1000);
		return seconds === 0 ? plural(minutes, 'minute') : `${plural(minutes, 'minute')} ${plural(seconds, 'second')}`;
	}
	if (ms % 1000 === 0) return plural(ms / 1000, 'second');
	return `${Number((ms / 1000).toFixed(1))} seconds`;
}

export function formatBytes(bytes: number): string {
	if (bytes < 1024 * 1024) return `${bytes} bytes`;
	return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;
}

/** A server's text for a message: its ends trimmed, then truncated (helpers/text.ts). */
export function excerpt(text: string, max: number): string {
	return truncate(text.trim(), max);
}

function describeLogTail(logs: string[]): string {
	if (logs.length === 0) return ' No log lines were received.';
	const tail = logs.slice(-LOG_LINES_IN_MESSAGE).map((line) => excerpt(line, 300));
	return `\nLast log lines:\n${tail.join('\n')}`;
}

const NETWORK_CODE_TEXT: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused',
	ECONNRESET: 'the connection was reset',
	EPIPE: 'the connection was closed while sending',
	UND_ERR_SOCKET: 'the connection was closed before any answer',
	UND_ERR_CLOSED: 'the connection was closed before any answer',
	UND_ERR_CONNECT_TIMEOUT: 'connecting timed out',
	ENOTFOUND: 'the host name could not be resolved',
	EAI_AGAIN: 'the host name could not be resolved (temporary DNS failure)',
	ETIMEDOUT: 'the connection timed out',
	EHOSTUNREACH: 'the host is unreachable',
	ENETUNREACH: 'the network is unreachable',
	CERT_HAS_EXPIRED: 'the server certificate has expired',
	DEPTH_ZERO_SELF_SIGNED_CERT: 'the server certificate is self-signed',
	UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server certificate could not be verified',
};

export function describeNetworkCode(code: string | undefined): string {
	if (code === undefined) return 'the connection failed';
	const text = NETWORK_CODE_TEXT[code];
	return text ? `${text} (${code})` : `the connection failed (${code})`;
}

/** `text` with the secret replaced, in every spelling (see helpers/redact.ts). */
export function redactText(text: string, secret: string): string {
	return redactSecrets(text, [secret]);
}

/**
 * Scrubs `secret` from an error's message, stack and the text fields our classes carry.
 * Defensive: nothing we build should contain it, but server texts (bodies, logs) are quoted.
 */
export function redactSecret<E>(err: E, secret: string): E {
	if (!(err instanceof Error)) return err;
	const scrub = (text: string) => redactText(text, secret);
	err.message = scrub(err.message);
	if (err.stack) err.stack = scrub(err.stack);
	const fields = err as unknown as Record<string, unknown>;
	for (const key of ['body', 'excerpt', 'reason']) {
		if (typeof fields[key] === 'string') fields[key] = scrub(fields[key] as string);
	}
	for (const key of ['logs', 'errorEvents']) {
		if (Array.isArray(fields[key])) fields[key] = (fields[key] as unknown[]).map((v) => (typeof v === 'string' ? scrub(v) : v));
	}
	return err;
}

/**
 * A file input given as a URL could not be fetched as a file: the message names the field, the
 * URL without its query (a pre-signed query is a secret too) and, when there was one, the status.
 */
export class InputFileError extends ViewComfyTransportError {
	constructor(
		readonly field: string,
		/** The URL without query or fragment. */
		readonly shownUrl: string,
		what: string,
		readonly hint: string,
		readonly status?: number,
	) {
		super(`${field}: the file at ${shownUrl} ${what}`);
	}
}
