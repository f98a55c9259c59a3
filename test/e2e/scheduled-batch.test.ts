/**
 * Scenario 3: examples/scheduled-batch-to-disk.workflow.json, active on a running `n8n start`:
 * Schedule Trigger → Code (12 prompts) → ViewComfy with concurrency 4 → Read/Write Files from
 * Disk. Read back through the public API: 12 images, in input order, each paired with its prompt
 * and carrying its own seed-dependent bytes, each written to disk as n8n stored it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { nodeOutput, readBinary, type Item } from '../../scripts/n8n/run-data';
import { exampleNode, loadExample, readExample } from './helpers/examples';
import { SCENARIO_TIMEOUT_MS, SETUP_TIMEOUT_MS } from './helpers/n8n-setup';
import {
	closeScenario,
	createActiveWorkflow,
	expectSecretNowhere,
	expectStoredInRequestedMode,
	inferRequests,
	maxOverlap,
	openScenario,
	pngSize,
	sha256,
	waitForExecution,
	type PublicExecution,
	type Scenario,
} from './helpers/scenario';
import { CREDENTIAL_REF, E2E_SECRET } from './helpers/viewcomfy';

const EXAMPLE = 'scheduled-batch-to-disk';
/** The folder the example writes to (n8n's Docker default); the test gives n8n its own. */
const EXAMPLE_FOLDER = '/home/node/.n8n-files';
const COUNT = 12;
const CONCURRENCY = (exampleNode(readExample(EXAMPLE), 'ViewComfy').parameters.options as { concurrency: number }).concurrency;
const SUBJECT = 'a lighthouse on a cliff at dusk, oil painting';

describe('e2e: scheduled batch on a running n8n', () => {
	let scenario: Scenario;
	let workflowId: string;
	let execution: PublicExecution;
	let outputs: Item[];
	let saved: Item[];

	beforeAll(async () => {
		// Each run takes 1.5 s, so four at a time are clearly seen overlapping.
		scenario = await openScenario({ workflow: 'txt2img', behaviour: { latencyMs: 1500 } });
		await scenario.instance.startServer();
		// A cron on one second of the minute, a few seconds from now: exactly one run, soon.
		const second = (new Date().getSeconds() + 10) % 60;
		const workflow = loadExample(EXAMPLE, {
			credentials: { viewComfyApi: CREDENTIAL_REF },
			parameters: { 'Every Morning': { rule: { interval: [{ field: 'cronExpression', expression: `${second} * * * * *` }] } } },
			replace: [[EXAMPLE_FOLDER, scenario.instance.filesDir]],
		});
		workflowId = await createActiveWorkflow(scenario, workflow);
		execution = await waitForExecution(scenario, workflowId);
		await scenario.instance.client!.deactivateWorkflow(workflowId);
		if (execution.status !== 'success') throw new Error(`Scheduled execution ended "${execution.status}": ${JSON.stringify(execution.data?.resultData.error)}`);
		outputs = nodeOutput(execution.data!, 'ViewComfy');
		saved = nodeOutput(execution.data!, 'Save to Disk');
	}, SETUP_TIMEOUT_MS);

	afterAll(() => closeScenario(scenario), SCENARIO_TIMEOUT_MS);

	it('ran from the schedule trigger', () => {
		expect(execution.mode).toBe('trigger');
		expect(execution.finished).toBe(true);
	});

	it('outputs 12 items in input order, each paired with its own prompt', () => {
		expect(outputs).toHaveLength(COUNT);
		outputs.forEach((item, i) => {
			expect(item.pairedItem).toEqual({ item: i });
			expect(item.json.params).toEqual({ '6-inputs-text': `${SUBJECT}, variation ${i + 1}`, '3-inputs-seed': 1000 + i });
		});
	});

	it('gives every item its own 512×512 PNG (12 distinct files)', () => {
		const hashes = outputs.map((item) => {
			expectStoredInRequestedMode(item.binary?.data);
			const bytes = readBinary(scenario.instance.userFolder, item.binary!.data);
			expect(item.binary!.data.mimeType).toBe('image/png');
			expect(pngSize(bytes)).toEqual({ width: 512, height: 512 });
			return sha256(bytes);
		});
		expect(new Set(hashes).size).toBe(COUNT);
	});

	it('wrote every image to disk under its prompt\'s file name, byte for byte what n8n stored', () => {
		expect(saved).toHaveLength(COUNT);
		saved.forEach((item, i) => {
			const path = String(item.json.fileName);
			expect(path).toBe(join(scenario.instance.filesDir, `viewcomfy-lighthouse-${String(i + 1).padStart(2, '0')}.png`));
			expect(sha256(readFileSync(path))).toBe(sha256(readBinary(scenario.instance.userFolder, outputs[i].binary!.data)));
		});
	});

	it('called ViewComfy once per item, at most 4 at a time', () => {
		expect(CONCURRENCY).toBe(4);
		const calls = inferRequests(scenario.emulator);
		const seeds = calls.map((call) => (call.form?.params as Record<string, unknown>)['3-inputs-seed']);
		expect([...seeds].sort()).toEqual(Array.from({ length: COUNT }, (_, i) => 1000 + i));
		const overlap = maxOverlap(calls.map((call) => ({ start: Date.parse(call.time), end: Date.parse(call.time) + (call.durationMs ?? 0) })));
		expect(overlap).toBeLessThanOrEqual(CONCURRENCY);
		expect(overlap).toBeGreaterThan(1);
	});

	it('leaves the client secret out of the execution the public API returns and out of every record', async () => {
		expect(JSON.stringify(execution)).not.toContain(E2E_SECRET);
		await expectSecretNowhere(scenario);
	}, SCENARIO_TIMEOUT_MS);
});
