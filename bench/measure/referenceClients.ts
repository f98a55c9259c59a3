/**
 * How ViewComfy's official clients read a result, for comparison: with fetch, whole-body text
 * then JSON.parse (`logs=false`), and the TypeScript client's SSE loop that appends every chunk
 * to one string and splits all of it again (`logs=true`).
 */
import { fetchInfer } from '../benchRequest';
import type { EmulatorUrls, MeasurementResult } from '../spec';
import { check, timed } from './timed';

interface ResultJson {
	outputs: Array<{ filename: string; data: string }>;
}

/** Decodes every output the way the clients do once they hold the parsed JSON. */
function decodeOutputs(result: ResultJson): Map<string, Buffer> {
	return new Map(result.outputs.map((output) => [output.filename, Buffer.from(output.data, 'base64')]));
}

export async function measureNaive(urls: EmulatorUrls, sizeBytes: number): Promise<MeasurementResult> {
	const naive = async (url: string) => decodeOutputs(JSON.parse(await (await fetchInfer(url, false)).text()) as ResultJson);
	await naive(urls.warm);
	const { value: files, result } = await timed(async () => await naive(urls.measured));
	check(largest(files) === sizeBytes, `the naive client decoded ${largest(files)} bytes, expected ${sizeBytes}`);
	return result;
}

export async function measureOfficialSse(urls: EmulatorUrls, sizeBytes: number, capSeconds: number): Promise<MeasurementResult> {
	await officialSseLoop(urls.warm, Number.POSITIVE_INFINITY);
	const capMs = capSeconds * 1000;
	const { value: files, result } = await timed(async () => await officialSseLoop(urls.measured, capMs));
	if (files === undefined) return { ...result, cappedAfterMs: capMs };
	check(largest(files) === sizeBytes, `the SSE loop decoded ${largest(files)} bytes, expected ${sizeBytes}`);
	return result;
}

/** The official TS streaming client's loop; undefined when it was stopped at the cap. */
async function officialSseLoop(url: string, capMs: number): Promise<Map<string, Buffer> | undefined> {
	const started = Date.now();
	const res = await fetchInfer(url, true);
	const reader = (res.body as ReadableStream<Uint8Array>).getReader();
	const decoder = new TextDecoder();
	let buffer = '';
	let event = '';
	for (;;) {
		if (Date.now() - started > capMs) {
			await reader.cancel();
			return undefined;
		}
		const { done, value } = await reader.read();
		if (done) throw new Error('The SSE stream ended without a prompt_result event');
		buffer += decoder.decode(value, { stream: true });
		// The quadratic part: the whole unfinished line is scanned again on every chunk.
		const lines = buffer.split('\n');
		buffer = lines.pop() ?? '';
		for (const line of lines) {
			if (line.startsWith('event: ')) event = line.slice('event: '.length);
			else if (line.startsWith('data: ') && event === 'prompt_result') {
				await reader.cancel();
				return decodeOutputs(JSON.parse(line.slice('data: '.length)) as ResultJson);
			}
		}
	}
}

function largest(files: Map<string, Buffer>): number {
	return Math.max(0, ...[...files.values()].map((bytes) => bytes.length));
}
