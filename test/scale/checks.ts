import { writeFileSync } from 'node:fs';

export interface CheckResult {
	name: string;
	ok: boolean;
	detail: string;
}

/**
 * The scenario's assertions: each check passes or fails with a reason, the run goes on after a
 * failure (later stages still report), and the summary is the `N passed, N failed` line CI reads.
 */
export class Checks {
	readonly results: CheckResult[] = [];

	constructor(private readonly log: (line: string) => void) {}

	check(name: string, ok: boolean, detail = ''): boolean {
		this.results.push({ name, ok, detail });
		this.log(`${ok ? '  PASS' : '  FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
		return ok;
	}

	/** A stage that threw: one failed check carrying the error, so nothing fails silently. */
	crashed(stage: string, error: unknown): void {
		const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
		this.check(`${stage} ran to the end`, false, message.slice(0, 3000));
	}

	get passed(): number {
		return this.results.filter((r) => r.ok).length;
	}

	get failed(): number {
		return this.results.length - this.passed;
	}

	summary(): string {
		return `${this.passed} passed, ${this.failed} failed`;
	}

	/** The counters scripts/summarize-tests.cjs reads from a jest `--json` report. */
	writeJestStyleReport(file: string): void {
		writeFileSync(
			file,
			JSON.stringify({
				numPassedTests: this.passed,
				numFailedTests: this.failed,
				numPendingTests: 0,
				numTodoTests: 0,
				numRuntimeErrorTestSuites: 0,
				testResults: [{ name: 'test/scale', assertionResults: this.results.map((r) => ({ title: r.name, status: r.ok ? 'passed' : 'failed', failureMessages: r.ok ? [] : [r.detail] })) }],
			}),
		);
	}
}

export function argValue(argv: string[], flag: string): string | undefined {
	const i = argv.indexOf(flag);
	return i >= 0 ? argv[i + 1] : undefined;
}

/** The end of a scenario: the jest-style report if `--json FILE` asked for one, the summary line, the exit code. */
export function finishChecks(checks: Checks, argv: string[], log: (line: string) => void): number {
	const jsonReport = argValue(argv, '--json');
	if (jsonReport) checks.writeJestStyleReport(jsonReport);
	log(`\n${checks.summary()}`);
	return checks.failed > 0 ? 1 : 0;
}

/**
 * Runs a scenario's main with the process arguments and exits with its code; a crash counts as
 * one failure. A Ctrl+C must still take every process it started down (their exit hooks run on exit).
 */
export function runScenario(main: (argv: string[]) => Promise<number>): void {
	for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
	main(process.argv.slice(2)).then(
		(code) => process.exit(code),
		(error: unknown) => {
			console.error(error);
			console.log('0 passed, 1 failed');
			process.exit(1);
		},
	);
}
