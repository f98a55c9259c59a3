/**
 * Fetches a file input given as a URL: a plain GET through n8n's request helper (its proxy
 * settings and SSRF protection apply), never with the ViewComfy credentials, through the shared
 * redirect and retry loops, bounded by Max Input Size. An error page, an HTML page, an oversize
 * file or a timeout fails with an InputFileError that names the field and the URL without query.
 */
import type { FilePart } from '../../helpers/interfaces';
import { looksLikeHtml, nameAndTypeOfDownload, urlForMessages } from '../../helpers/inputFile';
import { CallDeadline } from './callDeadline';
import { callFollowingRedirects } from './call';
import { ConnectionError, HttpStatusError, InferRedirectError, InferTimeoutError, InputFileError, NetworkFailure, describeNetworkCode, excerpt, formatBytes, formatDuration } from './errors';
import { declaredBodyBytes, networkErrorCode } from './exchange';
import type { HttpAnswer, N8nHttp } from './n8nHttp';
import { isRetryableReadStatus } from './retryPolicy';
import type { RetryOptions } from './retry';

/** Storage and CDN redirects are short chains; more means a loop. */
const MAX_INPUT_REDIRECTS = 10;

export interface InputFileRequest {
	/** Multipart part name: the parameter key (or its mask key). */
	key: string;
	url: URL;
	/** The field as the user sees it, e.g. `File Inputs → 10-inputs-image`. */
	field: string;
}

export interface InputFileOptions extends RetryOptions {
	http: N8nHttp;
	maxBytes: number;
	timeoutMs: number;
	signal?: AbortSignal;
}

class InputStatusError extends HttpStatusError {
	afterAttempts(attempts: number): HttpStatusError {
		return new InputStatusError(this.status, this.body, this.message, this.retryAfterMs, attempts);
	}
}

class InputConnectionError extends ConnectionError {
	afterAttempts(): ConnectionError {
		return this;
	}
}

export async function fetchInputFile(req: InputFileRequest, opts: InputFileOptions): Promise<FilePart> {
	const shown = urlForMessages(req.url);
	const fail = (what: string, hint: string, status?: number) => new InputFileError(req.field, shown, what, hint, status);
	const deadline = new CallDeadline(opts.timeoutMs, opts.signal);
	try {
		return await callFollowingRedirects({
			http: opts.http,
			url: req.url,
			method: 'GET',
			target: { kind: 'inputFile', field: req.field },
			// No origin is trusted with the credentials: the file's host never sees them.
			credentialsOrigin: '',
			maxRedirects: MAX_INPUT_REDIRECTS,
			tooManyRedirects: () => new InferRedirectError(`${req.field}: ${shown} redirected more than ${MAX_INPUT_REDIRECTS} times; the link may be broken.`),
			deadline,
			retry: { ...opts, kind: 'read', deadline, secret: '' },
			statusError: (status, text, retryAfterMs) =>
				isRetryableReadStatus(status)
					? new InputStatusError(status, text, `${req.field}: the file at ${shown} could not be fetched (HTTP ${status})`, retryAfterMs)
					: fail(`could not be fetched: HTTP ${status}${text.trim() && !/^\s*</.test(text) ? ` (${excerpt(text, 120)})` : ''}`, hintFor(status), status),
			connectionError: (failure) => new InputConnectionError(failure.host, failure.code, `${req.field}: ${failure.message}`),
			read: async (answer, hop) => await readFile(answer, hop.url, req, opts.maxBytes, fail),
		});
	} catch (error) {
		throw explainFailure(error, deadline, fail, opts.timeoutMs);
	} finally {
		deadline.dispose();
	}
}

async function readFile(
	answer: HttpAnswer,
	finalUrl: URL,
	req: InputFileRequest,
	maxBytes: number,
	fail: (what: string, hint: string, status?: number) => InputFileError,
): Promise<FilePart> {
	const header = (name: string) => {
		const value = answer.headers[name];
		return Array.isArray(value) ? value[0] : value;
	};
	const tooLarge = () =>
		fail(
			`is larger than the Max Input Size (MB) option (${formatBytes(maxBytes)})`,
			'Raise Max Input Size (MB) in the node options if this machine has the memory, or link a smaller file.',
		);
	const declared = declaredBodyBytes(answer);
	if (declared !== undefined && declared > maxBytes) {
		answer.body.destroy();
		throw tooLarge();
	}
	const chunks: Buffer[] = [];
	let size = 0;
	// The loop's outcome as a value: undefined when the whole file arrived.
	const failure = await (async () => {
		for await (const chunk of answer.body) {
			size += chunk.length;
			if (size > maxBytes) return tooLarge();
			chunks.push(chunk);
		}
		return undefined;
	})().then(
		(outcome) => outcome,
		(error: unknown) =>
			fail(
				`stopped arriving after ${formatBytes(size)} (${networkErrorCode(error) ?? 'the connection broke'})`,
				'Check that the link works in a browser and run the node again.',
			),
	);
	if (failure) {
		answer.body.destroy();
		throw failure;
	}
	const data = Buffer.concat(chunks, size);
	const contentType = header('content-type');
	if (looksLikeHtml(contentType, data)) {
		throw fail(
			'is a web page (HTML), not a file',
			'The link opens a page, not the file itself: use a direct download link (one that downloads the image, video or audio when opened), or one that does not need a login.',
			answer.statusCode,
		);
	}
	const { fileName, mimeType } = nameAndTypeOfDownload(finalUrl, { contentDisposition: header('content-disposition'), contentType }, req.key);
	return { key: req.key, fileName, mimeType, data };
}

function hintFor(status: number): string {
	if (status === 401 || status === 403) return 'The link is refused: it may need a login, or a pre-signed link may have expired. Make a fresh link that anyone can open.';
	if (status === 404 || status === 410) return 'Nothing is at that address: check the link, or that the file still exists.';
	return 'Check that the link works in a browser and run the node again.';
}

function explainFailure(
	error: unknown,
	deadline: CallDeadline,
	fail: (what: string, hint: string, status?: number) => InputFileError,
	timeoutMs: number,
): unknown {
	if (error instanceof InputFileError) return error;
	const stopped = deadline.stopError ?? error;
	if (stopped instanceof InferTimeoutError) {
		return fail(`did not arrive within ${formatDuration(timeoutMs)} (the Timeout (Minutes) option)`, 'The host is slow or not answering: raise Timeout (Minutes), or link a faster host.');
	}
	if (error instanceof InputStatusError) {
		return fail(`could not be fetched: HTTP ${error.status}${error.attempts > 1 ? ` (after ${error.attempts} attempts)` : ''}`, hintFor(error.status), error.status);
	}
	if (error instanceof ConnectionError || error instanceof NetworkFailure) {
		return fail(`could not be fetched from ${error.host}: ${describeNetworkCode(error.code)}`, 'Check the link, that its host is reachable from the n8n server, and any proxy settings (HTTP_PROXY, HTTPS_PROXY, NO_PROXY).');
	}
	if (error instanceof InferRedirectError) return fail(`could not be fetched: ${error.message}`, 'Check the link in a browser.');
	return error;
}
