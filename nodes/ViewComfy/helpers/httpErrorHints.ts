/**
 * What to tell the user when ViewComfy answers with an HTTP error: the status, the server's own
 * words (its error bodies are undocumented, so several shapes are read), and what to check.
 */
import { redactSecrets } from './redact';
import { truncate } from './text';
/** Reason phrases (RFC 9110) of the statuses a ViewComfy call can meet; others show the number alone. */
const STATUS_TEXT: Readonly<Record<number, string>> = {
	301: 'Moved Permanently',
	302: 'Found',
	303: 'See Other',
	307: 'Temporary Redirect',
	308: 'Permanent Redirect',
	400: 'Bad Request',
	401: 'Unauthorized',
	402: 'Payment Required',
	403: 'Forbidden',
	404: 'Not Found',
	405: 'Method Not Allowed',
	408: 'Request Timeout',
	409: 'Conflict',
	410: 'Gone',
	413: 'Payload Too Large',
	415: 'Unsupported Media Type',
	422: 'Unprocessable Entity',
	429: 'Too Many Requests',
	500: 'Internal Server Error',
	501: 'Not Implemented',
	502: 'Bad Gateway',
	503: 'Service Unavailable',
	504: 'Gateway Timeout',
};

export const MAX_EXCERPT_LENGTH = 300;

/** Bodies are only inspected up to here: an error page is small, a runaway one must not cost much. */
const MAX_INSPECTED_LENGTH = 64 * 1024;

/** Validation errors listed in the description before "and N more". */
const MAX_LISTED_ERRORS = 5;

/** A run of whitespace, C0 controls and DEL: `\p{Cc}` without the C1 block U+0080-U+009F. */
const WHITESPACE_OR_C0_RUN = /(?:(?![\u0080-\u009f])[\s\p{Cc}])+/gu;

const ENTITIES: Readonly<Record<string, string>> = {
	'&amp;': '&',
	'&lt;': '<',
	'&gt;': '>',
	'&quot;': '"',
	'&#39;': "'",
	'&nbsp;': ' ',
};

/** Readable text of an HTML error page (proxies answer 502/504 with one). */
function htmlText(html: string): string {
	return html
		.replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
		.replace(/<[^>]*>/g, ' ')
		.replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (entity) => ENTITIES[entity]);
}

/** One line of at most `max` characters from a response body: tags and runs of whitespace removed. */
export function bodyExcerpt(text: string, max = MAX_EXCERPT_LENGTH): string {
	if (typeof text !== 'string') return '';
	let inspected = text.slice(0, MAX_INSPECTED_LENGTH);
	if (/^\s*<(!doctype|html|head|body|title|h1|p)\b/i.test(inspected)) inspected = htmlText(inspected);
	return truncate(inspected.replace(WHITESPACE_OR_C0_RUN, ' ').trim(), max);
}

interface ServerError {
	/** The server's own one-line message. */
	message?: string;
	/** FastAPI validation errors as `loc: msg`. */
	validation: string[];
	/** ViewComfy's `errorDetails`, shortened. */
	details?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
	if (typeof value === 'string') return value.trim() === '' ? undefined : value;
	if (value === undefined || value === null) return undefined;
	return JSON.stringify(value);
}

/** `{loc: ["body", "params"], msg: "field required"}` → `body.params: field required`. */
function validationLine(entry: unknown): string {
	if (!isRecord(entry)) return bodyExcerpt(text(entry) ?? '', 120);
	const loc = Array.isArray(entry.loc) ? entry.loc.map(String).join('.') : undefined;
	const msg = text(entry.msg) ?? text(entry.type) ?? '';
	return bodyExcerpt(loc ? `${loc}: ${msg}` : msg, 160);
}

function parseServerError(body: string): ServerError {
	const excerpt = bodyExcerpt(body);
	const result: ServerError = { validation: [], message: excerpt === '' ? undefined : excerpt };
	const trimmed = body.trim();
	if (!trimmed.startsWith('{') || trimmed.length > MAX_INSPECTED_LENGTH) return result;
	let json: unknown;
	try {
		json = JSON.parse(trimmed);
	} catch {
		return result;
	}
	if (!isRecord(json)) return result;
	if (Array.isArray(json.detail)) {
		result.validation = json.detail.map(validationLine).filter((line) => line !== '');
		result.message = bodyExcerpt(result.validation.join('; '));
	} else if (json.detail !== undefined) {
		result.message = bodyExcerpt(text(json.detail) ?? excerpt);
	} else if (json.errorMsg !== undefined || json.errorType !== undefined) {
		const parts = [text(json.errorType), text(json.errorMsg)].filter((part) => part !== undefined);
		if (parts.length > 0) result.message = bodyExcerpt(parts.join(': '));
		const details = text(json.errorDetails);
		if (details !== undefined) result.details = bodyExcerpt(details);
	} else {
		const message = text(json.message) ?? text(json.error);
		if (message !== undefined) result.message = bodyExcerpt(message);
	}
	return result;
}

function hintFor(status: number, validation: string[]): string {
	if (status === 401 || status === 403) {
		return 'Check the Client ID and Client Secret in the ViewComfy credential: copy them again from the ViewComfy dashboard, from the account that owns this deployment.';
	}
	if (status === 404 || status === 405) {
		return "Check the Endpoint URL: copy it from the ViewComfy dashboard (the deployment's API endpoint). The node posts to it exactly as given, without adding a path.";
	}
	if (status === 408) return 'The server gave up waiting for the request. Try again, or send smaller input files.';
	if (status === 413) {
		return 'The input files are too large for the endpoint: send smaller or compressed files (resize images, shorten videos) before this node.';
	}
	if (status === 422) {
		const listed = validation.slice(0, MAX_LISTED_ERRORS);
		const more = validation.length - listed.length;
		const list =
			listed.length > 0 ? ` The server says: ${listed.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}.` : '';
		return `ViewComfy could not use the parameters.${list} Check the keys and value types with the List Workflow Parameters operation.`;
	}
	if (status === 429) {
		return 'ViewComfy is rate limiting these requests: lower Batch Concurrency in the node options, or space the runs out.';
	}
	if (status === 502 || status === 503 || status === 504) {
		return 'The ViewComfy server is unavailable or still starting (a cold start can take minutes). 502, 503 and 504 are retried automatically; if it persists, check the deployment on the ViewComfy dashboard.';
	}
	if (status >= 500) {
		return "The ViewComfy server failed, possibly inside the workflow (a node error, a missing model or input file). Turn on logs to see ComfyUI's output, and check the deployment's logs on the ViewComfy dashboard.";
	}
	if (status === 400) {
		return 'ViewComfy refused the request. Check the parameter keys and values (List Workflow Parameters shows them) and the input files.';
	}
	return 'ViewComfy answered with an unexpected status. Check the Endpoint URL and try again.';
}

/**
 * Message and description for a failed call. `secrets` (the client secret, …) are blanked out of
 * the server's text first, in case the server echoes them back.
 */
export function describeHttpFailure(
	status: number,
	body: string | undefined,
	secrets: readonly string[] = [],
): { message: string; description: string } {
	const redact = (value: string): string => redactSecrets(value, secrets);
	const server = parseServerError(redact(typeof body === 'string' ? body : ''));
	const statusText = STATUS_TEXT[status];
	const statusLine = `HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
	const message =
		server.message !== undefined
			? `ViewComfy answered ${statusLine}: ${server.message}`
			: `ViewComfy answered ${statusLine} with an empty body`;
	const details = server.details !== undefined ? ` Details: ${server.details}` : '';
	return { message: redact(message), description: redact(`${hintFor(status, server.validation)}${details}`) };
}
