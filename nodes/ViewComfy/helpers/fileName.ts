/**
 * File names and content types of output files. Names come from the server, so they are treated as
 * hostile: n8n may later write them to disk (Write Binary File) or put them in a download header.
 */

export const MAX_FILE_NAME_LENGTH = 200;

/** Longest tail after the last dot still kept as an extension when a long name is shortened. */
const MAX_EXTENSION_LENGTH = 16;

/**
 * C0/C1 controls (NUL included: `\p{Cc}` is U+0000-U+001F and U+007F-U+009F) and the bidirectional
 * overrides that can disguise an extension.
 */
const INVISIBLE = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** Characters Windows refuses in file names (the separators are handled before). */
const RESERVED = /[<>:"|?*]/g;

/** Device names Windows will not create as files, with or without an extension. */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

function trimEdges(name: string): string {
	// Leading dots would hide the file; trailing dots and spaces are dropped by Windows.
	return name.replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
}

function shorten(name: string, max: number): string {
	const chars = Array.from(name);
	if (chars.length <= max) return name;
	const dot = name.lastIndexOf('.');
	const extension = dot > 0 ? Array.from(name.slice(dot)) : [];
	if (extension.length === 0 || extension.length > MAX_EXTENSION_LENGTH) {
		return trimEdges(chars.slice(0, max).join(''));
	}
	const stem = Array.from(name.slice(0, dot)).slice(0, max - extension.length).join('');
	return trimEdges(stem) + extension.join('');
}

/**
 * A safe base name: no directories (`/` or `\`), no `.`/`..`, no control or reserved characters,
 * no leading dots, at most 200 characters with the extension kept. `fallback` when nothing is left.
 */
export function sanitizeFileName(name: unknown, fallback: string): string {
	if (typeof name !== 'string') return fallback;
	const segments = name
		.replace(INVISIBLE, '')
		.split(/[\\/]+/)
		.map((segment) => segment.trim())
		.filter((segment) => segment !== '' && segment !== '.' && segment !== '..');
	let base = trimEdges((segments[segments.length - 1] ?? '').replace(RESERVED, '_'));
	if (WINDOWS_DEVICE.test(base)) base = `_${base}`;
	base = shorten(base, MAX_FILE_NAME_LENGTH);
	return base === '' ? fallback : base;
}

/** Lower-case extension without the dot (`Photo.PNG` → `png`), or undefined. */
export function fileExtension(fileName: string): string | undefined {
	if (typeof fileName !== 'string') return undefined;
	const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
	const dot = base.lastIndexOf('.');
	if (dot <= 0 || dot === base.length - 1) return undefined;
	return base.slice(dot + 1).toLowerCase();
}

/** What ComfyUI workflows commonly output, by extension. */
const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
	png: 'image/png',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	webp: 'image/webp',
	gif: 'image/gif',
	bmp: 'image/bmp',
	tif: 'image/tiff',
	tiff: 'image/tiff',
	svg: 'image/svg+xml',
	avif: 'image/avif',
	heic: 'image/heic',
	exr: 'image/x-exr',
	psd: 'image/vnd.adobe.photoshop',
	mp4: 'video/mp4',
	m4v: 'video/x-m4v',
	webm: 'video/webm',
	mov: 'video/quicktime',
	mkv: 'video/x-matroska',
	avi: 'video/x-msvideo',
	mp3: 'audio/mpeg',
	wav: 'audio/wav',
	flac: 'audio/flac',
	ogg: 'audio/ogg',
	opus: 'audio/opus',
	m4a: 'audio/mp4',
	aac: 'audio/aac',
	txt: 'text/plain',
	csv: 'text/csv',
	md: 'text/markdown',
	html: 'text/html',
	json: 'application/json',
	pdf: 'application/pdf',
	zip: 'application/zip',
	glb: 'model/gltf-binary',
	gltf: 'model/gltf+json',
	obj: 'model/obj',
	stl: 'model/stl',
	safetensors: 'application/octet-stream',
};

const GENERIC_TYPES = new Set(['application/octet-stream', 'binary/octet-stream']);

/** `type/subtype` as RFC 9110 allows it, lower-cased and without parameters; undefined if malformed. */
function normaliseMimeType(declared: unknown): string | undefined {
	if (typeof declared !== 'string') return undefined;
	const essence = declared.split(';')[0].trim().toLowerCase();
	const token = "[a-z0-9!#$%&'*+.^_`|~-]{1,127}";
	return new RegExp(`^${token}/${token}$`).test(essence) ? essence : undefined;
}

/**
 * The declared content type when it is a valid one, else the type the extension implies, else
 * `application/octet-stream`. A generic declared type gives way to a known extension.
 */
export function inferMimeType(fileName: string, declared?: unknown): string {
	const declaredType = normaliseMimeType(declared);
	const extension = fileExtension(fileName);
	const fromExtension =
		extension !== undefined && Object.prototype.hasOwnProperty.call(MIME_BY_EXTENSION, extension)
			? MIME_BY_EXTENSION[extension]
			: undefined;
	if (declaredType !== undefined && !(GENERIC_TYPES.has(declaredType) && fromExtension)) return declaredType;
	return fromExtension ?? 'application/octet-stream';
}
