/**
 * One measurement in a fresh process (`node --expose-gc --import tsx bench/child.ts '<spec>'`),
 * so its memory baseline and peak belong to it alone. Reports over IPC, then exits.
 *
 * Modules are loaded per kind: the floor rows must not carry n8n-core in their process.
 */
import type { ChildMessage, MeasurementResult, MeasurementSpec } from './spec';

async function measure(spec: MeasurementSpec): Promise<MeasurementResult> {
	switch (spec.kind) {
		case 'transfer':
			return await (await import('./measure/floors')).measureTransfer(spec);
		case 'decode':
			return await (await import('./measure/floors')).measureDecode(spec.sizeBytes);
		case 'naive':
			return await (await import('./measure/referenceClients')).measureNaive(spec.urls, spec.sizeBytes);
		case 'officialSse':
			return await (await import('./measure/referenceClients')).measureOfficialSse(spec.urls, spec.sizeBytes, spec.capSeconds);
		case 'node':
			return await (await import('./measure/largeOutput')).measureNodeLargeOutput(spec);
		case 'n8nStore':
			return await (await import('./measure/largeOutput')).measureN8nStore(spec.binaryMode, spec.sizeBytes);
		case 'hostedTransfer':
			return await (await import('./measure/hostedDownload')).measureHostedTransfer(spec.urls, spec.sizeBytes);
		case 'hostedNode':
			return await (await import('./measure/hostedDownload')).measureHostedNode(spec);
		case 'batch':
			return await (await import('./measure/manyRuns')).measureBatch(spec.urls, spec.items, spec.concurrency);
		case 'overhead':
			return await (await import('./measure/manyRuns')).measureOverhead(spec.urls, spec.requests, spec.rounds);
	}
}

function report(message: ChildMessage): Promise<void> {
	return new Promise((resolve) => {
		if (!process.send) {
			process.stdout.write(`${JSON.stringify(message)}\n`);
			resolve();
			return;
		}
		process.send(message, () => resolve());
	});
}

measure(JSON.parse(process.argv[2] ?? '{}') as MeasurementSpec).then(
	async (result) => {
		await report({ ok: true, result });
		process.exit(0);
	},
	async (error: unknown) => {
		await report({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
		process.exit(1);
	},
);
