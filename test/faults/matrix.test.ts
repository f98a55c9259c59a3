/**
 * The fault matrix: every fault the emulator can inject, run against the ViewComfy node inside
 * n8n-core's WorkflowExecute, in both result modes where it applies. With `--write-docs`
 * (test/faults/run.ts) the observations of a complete run become docs/reliability.md; a plain
 * run leaves that tracked file alone.
 */
import { shutdownHarness } from '../harness';
import { registerBatchCases } from './cases/batches';
import { registerDeadlineCases } from './cases/deadlines';
import { registerEchoedSecretCases } from './cases/echoedSecrets';
import { registerFileCases } from './cases/files';
import { registerHostedSocketCases } from './cases/hostedSockets';
import { registerInputUrlCases } from './cases/inputUrls';
import { registerInterruptionCases } from './cases/interruptions';
import { registerRedirectCases } from './cases/redirects';
import { registerResultCases } from './cases/results';
import { registerRetryCases } from './cases/retries';
import { registerSecretScanControl } from './cases/secretScanControl';
import { closeEmulators } from './support/emulators';
import { completeMatrix } from './support/faultCase';
import { writeReliabilityDoc } from './support/reliabilityDoc';
import { writeDocsRequested } from './support/writeDocsFlag';

const started = performance.now();

afterAll(async () => {
	await closeEmulators();
	shutdownHarness();
	if (!writeDocsRequested()) return;
	const rows = completeMatrix();
	// A partial run (`-t`, a crash) must not replace the record of a full one.
	if (rows) writeReliabilityDoc(rows, (performance.now() - started) / 1000);
	else process.stderr.write('fault matrix: not every row ran, so docs/reliability.md was left as it was\n');
});

registerSecretScanControl();
registerRetryCases();
registerInterruptionCases();
registerResultCases();
registerRedirectCases();
registerDeadlineCases();
registerFileCases();
registerInputUrlCases();
registerBatchCases();
registerEchoedSecretCases();
registerHostedSocketCases();
