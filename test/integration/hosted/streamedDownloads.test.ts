/**
 * Hosted downloads go into n8n's binary store while they arrive, through the same output sinks as
 * direct infer's outputs. Through n8n's engine against the emulator over real HTTP: the files come
 * out byte for byte in both binary modes (n8n's own record naming them in filesystem mode), the
 * bytes reach n8n's store before the download ends, a download cut mid-way fails cleanly or is
 * retried into a fresh file, and the run's size limit still holds.
 *
 * A sink that is never ended or destroyed keeps n8n waiting for its bytes, and the node waits for
 * n8n before it returns: a failed download whose sink were left open would hang these runs.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';
import type { INodeExecutionData } from 'n8n-workflow';

import { LARGE_OUTPUT_NAME } from '../../emulator/server/outputs/large';
import { n8nRuntime } from '../../harness/n8nRuntime';
import type { RunResult } from '../../harness/runWorkflow';
import { sha256 } from '../transport/loopback';
import { watchUnhandledRejections } from '../unhandledRejections';
import {
	HOSTED_SECRET,
	downloadNow,
	errorText,
	getResultsParameters,
	requestsOf,
	runNode,
	runWorkflowParameters,
	useHostedEmulator,
	visibleText,
	waitForRequest,
} from './hostedNode';

const emulator = useHostedEmulator();
const prompt = [{ json: { prompt: 'a long video' } }];

/** Many times the sinks' 1 MB buffer, so the download has to wait for n8n (backpressure). */
const LARGE_BYTES = 24 * 1024 * 1024 + 3;

const unhandled = watchUnhandledRejections();

/** Each item's file as n8n gives it back, with the bytes the run's link serves now. */
async function filesOf(run: RunResult, items: INodeExecutionData[]) {
	const emu = emulator();
	return await Promise.all(
		items.map(async (item, index) => {
			const bytes = await run.binaryBuffer(item);
			const served = await downloadNow(emu, String(item.json.prompt_id), index);
			return {
				fileName: item.binary?.data.fileName,
				mimeType: item.binary?.data.mimeType,
				bytes: bytes.length,
				fileSize: (item.json.file as { fileSize?: number } | undefined)?.fileSize,
				sha256: sha256(bytes),
				servedSha256: sha256(served),
			};
		}),
	);
}

/** Every file under n8n's filesystem binary store, with its size. */
function storedFiles(dir = join(n8nRuntime().root, 'storage')): Array<{ path: string; size: number }> {
	const found: Array<{ path: string; size: number }> = [];
	const walk = (at: string) => {
		for (const entry of readdirSync(at, { withFileTypes: true })) {
			const full = join(at, entry.name);
			if (entry.isDirectory()) walk(full);
			else if (!entry.name.endsWith('.metadata')) found.push({ path: full, size: statSync(full).size });
		}
	};
	try {
		walk(dir);
	} catch {
		// No run stored anything yet.
	}
	return found;
}

describe.each(['default', 'filesystem', 'database'] as const)('a large hosted file (binary mode %s)', (binaryMode) => {
	it('comes out byte for byte, with the name, type and size the item shows', async () => {
		const emu = emulator();
		emu.setBehaviour({ outputBytes: LARGE_BYTES, hostedRunMs: 50 });
		const run = await runNode(emu, { parameters: runWorkflowParameters(), input: prompt, binaryMode });
		expect(errorText(run)).toBe('');
		const files = await filesOf(run, run.items);
		expect(files).toHaveLength(2);
		for (const file of files) {
			expect(file.sha256).toBe(file.servedSha256);
			expect(file.fileSize).toBe(file.bytes);
		}
		expect(files[1]).toMatchObject({ fileName: LARGE_OUTPUT_NAME, mimeType: 'video/mp4', bytes: LARGE_BYTES });
		expect(run.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }]);

		const service = Container.get(BinaryDataService);
		for (const item of run.items) {
			const binary = item.binary?.data;
			if (binaryMode === 'default') {
				expect(binary?.id).toBeUndefined();
				continue;
			}
			expect(binary?.id).toMatch(binaryMode === 'filesystem' ? /^filesystem-v2:/ : /^database:/);
			// n8n's own record (used for downloads and copies) has the name and type the item shows.
			expect(await service.getMetadata(binary?.id as string)).toEqual({ fileName: binary?.fileName, mimeType: binary?.mimeType, fileSize: binary?.bytes });
		}
		await run.dispose();
		await unhandled.expectNone();
	}, 60_000);

	it('Get Results: two input items asking for the same run each get the whole files, each with its own record', async () => {
		const emu = emulator();
		emu.setBehaviour({ outputBytes: LARGE_BYTES, hostedRunMs: 0 });
		const submitted = await runNode(emu, { parameters: runWorkflowParameters({ waitForCompletion: false }), input: prompt });
		const promptId = String(submitted.items[0].json.prompt_id);
		const run = await runNode(emu, {
			parameters: getResultsParameters(),
			input: [{ json: { prompt_id: promptId } }, { json: { prompt_id: promptId } }],
			binaryMode,
		});
		expect(errorText(run)).toBe('');
		expect(run.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }, { item: 1 }, { item: 1 }]);
		// Fetched once for both items.
		expect(requestsOf(emu, 'download')).toHaveLength(2);
		const files = await filesOf(run, run.items.slice(0, 2));
		const again = await filesOf(run, run.items.slice(2));
		expect(again).toEqual(files);
		for (const file of files) expect(file.sha256).toBe(file.servedSha256);
		expect(files[1].bytes).toBe(LARGE_BYTES);
		expect(run.items[1].binary?.data).not.toBe(run.items[3].binary?.data);
		await run.dispose();
	}, 60_000);
});

it('filesystem mode: the bytes reach n8n’s store while the file is still downloading', async () => {
	const emu = emulator();
	// The node streams to a store it has seen store a file on disk: whatever earlier tests ran in
	// (a database-mode run makes it gather whole files), one small run in filesystem mode first.
	emu.setBehaviour({ outputBytes: 1024, hostedRunMs: 0 });
	await (await runNode(emu, { parameters: runWorkflowParameters(), input: prompt, binaryMode: 'filesystem' })).dispose();
	const total = 3 * 1024 * 1024;
	// About 1.5 s for the large file: long enough to look at the store midway.
	emu.setBehaviour({ outputBytes: total, hostedRunMs: 0, dripBytesPerSecond: 2 * 1024 * 1024 });
	const before = new Set(storedFiles().map((file) => file.path));
	const running = runNode(emu, { parameters: runWorkflowParameters(), input: prompt, binaryMode: 'filesystem' });
	const partial: number[] = [];
	let done = false;
	void running.finally(() => (done = true));
	while (!done) {
		const growing = storedFiles().filter((file) => !before.has(file.path) && file.size > 0 && file.size < total);
		// The PNG is small; a file past its size is the large one, on its way in.
		partial.push(...growing.filter((file) => file.size > 64 * 1024).map((file) => file.size));
		await sleep(50);
	}
	const run = await running;
	expect(errorText(run)).toBe('');
	expect((await run.binaryBuffer(run.items[1])).length).toBe(total);
	expect(partial.length).toBeGreaterThan(0);
	await run.dispose();
}, 60_000);

describe.each(['default', 'filesystem'] as const)('a download cut mid-way (binary mode %s)', (binaryMode) => {
	it('without retries: a clear error, no output item, nothing left pending', async () => {
		const emu = emulator();
		const run = await cutLargeDownload(emu, { parameters: runWorkflowParameters({}, { maxRetries: 0 }), input: prompt, binaryMode });
		expect(run.status).toBe('error');
		expect(run.items).toEqual([]);
		expect(errorText(run)).toMatch(/^Could not get an answer from 127\.0\.0\.1:\d+: .*\nThe run finished, but its file could not be downloaded/);
		expect(errorText(run)).not.toMatch(/BinaryDataSink|OutputByteStream|at /);
		expect(requestsOf(emu, 'download').map((r) => r.fault)).toEqual([null, 'resetAfterHeaders']);
		expect(visibleText(run)).not.toContain(HOSTED_SECRET);
		await run.dispose();
		await unhandled.expectNone();
	}, 60_000);

	it('with retries: the failed attempt’s file is dropped and the whole file comes from a fresh one', async () => {
		const emu = emulator();
		const run = await cutLargeDownload(emu, { parameters: runWorkflowParameters(), input: prompt, binaryMode, continueOnFail: true });
		expect(errorText(run)).toBe('');
		expect(run.items.map((item) => item.json.error)).toEqual([undefined, undefined]);
		expect(requestsOf(emu, 'download').map((r) => r.fault)).toEqual([null, 'resetAfterHeaders', null]);
		const files = await filesOf(run, run.items);
		expect(files[1]).toMatchObject({ fileName: LARGE_OUTPUT_NAME, bytes: LARGE_BYTES, fileSize: LARGE_BYTES });
		expect(files[1].sha256).toBe(files[1].servedSha256);
		expect(run.logText).toMatch(/retry 1 in/);
		await run.dispose();
		await unhandled.expectNone();
	}, 60_000);
});

describe('the run’s size limit (Max Output Size)', () => {
	it.each(['default', 'filesystem'] as const)('%s mode: files over it fail with the limit named, and the large one is never fetched', async (binaryMode) => {
		const emu = emulator();
		emu.setBehaviour({ outputBytes: LARGE_BYTES, hostedRunMs: 0 });
		const run = await runNode(emu, { parameters: runWorkflowParameters({}, { maxOutputSizeMb: 16 }), input: prompt, binaryMode, continueOnFail: true });
		expect(run.items).toHaveLength(1);
		expect(run.items[0].json.error).toContain('larger than the limit of 16 MB (the Max Output Size (MB) option)');
		expect(run.items[0].binary).toBeUndefined();
		expect(run.items[0].pairedItem).toEqual({ item: 0 });
		expect(requestsOf(emu, 'download')).toHaveLength(1);
		await run.dispose();
	});
});

/**
 * Runs the node with the first download of the large file cut halfway. The PNG before it (about
 * 6 kB) is sent slowly, about 0.75 s, so the cut can be set up while it downloads: the fault
 * counter then takes the next response, the large file's, which goes out at full speed.
 */
async function cutLargeDownload(emu: ReturnType<typeof emulator>, spec: Parameters<typeof runNode>[1]): Promise<RunResult> {
	emu.setBehaviour({ outputBytes: LARGE_BYTES, hostedRunMs: 0, dripBytesPerSecond: 8 * 1024 });
	const running = runNode(emu, spec);
	await waitForRequest(emu, (request) => request.kind === 'download', 20_000);
	emu.setBehaviour({ dripBytesPerSecond: null, resetAfterHeaders: 1 });
	return await running;
}
