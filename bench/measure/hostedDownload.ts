/**
 * A large file through the hosted API: the node runs the workflow there (submit, status, then the
 * files from their pre-signed links into n8n's binary store), against the floor of the same file
 * fetched from its link with undici and dropped.
 */
import { randomUUID } from 'node:crypto';
import { FormData, request } from 'undici';

import { LARGE_OUTPUT_NAME } from '../../test/emulator/server/outputs/large';
import { BENCH_PARAMS, credentialHeaders } from '../benchRequest';
import type { BinaryMode, EmulatorUrls, MeasurementResult } from '../spec';
import { check, timed } from './timed';
import { checkLargeOutput, runViewComfy } from './viewComfyRun';

/** The deployment the emulated hosted API is asked to run; it is never called itself. */
const DEPLOYMENT = 'https://bench--viewcomfy-deployment.modal.run/';

const originOf = (url: string) => new URL(url).origin;

interface HostedFile {
	filename: string;
	filepath: string;
}

/** Submits a run to the emulated hosted API and polls until it finished; returns its files. */
async function finishedRunFiles(apiOrigin: string): Promise<HostedFile[]> {
	const promptId = randomUUID();
	const form = new FormData();
	form.set('prompt_id', promptId);
	form.set('view_comfy_api_url', DEPLOYMENT);
	form.set('params', JSON.stringify(BENCH_PARAMS));
	const submitted = await request(`${apiOrigin}/api/workflow/infer`, { method: 'POST', headers: credentialHeaders, body: form });
	check(submitted.statusCode === 201, `the hosted submit was answered ${submitted.statusCode}: ${(await submitted.body.text()).slice(0, 300)}`);
	await submitted.body.dump();
	for (let polls = 0; polls < 200; polls++) {
		const res = await request(`${apiOrigin}/api/workflow/infer/?prompt_ids=${promptId}`, { headers: credentialHeaders });
		const [record] = (await res.body.json()) as Array<{ status: string; outputs: HostedFile[] }>;
		if (record?.status === 'success') return record.outputs;
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	throw new Error('The hosted run did not finish within 10 s');
}

/** Downloads a link with undici and drops the bytes; returns how many there were. */
async function downloadAndDrop(link: string): Promise<number> {
	const res = await request(link);
	check(res.statusCode === 200, `the download link was answered ${res.statusCode}`);
	let bytes = 0;
	for await (const chunk of res.body) bytes += (chunk as Buffer).length;
	return bytes;
}

export async function measureHostedTransfer(urls: EmulatorUrls, sizeBytes: number): Promise<MeasurementResult> {
	const files = await finishedRunFiles(originOf(urls.measured));
	const large = files.find((file) => file.filename === LARGE_OUTPUT_NAME);
	check(large !== undefined, `the hosted run lists no ${LARGE_OUTPUT_NAME}: ${JSON.stringify(files.map((file) => file.filename))}`);
	// Warm-up on the small file of the same run: same connection setup, same emulator route.
	for (const file of files) if (file !== large) await downloadAndDrop(file.filepath);
	const { value: bytes, result } = await timed(async () => await downloadAndDrop(large.filepath));
	check(bytes === sizeBytes, `the link served ${bytes} bytes, expected ${sizeBytes}`);
	return result;
}

export async function measureHostedNode(spec: { urls: EmulatorUrls; binaryMode: BinaryMode; sizeBytes: number; sha256: string }): Promise<MeasurementResult> {
	const run = (emulatorUrl: string) =>
		runViewComfy({ endpointUrl: DEPLOYMENT, hostedApiUrl: originOf(emulatorUrl), mode: 'wait', binaryMode: spec.binaryMode });
	// The node waits between polls on AbortSignal.timeout, whose timer does not keep a process
	// alive: in n8n the server does, in this child nothing else would (it would exit mid-run).
	const keepAlive = setInterval(() => undefined, 60_000);
	try {
		await (await run(spec.urls.warm)).dispose();
		const { value: result, result: measured } = await timed(async () => await run(spec.urls.measured));
		await checkLargeOutput(result, spec.sizeBytes, spec.sha256);
		await result.dispose();
		return measured;
	} finally {
		clearInterval(keepAlive);
	}
}
