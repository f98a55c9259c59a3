/**
 * The physical floor of a large output, in two parts measured separately: the raw loopback
 * transfer of the exact answer the node gets, and one native base64 decode of the output.
 */
import { largeOutput } from '../../test/emulator/server/outputs/large';
import { downloadAndDiscard } from '../benchRequest';
import type { MeasurementResult, ResultMode, EmulatorUrls } from '../spec';
import { check, timed } from './timed';

export async function measureTransfer({ urls, mode, sizeBytes, inN8nProcess }: {
	urls: EmulatorUrls;
	mode: ResultMode;
	sizeBytes: number;
	inN8nProcess?: boolean;
}): Promise<MeasurementResult> {
	const logs = mode === 'stream';
	if (inN8nProcess) {
		const { runViewComfy } = await import('./viewComfyRun');
		await (await runViewComfy({ endpointUrl: urls.warm, mode, binaryMode: 'default' })).dispose();
	}
	await downloadAndDiscard(urls.warm, logs);
	const { value: bytes, result } = await timed(async () => await downloadAndDiscard(urls.measured, logs));
	const base64Length = Math.ceil(sizeBytes / 3) * 4;
	check(bytes > base64Length, `the answer has ${bytes} bytes, less than the output's ${base64Length} characters of base64`);
	return result;
}

export async function measureDecode(sizeBytes: number): Promise<MeasurementResult> {
	// The emulator's own generator, so the floor decodes exactly the bytes the node decodes.
	const base64 = largeOutput(sizeBytes).base64.toString('latin1');
	Buffer.from(base64.slice(0, 4096), 'base64');
	const { value: decoded, result } = await timed(async () => Buffer.from(base64, 'base64'));
	check(decoded.length === sizeBytes, `decoded ${decoded.length} bytes, expected ${sizeBytes}`);
	return result;
}
