/**
 * Scenario 3: an active workflow on a running `n8n start`: Schedule Trigger → Code (12 prompts)
 * → ViewComfy with concurrency 4. Read back through the public API: 12 images, in input order,
 * each paired with its prompt and carrying its own seed-dependent bytes.
 */
import { nodeOutput, readBinary, type Item } from '../../scripts/n8n/run-data';
import { SCENARIO_TIMEOUT_MS, SETUP_TIMEOUT_MS } from './helpers/n8n-setup';
import {
	closeScenario,
	createActiveWorkflow,
	expectSecretNowhere,
	inferRequests,
	openScenario,
	pngSize,
	sha256,
	waitForExecution,
	type PublicExecution,
	type Scenario,
} from './helpers/scenario';
import { E2E_SECRET, fixtureWorkflowText, mappedParameters, viewComfyNode } from './helpers/viewcomfy';
import { chainWorkflow, codeNode } from './helpers/workflow-builder';

const COUNT = 12;
const CONCURRENCY = 4;

/** Most calls the emulator was serving at the same moment. */
function maxOverlap(intervals: Array<{ start: number; end: number }>): number {
	const events = intervals.flatMap(({ start, end }) => [
		{ at: start, delta: 1 },
		{ at: end, delta: -1 },
	]);
	// An end and a start at the same ms do not overlap.
	events.sort((a, b) => a.at - b.at || a.delta - b.delta);
	let current = 0;
	let most = 0;
	for (const { delta } of events) {
		current += delta;
		most = Math.max(most, current);
	}
	return most;
}

describe('e2e: scheduled batch on a running n8n', () => {
	let scenario: Scenario;
	let workflowId: string;
	let execution: PublicExecution;
	let outputs: Item[];

	beforeAll(async () => {
		// Each run takes 1.5 s, so four at a time are clearly seen overlapping.
		scenario = await openScenario({ workflow: 'txt2img', behaviour: { latencyMs: 1500 } });
		await scenario.instance.startServer();
		// A cron on one second of the minute, a few seconds from now: exactly one run, soon.
		const second = (new Date().getSeconds() + 10) % 60;
		const workflow = chainWorkflow('e2e: scheduled batch', [
			{
				name: 'Schedule',
				type: 'n8n-nodes-base.scheduleTrigger',
				typeVersion: 1.2,
				parameters: { rule: { interval: [{ field: 'cronExpression', expression: `${second} * * * * *` }] } },
			},
			codeNode(
				'Twelve Prompts',
				`return Array.from({ length: ${COUNT} }, (_, i) => ({ json: { prompt: 'lighthouse number ' + i, seed: 1000 + i } }));`,
			),
			viewComfyNode({
				workflowJson: fixtureWorkflowText('txt2img'),
				parameters: mappedParameters({ '6-inputs-text': '={{ $json.prompt }}', '3-inputs-seed': '={{ $json.seed }}' }),
				options: { concurrency: CONCURRENCY },
			}),
		]);
		workflowId = await createActiveWorkflow(scenario, workflow);
		execution = await waitForExecution(scenario, workflowId);
		await scenario.instance.client!.deactivateWorkflow(workflowId);
		if (execution.status !== 'success') throw new Error(`Scheduled execution ended "${execution.status}": ${JSON.stringify(execution.data?.resultData.error)}`);
		outputs = nodeOutput(execution.data!, 'ViewComfy');
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
			expect(item.json.params).toEqual({ '6-inputs-text': `lighthouse number ${i}`, '3-inputs-seed': 1000 + i });
		});
	});

	it('gives every item its own 512×512 PNG (12 distinct files)', () => {
		const hashes = outputs.map((item) => {
			const bytes = readBinary(scenario.instance.userFolder, item.binary!.data);
			expect(item.binary!.data.mimeType).toBe('image/png');
			expect(pngSize(bytes)).toEqual({ width: 512, height: 512 });
			return sha256(bytes);
		});
		expect(new Set(hashes).size).toBe(COUNT);
	});

	it('called ViewComfy once per item, at most 4 at a time', () => {
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
