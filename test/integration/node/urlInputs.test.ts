/**
 * File inputs given as http(s) URLs (issue 20): the node fetches the file over real HTTP through
 * n8n's request helper, without the ViewComfy credentials, and sends it to the deployment byte
 * for byte with the name from Content-Disposition or the URL path and the type from Content-Type.
 * 404, HTML pages and oversize files fail their item, naming the field and the URL without query.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PNG } from 'pngjs';

import { expectNoSecret, expectSuccess, inferRequests, pasteParameters, runAgainst, sha256, useEmulator } from './support';

function pngOf(width: number, height: number): Buffer {
	const png = new PNG({ width, height });
	for (let offset = 0; offset < png.data.length; offset++) png.data[offset] = (offset * 7) % 256;
	return PNG.sync.write(png);
}

const photo = pngOf(40, 30);
const seen: Array<{ path: string; headers: IncomingHttpHeaders }> = [];
let server: Server;
let origin: string;

beforeAll(async () => {
	server = createServer((req, res) => {
		seen.push({ path: req.url ?? '', headers: req.headers });
		const path = (req.url ?? '').split('?')[0];
		if (path === '/files/cat%20photo.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(photo);
		if (path === '/download') {
			return res.writeHead(200, { 'content-type': 'image/png', 'content-disposition': 'attachment; filename="from header.png"' }).end(photo);
		}
		if (path === '/untyped/shot.png') return res.writeHead(200).end(photo);
		if (path === '/login.png') return res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><p>Sign in</p>');
		if (path === '/huge.png') {
			res.writeHead(200, { 'content-type': 'image/png' });
			res.write(Buffer.alloc(1024 * 1024));
			return res.end(Buffer.alloc(1024 * 1024));
		}
		return res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => await new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
	seen.length = 0;
});

const env = useEmulator('img2img');

const withFile = (value: string, options = {}) =>
	pasteParameters('img2img', { fileInputs: { file: [{ key: '10-inputs-image', binaryProperty: value }] }, options });

describe('file inputs from a URL', () => {
	it.each([
		['the URL path', '/files/cat%20photo.png?X-Amz-Signature=abc', 'cat photo.png', 'image/png'],
		['Content-Disposition', '/download', 'from header.png', 'image/png'],
		['the name when the answer has no type', '/untyped/shot.png', 'shot.png', 'image/png'],
	])('sends the file byte for byte, named from %s', async (_how, path, fileName, mimeType) => {
		const result = await runAgainst(env.emulator, { input: [{ json: {} }], parameters: withFile(`${origin}${path}`) });
		expectSuccess(result);
		const [request] = inferRequests(env.emulator);
		expect(request.files).toEqual([{ field: '10-inputs-image', filename: fileName, mimeType, size: photo.length, sha256: sha256(photo) }]);
		// The file's host never sees the ViewComfy credentials.
		expect(seen).toHaveLength(1);
		expect(seen[0].headers).not.toHaveProperty('client_id');
		expect(seen[0].headers).not.toHaveProperty('client_secret');
		expectNoSecret(result, env.emulator);
	});

	it('fails 404, HTML and oversize items under Continue On Fail, in order, naming the field and the URL without query', async () => {
		const input = [
			{ json: { link: `${origin}/missing.png?X-Amz-Signature=SECRETQUERY` } },
			{ json: { link: `${origin}/login.png?token=SECRETQUERY` } },
			{ json: { link: `${origin}/huge.png?sig=SECRETQUERY` } },
			{ json: { link: `${origin}/files/cat%20photo.png` } },
		];
		const result = await runAgainst(env.emulator, {
			input,
			continueOnFail: true,
			parameters: withFile('={{ $json.link }}', { maxInputSizeMb: 1 }),
		});
		expect(result.status).toBe('success');
		const items = result.items;
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }, { item: 3 }]);
		const errors = items.slice(0, 3).map((item) => String(item.json.error));
		expect(errors[0]).toContain(`File Inputs → 10-inputs-image: the file at ${origin}/missing.png could not be fetched: HTTP 404`);
		expect(items[0].json.httpCode).toBe(404);
		expect(errors[1]).toContain(`${origin}/login.png is a web page (HTML), not a file`);
		expect(errors[2]).toContain(`${origin}/huge.png is larger than the Max Input Size (MB) option (1 MB)`);
		for (const item of items.slice(0, 3)) expect(String(item.json.description)).not.toBe('');
		// The input items carry the links the user gave; what the node outputs and logs must not.
		expect(JSON.stringify(items)).not.toContain('SECRETQUERY');
		expect(result.logText).not.toContain('SECRETQUERY');
		// Only the good item reached the deployment.
		expect(inferRequests(env.emulator)).toHaveLength(1);
	});

	it('refuses a value that is neither a binary property nor an http(s) URL, naming the field', async () => {
		const result = await runAgainst(env.emulator, { input: [{ json: {} }], parameters: withFile('ftp://example.invalid/x.png') });
		expect(result.error?.message).toContain('File Inputs → 10-inputs-image: "ftp://example.invalid/x.png" is neither a binary property name nor an http(s) URL');
		expect(inferRequests(env.emulator)).toHaveLength(0);
	});
});
