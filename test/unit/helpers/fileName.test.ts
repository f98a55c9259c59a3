import {
	MAX_FILE_NAME_LENGTH,
	fileExtension,
	inferMimeType,
	sanitizeFileName,
} from '../../../nodes/ViewComfy/helpers/fileName';

const FALLBACK = 'output_0.bin';

describe('sanitizeFileName', () => {
	it.each([
		['ComfyUI_00001_.png', 'ComfyUI_00001_.png'],
		['../../x.png', 'x.png'],
		['../../../etc/passwd', 'passwd'],
		['/etc/passwd', 'passwd'],
		['/tmp/out/fox-run_00001.mp4', 'fox-run_00001.mp4'],
		['C:\\Users\\me\\AppData\\evil.exe', 'evil.exe'],
		['..\\..\\windows\\system32\\x.dll', 'x.dll'],
		['\\\\server\\share\\clip.webm', 'clip.webm'],
		['out/..', 'out'],
		['dir/', 'dir'],
		['a\u0000b.png', 'ab.png'],
		['shell.png\u0000.exe', 'shell.png.exe'],
		['line\nbreak\r.png', 'linebreak.png'],
		['cat\u202egnp.exe', 'catgnp.exe'],
		['.bashrc', 'bashrc'],
		['...hidden.txt', 'hidden.txt'],
		['trailing. . ', 'trailing'],
		['what?<is>:this|"*.png', 'what__is__this___.png'],
		['C:x.png', 'C_x.png'],
		['  spaced name.png  ', 'spaced name.png'],
		['CON', '_CON'],
		['nul.txt', '_nul.txt'],
		['com1.png', '_com1.png'],
		['console.png', 'console.png'],
		['画像 🎥.png', '画像 🎥.png'],
	])('%j → %j', (name, expected) => {
		expect(sanitizeFileName(name, FALLBACK)).toBe(expected);
	});

	it.each(['', '   ', '..', '.', '../..', '/', '\\', '\u0000', '...', undefined, null, 42, {}, ['a.png']])(
		'falls back for %j',
		(name) => {
			expect(sanitizeFileName(name, FALLBACK)).toBe(FALLBACK);
		},
	);

	it('shortens a 300-character name to 200, keeping the extension', () => {
		const result = sanitizeFileName(`${'a'.repeat(296)}.png`, FALLBACK);
		expect(result).toHaveLength(MAX_FILE_NAME_LENGTH);
		expect(result).toBe(`${'a'.repeat(196)}.png`);
	});

	it('shortens names without a usable extension from the end', () => {
		expect(sanitizeFileName('b'.repeat(300), FALLBACK)).toBe('b'.repeat(200));
		expect(sanitizeFileName(`${'c'.repeat(250)}.${'x'.repeat(40)}`, FALLBACK)).toBe('c'.repeat(200));
	});

	it('does not split characters outside the BMP when shortening', () => {
		const result = sanitizeFileName(`${'🎥'.repeat(300)}.mp4`, FALLBACK);
		expect(Array.from(result)).toHaveLength(200);
		expect(result.endsWith('🎥.mp4')).toBe(true);
		expect(result).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
	});

	it('does not leave a trailing dot or space in front of the extension after shortening', () => {
		const name = `${'d'.repeat(195)}    ${'e'.repeat(100)}.png`;
		expect(sanitizeFileName(name, FALLBACK)).toBe(`${'d'.repeat(195)}.png`);
	});
});

describe('fileExtension', () => {
	it.each([
		['a.PNG', 'png'],
		['archive.tar.gz', 'gz'],
		['dir.d/file', undefined],
		['.bashrc', undefined],
		['name.', undefined],
		['noext', undefined],
	])('%j → %j', (name, extension) => {
		expect(fileExtension(name)).toBe(extension);
	});
});

describe('inferMimeType', () => {
	it.each([
		['a.png', 'image/png'],
		['a.JPG', 'image/jpeg'],
		['a.jpeg', 'image/jpeg'],
		['a.webp', 'image/webp'],
		['a.gif', 'image/gif'],
		['a.bmp', 'image/bmp'],
		['a.tiff', 'image/tiff'],
		['a.svg', 'image/svg+xml'],
		['a.mp4', 'video/mp4'],
		['a.webm', 'video/webm'],
		['a.mov', 'video/quicktime'],
		['a.mkv', 'video/x-matroska'],
		['a.avi', 'video/x-msvideo'],
		['a.mp3', 'audio/mpeg'],
		['a.wav', 'audio/wav'],
		['a.flac', 'audio/flac'],
		['a.ogg', 'audio/ogg'],
		['a.m4a', 'audio/mp4'],
		['a.aac', 'audio/aac'],
		['a.txt', 'text/plain'],
		['a.json', 'application/json'],
		['a.psd', 'image/vnd.adobe.photoshop'],
		['a.pdf', 'application/pdf'],
		['a.zip', 'application/zip'],
		['a.glb', 'model/gltf-binary'],
		['a.obj', 'model/obj'],
		['model.safetensors', 'application/octet-stream'],
		['a.unknownext', 'application/octet-stream'],
		['noext', 'application/octet-stream'],
		['a.constructor', 'application/octet-stream'],
		['a.__proto__', 'application/octet-stream'],
	])('%s from its extension → %s', (name, type) => {
		expect(inferMimeType(name)).toBe(type);
		expect(inferMimeType(name, 'not a type')).toBe(type);
	});

	it.each([
		['image/png', 'image/png'],
		['video/h264-mp4', 'video/h264-mp4'],
		['Image/PNG', 'image/png'],
		['text/plain; charset=utf-8', 'text/plain'],
		['application/vnd.adobe.photoshop', 'application/vnd.adobe.photoshop'],
		['model/gltf+json', 'model/gltf+json'],
	])('prefers a valid declared type: %s → %s', (declared, type) => {
		expect(inferMimeType('a.png', declared)).toBe(type);
	});

	it.each(['', 'png', 'image/', '/png', 'image/png/x', 'image png', 'image/p<ng', 42, null, {}])(
		'ignores the invalid declared type %j',
		(declared) => {
			expect(inferMimeType('clip.mp4', declared)).toBe('video/mp4');
		},
	);

	it('lets a known extension replace a generic declared type', () => {
		expect(inferMimeType('a.png', 'application/octet-stream')).toBe('image/png');
		expect(inferMimeType('a.data', 'application/octet-stream')).toBe('application/octet-stream');
		expect(inferMimeType('a.png', 'binary/octet-stream')).toBe('image/png');
	});
});
