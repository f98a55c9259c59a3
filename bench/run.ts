/**
 * `npm run bench [-- --quick]`: measures large outputs, batches and per-request overhead of the
 * ViewComfy node against the emulator on loopback, prints the tables and writes the results
 * (bench/results.json; bench/results.quick.json for --quick).
 *
 * It reports and never judges: a missed target is shown as such, and the exit code is 0 unless
 * the benchmark itself fails (a crash, or a run that produced wrong bytes).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, totalmem } from 'node:os';
import { resolve } from 'node:path';

import { largeOutput } from '../test/emulator/server/outputs/large';
import { benchSettings, linkMeasurements, MB, officialMeasurement, repeatedMeasurements, type BenchSettings, type PlannedMeasurement } from './plan';
import { EmulatorProcess, runChild } from './processes';
import { renderSummary } from './render';
import type { BatchMeasurement, BenchResults, LinkMeasurements, RawResults, SizeMeasurements } from './results';
import type { MeasurementResult } from './spec';
import { summarize } from './summary';
import { DOCS_PATH, writePerformanceDoc } from './writeDocs';

const USAGE = `Usage: npm run bench [-- --quick | --write-docs]
  --quick       short run for CI (1 and 20 MB, a small batch); writes bench/results.quick.json
  --write-docs  full run, then rewrites docs/performance.md from its results`;

const FLAGS = ['--quick', '--write-docs'];

function parseArgs(argv: string[]): { quick: boolean; writeDocs: boolean } {
	const unknown = argv.filter((arg) => !FLAGS.includes(arg));
	const quick = argv.includes('--quick');
	const writeDocs = argv.includes('--write-docs');
	if (unknown.length || (quick && writeDocs)) {
		const problem = unknown.length
			? `unknown argument ${unknown.map((arg) => `"${arg}"`).join(', ')}`
			: '--write-docs needs a full run; leave out --quick';
		process.stderr.write(`bench: ${problem}\n${USAGE}\n`);
		process.exit(2);
	}
	return { quick, writeDocs };
}

function describe(result: MeasurementResult): string {
	if (result.cappedAfterMs !== undefined) return `stopped at the ${result.cappedAfterMs / 1000} s cap`;
	const memory = result.memory ? `, peak +${(result.memory.peakAboveBaselineBytes / MB).toFixed(1)} MB` : '';
	return `${(result.wallMs / 1000).toFixed(3)} s${memory}`;
}

/** What the node's bytes must hash to: the emulator's generator, decoded here once. */
function expectedSha256(sizeMB: number): string {
	const expected = Buffer.from(largeOutput(sizeMB * MB).base64.toString('latin1'), 'base64');
	return createHash('sha256').update(expected).digest('hex');
}

type Recorder = (measurement: PlannedMeasurement, label: string) => Promise<void>;

/** Runs one measurement in a fresh child, keeps its result under its key and prints it. */
function recorder(tag: string, measurements: SizeMeasurements['measurements']): Recorder {
	return async ({ key, spec }, label) => {
		const result = await runChild(spec);
		(measurements[key] ??= []).push(result);
		process.stdout.write(`  [${tag}] ${key} ${label}: ${describe(result)}\n`);
	};
}

/** Every planned measurement `reps` times, interleaved by repetition, so a burst of load on a shared machine hits every row alike. */
async function repeated(planned: PlannedMeasurement[], reps: number, record: Recorder): Promise<void> {
	for (let rep = 1; rep <= reps; rep++) {
		for (const measurement of planned) await record(measurement, `run ${rep}/${reps}`);
	}
}

async function measureSize(emulator: EmulatorProcess, settings: BenchSettings, sizeMB: number): Promise<SizeMeasurements> {
	// Hosted runs finish at once, so the hosted rows time the downloads, not the emulated run.
	await emulator.configure({ outputBytes: sizeMB * MB, latencyMs: 0, hostedRunMs: 0 });
	const measurements: SizeMeasurements['measurements'] = {};
	const planned = repeatedMeasurements(sizeMB, emulator.urls, expectedSha256(sizeMB));
	const record = recorder(`${sizeMB} MB`, measurements);
	await repeated(planned, settings.reps, record);
	const official = officialMeasurement(settings, sizeMB, emulator.urls);
	if (official) await record(official, `(capped at ${settings.officialCapSeconds} s)`);
	return { sizeMB, measurements };
}

/** The link rows at one speed: the emulator sends every body at `bytesPerSecond`. */
async function measureLink(emulator: EmulatorProcess, settings: BenchSettings, bytesPerSecond: number): Promise<LinkMeasurements> {
	const { sizeMB } = settings.link;
	await emulator.configure({ outputBytes: sizeMB * MB, latencyMs: 0, hostedRunMs: 0, dripBytesPerSecond: bytesPerSecond });
	const measurements: SizeMeasurements['measurements'] = {};
	await repeated(linkMeasurements(sizeMB, emulator.urls, expectedSha256(sizeMB)), settings.reps, recorder(`${sizeMB} MB at ${bytesPerSecond / 1e6} MB/s`, measurements));
	return { sizeMB, bytesPerSecond, measurements };
}

async function measureBatches(emulator: EmulatorProcess, settings: BenchSettings): Promise<BatchMeasurement[]> {
	const { items, latencyMs, concurrencies } = settings.batch;
	await emulator.configure({ outputBytes: null, latencyMs });
	const batches: BatchMeasurement[] = [];
	for (const concurrency of concurrencies) {
		const result = await runChild({ kind: 'batch', urls: emulator.urls, items, concurrency });
		batches.push({ items, concurrency, latencyMs, result });
		process.stdout.write(`  [batch] ${items} items, concurrency ${concurrency}: ${describe(result)}\n`);
	}
	return batches;
}

async function measureOverhead(emulator: EmulatorProcess, settings: BenchSettings): Promise<RawResults['overhead']> {
	const { requests, rounds } = settings.overhead;
	await emulator.configure({ outputBytes: null, latencyMs: 0 });
	const result = await runChild({ kind: 'overhead', urls: emulator.urls, requests, rounds });
	process.stdout.write(`  [overhead] ${requests} requests × ${rounds} rounds: ${describe(result)}\n`);
	return { requests, rounds, result };
}

function commitId(): string {
	try {
		const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
		const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim();
		return dirty ? `${head} (with uncommitted changes)` : head;
	} catch {
		return 'unknown';
	}
}

function writeResults(path: string, results: BenchResults): void {
	const temporary = `${path}.tmp`;
	writeFileSync(temporary, `${JSON.stringify(results, null, '\t')}\n`);
	renameSync(temporary, path);
}

async function main(): Promise<void> {
	const { quick, writeDocs } = parseArgs(process.argv.slice(2));
	const settings = benchSettings(quick);
	const outPath = resolve(__dirname, quick ? 'results.quick.json' : 'results.json');
	const startedAt = new Date().toISOString();
	const loadStart = loadavg()[0];
	process.stdout.write(`ViewComfy node benchmark (${quick ? 'quick' : 'full'}): every figure from a fresh process\n`);

	const emulator = await EmulatorProcess.start();
	let raw: RawResults;
	try {
		const large: SizeMeasurements[] = [];
		for (const sizeMB of settings.sizesMB) large.push(await measureSize(emulator, settings, sizeMB));
		const link: LinkMeasurements[] = [];
		for (const bytesPerSecond of settings.link.bytesPerSecond) link.push(await measureLink(emulator, settings, bytesPerSecond));
		const batch = await measureBatches(emulator, settings);
		const overhead = await measureOverhead(emulator, settings);
		raw = {
			meta: {
				startedAt,
				finishedAt: new Date().toISOString(),
				node: process.version,
				platform: `${platform()} ${process.arch}`,
				cpus: cpus().length,
				totalMemoryGB: Math.round(totalmem() / 1024 ** 3),
				loadAverage: { start: loadStart, end: loadavg()[0] },
				commit: commitId(),
			},
			settings,
			large,
			link,
			batch,
			overhead,
		};
	} finally {
		await emulator.stop();
	}
	const results: BenchResults = { ...raw, summary: summarize(raw) };
	writeResults(outPath, results);
	process.stdout.write(`\n${renderSummary(results.summary)}\n\nResults written to ${outPath}\n`);
	if (writeDocs) {
		writePerformanceDoc(results);
		process.stdout.write(`Wrote ${DOCS_PATH}\n`);
	}
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
		process.exit(1);
	},
);
