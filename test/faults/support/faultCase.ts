/**
 * One row of the fault matrix: a jest test that also records what it observed, whether it
 * passed, and that the fault secret leaked nowhere, for docs/reliability.md.
 */
import type { RunResult } from '../../harness';
import { collectRunsInto, FAULT_SECRET, type RowMode } from './nodeRun';
import { secretLeaks } from './secretScan';

export interface Observation {
	fault: string;
	mode: RowMode;
	expected: string;
	observed: string;
	pass: boolean;
}

export interface CaseContext {
	/** Adds a fact to the "observed" column, e.g. "3 requests, 1 item". */
	observe(fact: string): void;
	/** Another text to scan for the secret (e.g. a server's request record). */
	scanToo(where: string, text: string): void;
}

const registered: string[] = [];
const observations = new Map<string, Observation>();

const ANSI = new RegExp(`${String.fromCharCode(0x1b)}\\[[0-9;]*m`, 'g');

/** The matcher line and jest's "Expected …" line: what was wanted, without the received dump. */
function failureSummary(error: unknown): string {
	const text = error instanceof Error ? error.message : String(error);
	const lines = text.replace(ANSI, '').split('\n').map((l) => l.trim()).filter(Boolean);
	const expected = lines.find((l) => /^Expected/.test(l));
	return [lines[0], expected].filter(Boolean).join(' ').slice(0, 200);
}

/**
 * Registers one matrix row as a test. The secret scan runs on every node run the body made,
 * also when the body's own assertions failed, so a leak is never hidden by an earlier failure.
 */
export function faultCase(
	row: Omit<Observation, 'observed' | 'pass'>,
	body: (ctx: CaseContext) => Promise<void>,
	timeoutMs = 20_000,
): void {
	const id = `${row.fault} [${row.mode}]`;
	if (registered.includes(id)) throw new Error(`Fault case registered twice: ${id}`);
	registered.push(id);
	it(
		id,
		async () => {
			const facts: string[] = [];
			const runs: RunResult[] = [];
			const extra: Array<[string, string]> = [];
			collectRunsInto((run) => runs.push(run));
			let failure: unknown;
			try {
				await body({ observe: (fact) => facts.push(fact), scanToo: (where, text) => extra.push([where, text]) });
			} catch (error) {
				failure = error;
			} finally {
				collectRunsInto(undefined);
			}
			const leaks = runs.flatMap((run) => secretLeaks(run, FAULT_SECRET, extra));
			if (leaks.length) {
				facts.push(`SECRET LEAKED in: ${[...new Set(leaks)].join(', ')}`);
				failure ??= new Error(`The client secret appears in: ${[...new Set(leaks)].join(', ')}`);
			} else if (runs.length) {
				facts.push('secret in no output');
			}
			if (failure) facts.push(`FAILED: ${failureSummary(failure)}`);
			observations.set(id, { ...row, observed: facts.join('; '), pass: failure === undefined });
			if (failure) throw failure;
		},
		timeoutMs,
	);
}

/** Every registered row with its observation, or null when some row did not run (e.g. `-t`). */
export function completeMatrix(): Observation[] | null {
	const rows = registered.map((id) => observations.get(id));
	return rows.every((row): row is Observation => row !== undefined) ? rows : null;
}
