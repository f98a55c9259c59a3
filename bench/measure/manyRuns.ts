/**
 * Many items through the node: a batch against an emulator with latency (does concurrency reach
 * the ideal?), and many small runs at zero latency next to raw requests (what does the node add
 * per request?).
 */
import { downloadAndDiscard } from '../benchRequest';
import type { EmulatorUrls, MeasurementResult } from '../spec';
import { check, wallMs } from './timed';
import { runViewComfy } from './viewComfyRun';
import type { RunResult } from '../../test/harness/runWorkflow';

function checkOneItemPerInput(run: RunResult, items: number): void {
	check(run.items.length === items, `${run.items.length} output items for ${items} inputs`);
	run.items.forEach((item, index) => {
		check((item.pairedItem as { item: number }).item === index, `output ${index} is paired with another input`);
	});
}

export async function measureBatch(urls: EmulatorUrls, items: number, concurrency: number): Promise<MeasurementResult> {
	await runViewComfy({ endpointUrl: urls.warm, mode: 'wait', binaryMode: 'default', items: concurrency, concurrency });
	let run: RunResult | undefined;
	const ms = await wallMs(async () => {
		run = await runViewComfy({ endpointUrl: urls.measured, mode: 'wait', binaryMode: 'default', items, concurrency });
	});
	checkOneItemPerInput(run as RunResult, items);
	return { wallMs: ms };
}

export async function measureOverhead(urls: EmulatorUrls, requests: number, rounds: number): Promise<MeasurementResult> {
	const raw = async () => {
		for (let i = 0; i < requests; i++) await downloadAndDiscard(urls.measured, false);
	};
	const viaNode = async () => {
		const run = await runViewComfy({ endpointUrl: urls.measured, mode: 'wait', binaryMode: 'default', items: requests });
		checkOneItemPerInput(run, requests);
	};
	await downloadAndDiscard(urls.warm, false);
	await runViewComfy({ endpointUrl: urls.warm, mode: 'wait', binaryMode: 'default', items: 2 });
	const rawPerRequestMs: number[] = [];
	const nodePerRequestMs: number[] = [];
	const started = Date.now();
	// Alternated, so a burst of load on a shared machine hits both sides alike.
	for (let round = 0; round < rounds; round++) {
		rawPerRequestMs.push((await wallMs(raw)) / requests);
		nodePerRequestMs.push((await wallMs(viaNode)) / requests);
	}
	return { wallMs: Date.now() - started, rawPerRequestMs, nodePerRequestMs };
}
