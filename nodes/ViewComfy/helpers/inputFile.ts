/**
 * Where a file input comes from: an item's binary property, or an http(s) URL. Pure: naming
 * the file, typing it, and telling an HTML page from the file that was expected.
 */
import { inferMimeType, sanitizeFileName } from './fileName';
import { parseUrl } from './endpointUrl';
import { UserInputError, quoted } from './userInputError';

export type FileSource = { kind: 'binary'; property: string } | { kind: 'url'; url: URL };

/** Default of the Max Input Size (MB) option. */
export const DEFAULT_MAX_INPUT_SIZE_MB = 512;

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * A binary property name as before, or an http(s) URL. A value with any other scheme
 * (`ftp:`, `file:`, `data:`) or a URL that does not parse is neither, and fails naming the field.
 */
export function parseFileSource(value: unknown, field: string): FileSource {
	const text = typeof value === 'string' ? value.trim() : '';
	if (!SCHEME.test(text)) return { kind: 'binary', property: text };
	const url = parseUrl(text);
	if (url && (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password) return { kind: 'url', url };
	throw new UserInputError(`${field}: ${quoted(urlForMessages(text))} is neither a binary property name nor an http(s) URL`, {
		field,
		hint: 'Enter the name of a binary property of the input item (e.g. data), or a link starting with https:// or http:// (without a user name or password).',
	});
}

/**
 * A URL as it may be shown or logged: without its query and fragment (pre-signed queries are
 * secrets) and without a user name or password.
 */
export function urlForMessages(url: string | URL): string {
	const text = String(url);
	const parsed = parseUrl(text);
	if (!parsed) return text.split(/[?#]/)[0];
	return `${parsed.origin}${parsed.pathname}`;
}

/** The file name a Content-Disposition header gives (`filename*=UTF-8''…` first), if any. */
export function fileNameFromDisposition(header: string | undefined): string | undefined {
	if (!header) return undefined;
	const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
	if (extended) {
		try {
			return decodeURIComponent(extended[2].trim().replace(/^"|"$/g, ''));
		} catch {
			// A broken percent-encoding: fall back to the plain parameter.
		}
	}
	const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(header);
	const name = plain?.[1]?.replace(/\\(.)/g, '$1') ?? plain?.[2]?.trim();
	return name || undefined;
}

/** The last segment of the URL's path, decoded, if it has one. */
export function fileNameFromUrlPath(url: URL): string | undefined {
	const segment = url.pathname.split('/').filter(Boolean).pop();
	if (!segment) return undefined;
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}

/** Name from Content-Disposition, else from the URL path, else the field's key; type from Content-Type, else from the name. */
export function nameAndTypeOfDownload(
	url: URL,
	headers: { contentDisposition?: string; contentType?: string },
	fallbackName: string,
): { fileName: string; mimeType: string } {
	const fileName = sanitizeFileName(fileNameFromDisposition(headers.contentDisposition) ?? fileNameFromUrlPath(url) ?? '', fallbackName);
	return { fileName, mimeType: inferMimeType(fileName, headers.contentType) };
}

/** Whether an answer is a web page (a login page, an error page) rather than a media file. */
export function looksLikeHtml(contentType: string | undefined, start: Buffer): boolean {
	if (contentType && /^\s*(text\/html|application\/xhtml\+xml)/i.test(contentType)) return true;
	const head = start.subarray(0, 512).toString('utf8').replace(/^\uFEFF/, '').trimStart().toLowerCase();
	return head.startsWith('<!doctype html') || head.startsWith('<html');
}

/**
 * When a pre-signed link stops working, if its query says: S3's X-Amz-Date + X-Amz-Expires,
 * Google's X-Goog-Date + X-Goog-Expires, or an `Expires` epoch in seconds (CloudFront, GCS v2).
 */
export function linkExpiry(link: string): string | undefined {
	const url = parseUrl(link);
	if (!url) return undefined;
	const q = url.searchParams;
	for (const prefix of ['X-Amz', 'X-Goog']) {
		const date = q.get(`${prefix}-Date`);
		const seconds = Number(q.get(`${prefix}-Expires`));
		const m = date ? /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date) : null;
		if (m && Number.isFinite(seconds) && seconds >= 0) {
			return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) + seconds * 1000).toISOString();
		}
	}
	const epoch = q.get('Expires');
	if (epoch && /^\d{9,11}$/.test(epoch)) return new Date(Number(epoch) * 1000).toISOString();
	return undefined;
}
