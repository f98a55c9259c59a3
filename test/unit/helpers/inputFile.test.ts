import {
	fileNameFromDisposition,
	fileNameFromUrlPath,
	linkExpiry,
	looksLikeHtml,
	nameAndTypeOfDownload,
	parseFileSource,
	urlForMessages,
} from '../../../nodes/ViewComfy/helpers/inputFile';
import { UserInputError } from '../../../nodes/ViewComfy/helpers/userInputError';

describe('parseFileSource', () => {
	it('takes a plain name as a binary property and an http(s) link as a URL', () => {
		expect(parseFileSource(' data ', 'F')).toEqual({ kind: 'binary', property: 'data' });
		expect(parseFileSource('photo_1', 'F')).toEqual({ kind: 'binary', property: 'photo_1' });
		const source = parseFileSource('https://cdn.example.com/a.png?x=1', 'F');
		expect(source.kind === 'url' && source.url.href).toBe('https://cdn.example.com/a.png?x=1');
	});

	it.each(['ftp://host/x.png', 'file:///etc/passwd', 'data:image/png;base64,AAAA', 'https://user:pw@host/x.png', 'http://'])(
		'refuses %s naming the field, without the query',
		(value) => {
			expect(() => parseFileSource(value, 'File Inputs → 10-inputs-image')).toThrow(UserInputError);
			try {
				parseFileSource(`${value}?sig=SECRET`, 'File Inputs → 10-inputs-image');
			} catch (error) {
				expect((error as UserInputError).field).toBe('File Inputs → 10-inputs-image');
				expect((error as Error).message).toContain('neither a binary property name nor an http(s) URL');
				expect((error as Error).message).not.toContain('SECRET');
			}
		},
	);
});

describe('urlForMessages', () => {
	it('drops query, fragment and user info', () => {
		expect(urlForMessages('https://u:p@h.example/a/b.png?X-Amz-Signature=s#f')).toBe('https://h.example/a/b.png');
		expect(urlForMessages('not a url?secret=1')).toBe('not a url');
	});
});

describe('file names and types', () => {
	it('reads Content-Disposition, the RFC 5987 form first', () => {
		expect(fileNameFromDisposition('attachment; filename="a b.png"')).toBe('a b.png');
		expect(fileNameFromDisposition("attachment; filename=x.png; filename*=UTF-8''caf%C3%A9.png")).toBe('café.png');
		expect(fileNameFromDisposition('attachment; filename=plain.jpg')).toBe('plain.jpg');
		expect(fileNameFromDisposition('inline')).toBeUndefined();
		expect(fileNameFromDisposition(undefined)).toBeUndefined();
	});

	it('falls back to the URL path, then the field key; the type to the name', () => {
		expect(fileNameFromUrlPath(new URL('https://h/x/cat%20photo.webp?q=1'))).toBe('cat photo.webp');
		expect(fileNameFromUrlPath(new URL('https://h/'))).toBeUndefined();
		expect(nameAndTypeOfDownload(new URL('https://h/v/clip.mp4'), {}, 'k')).toEqual({ fileName: 'clip.mp4', mimeType: 'video/mp4' });
		expect(nameAndTypeOfDownload(new URL('https://h/'), { contentType: 'image/png' }, '10-inputs-image')).toEqual({
			fileName: '10-inputs-image',
			mimeType: 'image/png',
		});
		expect(nameAndTypeOfDownload(new URL('https://h/a'), { contentDisposition: 'attachment; filename="../../evil.png"' }, 'k').fileName).toBe('evil.png');
	});

	it('tells an HTML page from a file', () => {
		expect(looksLikeHtml('text/html; charset=utf-8', Buffer.from('x'))).toBe(true);
		expect(looksLikeHtml('image/png', Buffer.from('\uFEFF  <!DOCTYPE html><html>'))).toBe(true);
		expect(looksLikeHtml(undefined, Buffer.from('<html><body>'))).toBe(true);
		expect(looksLikeHtml('image/png', Buffer.from([0x89, 0x50, 0x4e, 0x47]))).toBe(false);
	});
});

describe('linkExpiry', () => {
	it('reads S3, Google and Expires-style links', () => {
		expect(linkExpiry('https://s3/x?X-Amz-Date=20250101T120000Z&X-Amz-Expires=3600&X-Amz-Signature=s')).toBe('2025-01-01T13:00:00.000Z');
		expect(linkExpiry('https://gcs/x?X-Goog-Date=20250101T120000Z&X-Goog-Expires=60')).toBe('2025-01-01T12:01:00.000Z');
		expect(linkExpiry('https://cf/x?Expires=1735732800&Signature=s')).toBe('2025-01-01T12:00:00.000Z');
		expect(linkExpiry('https://plain/x.png')).toBeUndefined();
		expect(linkExpiry('not a link')).toBeUndefined();
	});
});
