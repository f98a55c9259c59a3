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
