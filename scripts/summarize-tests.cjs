// Sums the jest-style reports of every stage into the one closing line CI reads:
// "N passed, N failed". A stage that failed without a failing test in its report
// (lint, build, a crashed runner) counts as one failure, so no failure goes unseen.
const fs = require('node:fs');
const path = require('node:path');

const [dir, ...failedStages] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
const failedTestsByProject = {};
for (const file of fs.readdirSync(dir).filter((name) => name.endsWith('.json'))) {
	const report = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
	const failures = report.numFailedTests + (report.numRuntimeErrorTestSuites || 0);
	failedTestsByProject[path.basename(file, '.json')] = failures;
	passed += report.numPassedTests;
	failed += failures;
	skipped += report.numPendingTests + report.numTodoTests;
}
for (const entry of failedStages) {
	const [, ...rest] = entry.split(':');
	const project = rest.join(':').split(' ')[0];
	const explained = failedTestsByProject[project] > 0;
	if (!explained) {
		failed += 1;
		console.log(`stage failed: ${rest.join(':')}`);
	}
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
