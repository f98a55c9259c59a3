/**
 * Output files go to n8n's binary store while the answer arrives. A large output (more than the
 * sinks buffer, so the body loop has to wait for n8n) must come out the same in both binary modes,
 * with n8n's own record of the file (filesystem metadata) naming it, and a cut or broken answer
 * must fail cleanly: a clear error, no hanging run, no unhandled rejection.
 */
import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';
import type { INodeExecutionData } from 'n8n-workflow';

import type { BinaryMode, RunResult } from '../../harness';
import { watchUnhandledRejections } from '../unhandledRejections';
import { expectNoSecret, expectSuccess, mappedFields, pasteParameters, runAgainst, sha256, useEmulator } from './support';

const env = useEmulator('txt2img');

/** Many times the sinks' 1 MB buffers, so backpressure is exercised. */
const LARGE_BYTES = 24 * 1024 * 1024 + 3;

const unhandled = watchUnhandledRejections();

async function filesOf(result: RunResult, items: INodeExecutionData[]) {
	return await Promise.all(
		items.map(async (item) => {
			const bytes = await result.binaryBuffer(item);
			return {
				fileName: item.binary?.data.fileName,
				mimeType: item.binary?.data.mimeType,
				fileExtension: item.binary?.data.fileExtension,
				fileType: item.binary?.data.fileType,
				bytes: bytes.length,
				sha256: sha256(bytes),
				json: item.json.file,
			};
		}),
	);
}

describe.each(['wait', 'stream'])('a large output (result mode %s)', (resultMode) => {
	it('comes out the same in every binary mode, with n8n naming the stored file', async () => {
		env.emulator.setBehaviour({ outputBytes: LARGE_BYTES });
		// A fixed seed, so both runs render the same image.
		const parameters = pasteParameters('txt2img', { resultMode, parameters: mappedFields({ '3-inputs-seed': 77 }) });
		const runs: Partial<Record<BinaryMode, RunResult>> = {};
		const files: Partial<Record<BinaryMode, Awaited<ReturnType<typeof filesOf>>>> = {};
		for (const binaryMode of ['default', 'filesystem', 'database'] as const) {
			const result = await runAgainst(env.emulator, { parameters, binaryMode });
			runs[binaryMode] = result;
			files[binaryMode] = await filesOf(result, expectSuccess(result));
		}
		const large = files.filesystem?.find((file) => file.fileName === 'large_00001.mp4');
		expect(large).toMatchObject({ mimeType: 'video/mp4', fileExtension: 'mp4', fileType: 'video', bytes: LARGE_BYTES });
		expect(files.filesystem?.length).toBeGreaterThan(1);
		expect(files.filesystem).toEqual(files.default);
		expect(files.database).toEqual(files.default);
		for (const item of runs.database?.items ?? []) expect(item.binary?.data.id).toMatch(/^database:/);
		await runs.database?.dispose();

		const onDisk = runs.filesystem as RunResult;
		const service = Container.get(BinaryDataService);
		for (const item of onDisk.items) {
			const binary = item.binary?.data;
			expect(binary?.id).toMatch(/^filesystem-v2:/);
			// n8n's own record (used for downloads and copies) has the name and type the item shows.
			const metadata = await service.getMetadata(binary?.id as string);
			expect(metadata).toEqual({ fileName: binary?.fileName, mimeType: binary?.mimeType, fileSize: binary?.bytes });
		}
		await onDisk.dispose();
		await unhandled.expectNone();
		// Two runs of a 24 MB output: over jest's 5 s default on a loaded 2-core machine (6 s seen at load 20).
	}, 60_000);
});

describe.each(['default', 'filesystem'] as const)('a broken answer, %s binary mode', (binaryMode) => {
	it.each([
		['cut off mid-output', { resetAfterHeaders: 1 }, /interrupted|cut off|connection/i],
		['truncated JSON', { malformedJson: true }, /cut off|not valid JSON|ended before/i],
	] as const)('%s: fails with a clear error and leaves nothing pending', async (_name, behaviour, message) => {
		env.emulator.setBehaviour({ outputBytes: LARGE_BYTES, ...behaviour });
		const result = await runAgainst(env.emulator, {
			parameters: pasteParameters('txt2img', { options: { maxRetries: 0 } }),
			binaryMode,
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(message);
		expect(result.error?.stack ?? '').not.toMatch(/BinaryDataSink|PassThrough/);
		expectNoSecret(result, env.emulator);
		await result.dispose();
		await unhandled.expectNone();
	});
});
