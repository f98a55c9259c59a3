/**
 * In n8n's stores that gather whole files (in-memory, database, S3), each output is gathered into
 * one Buffer (of the size the answer announces, or a first guess enlarged once) and handed to n8n
 * whole, instead of as a stream that n8n joins itself. The node learns the store's mode from the
 * first file n8n stores, so the first run of a process streams. What n8n's BinaryDataService is
 * handed is watched on the real service; every file must come out byte for byte, whichever way
 * it went. A store whose ids the node does not know (a made-up mode registered on n8n's own
 * BinaryDataService, as n8n 3.0 may name one) gets every output as a stream.
 */
import { gzipSync } from 'node:zlib';

import { BinaryDataService } from 'n8n-core';

import { runNode, type BinaryMode, type RunResult } from '../../harness';
import { UNKNOWN_STORE_MODE } from '../../harness/n8nRuntime';
import { seededBytes } from '../../unit/transport/pieces';
import { startServer, type LoopbackServer } from '../transport/loopback';
import { watchUnhandledRejections } from '../unhandledRejections';
import { CLIENT_ID, CLIENT_SECRET, expectNoSecret, expectSuccess, inferRequests, mappedFields, pasteParameters, runAgainst, sha256, useEmulator } from './support';

const env = useEmulator('txt2img');
const unhandled = watchUnhandledRejections();

const LARGE_BYTES = 6 * 1024 * 1024 + 5;

/**
 * What n8n's BinaryDataService.store was handed since the last `mark()`, call by call: a Buffer
 * (its length) or a stream. Watched in every test of this file.
 */
function watchStores(): { mark: () => void; handed: () => Array<number | 'stream'> } {
	let store: jest.SpiedFunction<BinaryDataService['store']> | undefined;
	let from = 0;
	beforeEach(() => {
		store = jest.spyOn(BinaryDataService.prototype, 'store');
		from = 0;
	});
	afterEach(() => store?.mockRestore());
	const calls = () => store?.mock.calls ?? [];
	return {
		mark: () => {
			from = calls().length;
		},
		handed: () => calls().slice(from).map(([, data]) => (Buffer.isBuffer(data) ? data.length : 'stream')),
	};
}

const stores = watchStores();

/** The large output's bytes as n8n holds them. */
async function largeFile(result: RunResult): Promise<Buffer> {
	const item = expectSuccess(result).find((candidate) => candidate.binary?.data.fileName === 'large_00001.mp4');
	if (!item) throw new Error('no item carries the large output');
	return await result.binaryBuffer(item);
}

describe("n8n's in-memory binary mode", () => {
	it('streams until n8n has stored a file, then hands each announced output over as one Buffer of its size', async () => {
		env.emulator.setBehaviour({ outputBytes: LARGE_BYTES });
		const first = await runAgainst(env.emulator, { parameters: pasteParameters('txt2img'), binaryMode: 'default' });
		const firstBytes = await largeFile(first);
		// Nothing was known of n8n's store when the first output began: it was streamed.
		expect(stores.handed()[0]).toBe('stream');
		await first.dispose();

		stores.mark();
		const second = await runAgainst(env.emulator, { parameters: pasteParameters('txt2img'), binaryMode: 'default' });
		const secondBytes = await largeFile(second);
		// Every output of the second run went over whole, the large one at exactly its size.
		expect(stores.handed()).toContain(LARGE_BYTES);
		expect(stores.handed()).not.toContain('stream');
		expect(secondBytes.length).toBe(LARGE_BYTES);
		expect(sha256(secondBytes)).toBe(sha256(firstBytes));
		expectNoSecret(second, env.emulator);
		await second.dispose();
		await unhandled.expectNone();
	}, 60_000);

	it('an answer without a length (Stream logs), larger than the first reservation, is handed over whole too', async () => {
		// Over the 16 MB reserved for an output of unknown size: the bytes move once.
		const bytes = 20 * 1024 * 1024 + 3;
		env.emulator.setBehaviour({ outputBytes: bytes });
		const parameters = pasteParameters('txt2img', { resultMode: 'stream', parameters: mappedFields({ '3-inputs-seed': 78 }) });
		// In filesystem mode first: what n8n stores there is the reference.
		const onDisk = await runAgainst(env.emulator, { parameters, binaryMode: 'filesystem' });
		const expected = sha256(await largeFile(onDisk));
		await onDisk.dispose();
		await (await runAgainst(env.emulator, { parameters: pasteParameters('txt2img'), binaryMode: 'default' })).dispose();
		stores.mark();
		const result = await runAgainst(env.emulator, { parameters, binaryMode: 'default' });
		expect(inferRequests(env.emulator).at(-1)?.form?.logs).toBe('true');
		const large = await largeFile(result);
		expect(stores.handed()).toContain(bytes);
		expect(stores.handed()).not.toContain('stream');
		expect(large.length).toBe(bytes);
		expect(sha256(large)).toBe(expected);
		await result.dispose();
		await unhandled.expectNone();
	}, 60_000);

	it('a cut answer fails cleanly, with no file half-handed to n8n and nothing pending', async () => {
		// A run first, so the node knows n8n's mode and gathers the output whole. A fixed seed, so
		// both runs render the same image.
		const parameters = pasteParameters('txt2img', { parameters: mappedFields({ '3-inputs-seed': 77 }), options: { maxRetries: 0 } });
		env.emulator.setBehaviour({ outputBytes: LARGE_BYTES });
		const whole = await runAgainst(env.emulator, { parameters, binaryMode: 'default' });
		const completeSizes = expectSuccess(whole).map((item) => item.binary?.data.bytes);
		await whole.dispose();
		env.emulator.setBehaviour({ outputBytes: LARGE_BYTES, resetAfterHeaders: 1 });
		stores.mark();
		const result = await runAgainst(env.emulator, { parameters, binaryMode: 'default' });
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/interrupted|cut off|connection/i);
		// The cut comes 16 kB into the body: an output that arrived whole before it may have been
		// stored, but no part of the cut one was handed to n8n.
		for (const handed of stores.handed()) expect(completeSizes).toContain(handed);
		expect(stores.handed()).not.toContain(LARGE_BYTES);
		await result.dispose();
		await unhandled.expectNone();
	});
});

/**
 * The large output run in `learned` (the mode the node has then seen last), then twice in `mode`:
 * every file byte for byte, each stored under an id with `prefix`. Gives what n8n was handed on
 * the first run in `mode`, and the second run (what it was handed since `stores.mark()`).
 */
async function twiceAfter(learned: BinaryMode, mode: BinaryMode, prefix: string, seed: number) {
	env.emulator.setBehaviour({ outputBytes: LARGE_BYTES });
	const parameters = pasteParameters('txt2img', { parameters: mappedFields({ '3-inputs-seed': seed }) });
	const reference = await runAgainst(env.emulator, { parameters, binaryMode: learned });
	const expected = sha256(await largeFile(reference));
	await reference.dispose();
	stores.mark();
	const first = await runAgainst(env.emulator, { parameters, binaryMode: mode });
	const firstHanded = stores.handed();
	expect(sha256(await largeFile(first))).toBe(expected);
	await first.dispose();

	stores.mark();
	const second = await runAgainst(env.emulator, { parameters, binaryMode: mode });
	const items = expectSuccess(second);
	expect(items.length).toBeGreaterThan(1);
	for (const item of items) expect(item.binary?.data.id?.startsWith(prefix)).toBe(true);
	const large = await largeFile(second);
	expect(large.length).toBe(LARGE_BYTES);
	expect(sha256(large)).toBe(expected);
	expectNoSecret(second, env.emulator);
	return { firstHanded, second, items };
}

describe("n8n's database binary mode (the harness's stand-in for n8n's DatabaseManager)", () => {
	it('once n8n has stored a file there, hands each output over as one Buffer of its size, stored under database: ids', async () => {
		const { firstHanded, second } = await twiceAfter('filesystem', 'database', 'database:', 80);
		// Filesystem mode was learned last: the first output of the first run streamed.
		expect(firstHanded[0]).toBe('stream');
		expect(stores.handed()).toContain(LARGE_BYTES);
		expect(stores.handed()).not.toContain('stream');
		await second.dispose();
		await unhandled.expectNone();
	}, 60_000);
});

describe('a store n8n names in a way the node does not know', () => {
	it('is streamed to, even right after a whole-file store, and every file comes out byte for byte', async () => {
		// In-memory mode learned last: the first output of the first run goes whole; the record n8n
		// returns for it names a mode the node does not know.
		const { second, items } = await twiceAfter('default', 'unknown-store', `${UNKNOWN_STORE_MODE}:`, 79);
		// Not one output of the second run was handed over as a Buffer.
		expect(stores.handed()).toEqual(items.map(() => 'stream'));
		await second.dispose();
		await unhandled.expectNone();
	}, 60_000);
});

describe('an answer compressed on the way', () => {
	let server: LoopbackServer;
	// Compressed, the answer is shorter than the file (base64 text carries 6 bits per character):
	// its Content-Length understates the output, and the reserved Buffer has to grow.
	const video = Buffer.concat(Array.from({ length: 64 }, (_, i) => seededBytes(32 * 1024, i % 4)));
	let acceptEncoding = '';

	beforeAll(async () => {
		const result = JSON.stringify({
			prompt_id: 'p-gzip',
			status: 'success',
			completed: true,
			execution_time_seconds: 1,
			outputs: [{ filename: 'clip.mp4', content_type: 'video/mp4', data: video.toString('base64'), size: video.length }],
		});
		const compressed = gzipSync(result);
		expect(Math.floor((compressed.length * 3) / 4)).toBeLessThan(video.length);
		server = await startServer((req, res) => {
			acceptEncoding = String(req.headers['accept-encoding'] ?? '');
			res.writeHead(201, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': compressed.length });
			res.end(compressed);
		});
	});
	afterAll(async () => await server.close());

	it.each(['default', 'filesystem'] as const)('comes out byte for byte (%s binary mode, n8n’s mode already known)', async (binaryMode) => {
		const run = async () =>
			await runNode({
				parameters: pasteParameters('txt2img'),
				binaryMode,
				credentials: { endpointUrl: server.url('/api'), clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
			});
		await (await run()).dispose();
		stores.mark();
		const result = await run();
		const [item] = expectSuccess(result);
		expect(acceptEncoding).toMatch(/gzip/);
		const bytes = await result.binaryBuffer(item);
		expect(bytes.length).toBe(video.length);
		expect(sha256(bytes)).toBe(sha256(video));
		// In-memory mode: handed over whole although the answer announced fewer bytes.
		expect(stores.handed()).toEqual([binaryMode === 'default' ? video.length : 'stream']);
		await result.dispose();
	});
});
