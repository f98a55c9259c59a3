/**
 * Input files by URL (issue 20): files a test puts up on the emulator's loopback origin for the
 * node to fetch, in the modes a link can fail in, and the count of hosted-link downloads that lets
 * a test prove nothing was downloaded.
 */
import { INPUT_OVERSIZE_BYTES, type EmulatorHandle } from './server';
import { useSharedEmulator } from './helpers';

let emu: EmulatorHandle;
useSharedEmulator((e) => (emu = e));
const control = (path: string, init?: RequestInit) => fetch(`${emu.origin}/__emulator/${path}`, init);
const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 31) % 256));

describe('input files', () => {
	it('PUT over the control API stores a file; `file` serves it byte for byte with its type and length', async () => {
		const put = await control('input-files/photo%20one.png', { method: 'PUT', headers: { 'content-type': 'image/png' }, body: bytes });
		expect(put.status).toBe(201);
		const { paths } = (await put.json()) as { paths: Record<string, string> };
		expect(paths.file).toBe('/__input-files/file/photo%20one.png');
		const res = await fetch(`${emu.origin}${paths.file}?X-Amz-Signature=abc`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('image/png');
		expect(res.headers.get('content-length')).toBe(String(bytes.length));
		expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
		expect(emu.requests.at(-1)).toMatchObject({ kind: 'input-file', status: 200, fault: null });
	});

	it('404, html and an unknown name fail the way storage and a sign-in page do', async () => {
		const urls = emu.putInputFile('a.png', bytes, 'image/png');
		const missing = await fetch(urls['404']);
		expect(missing.status).toBe(404);
		expect(await missing.text()).toContain('NoSuchKey');
		const html = await fetch(urls.html);
		expect(html.status).toBe(200);
		expect(html.headers.get('content-type')).toMatch(/^text\/html/);
		expect(await html.text()).toMatch(/^<!doctype html>/);
		expect((await fetch(`${emu.origin}/__input-files/file/nothing.png`)).status).toBe(404);
		expect(emu.requests.map((r) => r.fault)).toEqual(['inputFile404', 'inputFileHtml', null]);
	});

	it('slow drips the file at dripBytesPerSecond', async () => {
		const urls = emu.putInputFile('slow.png', bytes.subarray(0, 400), 'image/png');
		emu.setBehaviour({ dripBytesPerSecond: 2000 });
		const started = Date.now();
		const res = await fetch(urls.slow);
		expect(Buffer.from(await res.arrayBuffer()).equals(bytes.subarray(0, 400))).toBe(true);
		// 400 bytes at 2000 B/s: about 0.2 s, never all at once.
		expect(Date.now() - started).toBeGreaterThanOrEqual(150);
		expect(emu.requests.at(-1)?.fault).toBe('inputFileSlow');
	});

	it('oversize sends the file, then zeros without a length, more than 512 MB unless the client hangs up', async () => {
		expect(INPUT_OVERSIZE_BYTES).toBeGreaterThan(512 * 1024 * 1024);
		const urls = emu.putInputFile('big.png', bytes, 'image/png');
		const res = await fetch(urls.oversize);
		expect(res.headers.get('content-length')).toBeNull();
		const reader = res.body!.getReader();
		let received = 0;
		while (received < 5 * 1024 * 1024) received += (await reader.read()).value?.length ?? 0;
		await reader.cancel();
		expect(received).toBeGreaterThanOrEqual(5 * 1024 * 1024);
	});
});

describe('download count', () => {
	it('counts requests for hosted links: the handle and GET /__emulator/downloads', async () => {
		expect(emu.downloadCount).toBe(0);
		expect(await (await control('downloads')).json()).toEqual({ count: 0, served: 0 });
		// A link that does not verify is still a download request, refused.
		await fetch(`${emu.origin}/__hosted-files/x/0/a.png?X-Amz-Signature=bad`);
		expect(emu.downloadCount).toBe(1);
		expect(await (await control('downloads')).json()).toEqual({ count: 1, served: 0 });
	});
});
