/**
 * Run Workflow through n8n's engine against the emulator over HTTP: what goes on the wire for each
 * way of setting parameters, and what comes back as items and binary data.
 */

import type { RecordedRequest } from '../../emulator/server';

import {
	decodePng,
	expectNoSecret,
	expectSuccess,
	fixtureJson,
	fixtureText,
	inferRequests,
	mappedFields,
	pasteParameters,
	runAgainst,
	sentParams,
	sha256,
	useEmulator,
} from './support';

const txt2img = fixtureJson('txt2img');
const WORKFLOW_SEED = txt2img['3'].inputs.seed;

/** Most requests the emulator was serving at the same moment, from its record. */
function maxOverlap(requests: RecordedRequest[]): number {
	const edges = requests.flatMap((request) => {
		const start = Date.parse(request.time);
		return [
			{ at: start, change: 1 },
			{ at: start + (request.durationMs ?? 0), change: -1 },
		];
	});
	// Ends before starts at the same instant: back-to-back runs do not overlap.
	edges.sort((a, b) => a.at - b.at || a.change - b.change);
	let current = 0;
	let most = 0;
	for (const { change } of edges) most = Math.max(most, (current += change));
	return most;
}

const env = useEmulator('txt2img');

describe('pasted workflow with mapped fields', () => {
	it('sends the prompt resolved from the input item, and returns the PNG as binary data', async () => {
		const result = await runAgainst(env.emulator, {
			parameters: pasteParameters('txt2img', {
				parameters: mappedFields({
					'6-inputs-text': '={{ $json.prompt }}',
					// Equal to the workflow's own values: not sent.
					'3-inputs-steps': 20,
					'7-inputs-text': 'text, watermark',
				}),
			}),
			input: [{ json: { prompt: 'a cat sorcerer casting a spell' } }],
		});

		const items = expectSuccess(result);
		expect(items).toHaveLength(1);
		const [item] = items;
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.binary?.data.mimeType).toBe('image/png');
		expect(item.binary?.data.fileName).toMatch(/\.png$/);
		const png = decodePng(await result.binaryBuffer(item));
		expect([png.width, png.height]).toEqual([512, 512]);

		const [request] = inferRequests(env.emulator);
		expect(inferRequests(env.emulator)).toHaveLength(1);
		expect(request.form?.logs).toBe('false');
		expect(request.form?.workflowApi.present).toBe(false);
		expect(request.headers.client_id).toBe('integration-client');
		// The prompt counts as "something set": no seed is randomized, unchanged fields stay out.
		expect(sentParams(request)).toEqual({ '6-inputs-text': 'a cat sorcerer casting a spell' });
		expect(item.json).toMatchObject({
			completed: true,
			status: 'success',
			params: { '6-inputs-text': 'a cat sorcerer casting a spell' },
			randomizedSeeds: [],
			file: { fileName: item.binary?.data.fileName, mimeType: 'image/png' },
		});
		expect(typeof item.json.prompt_id).toBe('string');
		expect(item.json.logs).toBeUndefined();
		expect(item.json.prompt).toBeUndefined();
		expectNoSecret(result, env.emulator);
	});

	it('adds the executed workflow to the output with Include Executed Workflow', async () => {
		const result = await runAgainst(env.emulator, {
			parameters: pasteParameters('txt2img', {
				parameters: mappedFields({ '6-inputs-text': 'a lighthouse' }),
				options: { includePrompt: true },
			}),
		});
		const [item] = expectSuccess(result);
		const prompt = item.json.prompt as typeof txt2img;
		expect(prompt['6'].inputs.text).toBe('a lighthouse');
	});
});

describe('seed randomization', () => {
	const runWithSeedMode = async (randomizeSeed?: string, fields: Record<string, string> = {}) => {
		const result = await runAgainst(env.emulator, {
			parameters: pasteParameters('txt2img', {
				parameters: mappedFields(fields),
				...(randomizeSeed ? { options: { randomizeSeed } } : {}),
			}),
		});
		expectSuccess(result);
		const requests = inferRequests(env.emulator);
		return { result, params: sentParams(requests[requests.length - 1]) };
	};

	it('draws a new seed when nothing is set (default)', async () => {
		const first = await runWithSeedMode();
		const second = await runWithSeedMode();
		expect(Object.keys(first.params)).toEqual(['3-inputs-seed']);
		expect(Number.isInteger(first.params['3-inputs-seed'])).toBe(true);
		expect(first.params['3-inputs-seed']).not.toBe(WORKFLOW_SEED);
		expect(second.params['3-inputs-seed']).not.toBe(first.params['3-inputs-seed']);
		expect(first.result.items[0].json.randomizedSeeds).toEqual(['3-inputs-seed']);
		// A new seed is a new image.
		const bytes = await Promise.all([first, second].map(({ result }) => result.binaryBuffer(result.items[0])));
		expect(sha256(bytes[0])).not.toBe(sha256(bytes[1]));
	});

	it("sends the workflow's own seed with Never", async () => {
		const { params, result } = await runWithSeedMode('never');
		expect(params).toEqual({ '3-inputs-seed': WORKFLOW_SEED });
		expect(result.items[0].json.randomizedSeeds).toEqual([]);
	});

	it('draws a seed next to other fields with Always', async () => {
		const { params } = await runWithSeedMode('always', { '6-inputs-text': 'a red fox' });
		expect(params['6-inputs-text']).toBe('a red fox');
		expect(typeof params['3-inputs-seed']).toBe('number');
		expect(params['3-inputs-seed']).not.toBe(WORKFLOW_SEED);
	});

	it('keeps the seed untouched by default when another field is set', async () => {
		const { params } = await runWithSeedMode(undefined, { '6-inputs-text': 'a red fox' });
		expect(params).toEqual({ '6-inputs-text': 'a red fox' });
	});
});

describe('other workflow sources', () => {
	it('runs the deployed workflow with key/value pairs (expressions resolved) and Additional Parameters', async () => {
		const result = await runAgainst(env.emulator, {
			parameters: {
				operation: 'runWorkflow',
				workflowSource: 'deployed',
				parameterValues: {
					parameter: [
						{ key: '6-inputs-text', value: '={{ $json.subject }} in watercolor' },
						{ key: '3-inputs-steps', value: '12' },
					],
				},
				additionalParameters: '{"5-inputs-width": 256}',
			},
			input: [{ json: { subject: 'a heron' } }],
		});
		const [item] = expectSuccess(result);
		// Without the workflow the node cannot know steps is a number: it is sent as typed.
		expect(sentParams(inferRequests(env.emulator)[0])).toEqual({
			'6-inputs-text': 'a heron in watercolor',
			'3-inputs-steps': '12',
			'5-inputs-width': 256,
		});
		const png = decodePng(await result.binaryBuffer(item));
		expect(png.width).toBe(256);
	});

	it('reads workflow_api.json from a binary property of the input item', async () => {
		const result = await runAgainst(env.emulator, {
			parameters: {
				operation: 'runWorkflow',
				workflowSource: 'binary',
				workflowBinaryProperty: 'wf',
				parameterValues: { parameter: [{ key: '3-inputs-steps', value: '30' }] },
			},
			input: [{ json: {}, binary: { wf: { data: fixtureText('txt2img'), fileName: 'workflow_api.json' } } }],
		});
		expectSuccess(result);
		const request = inferRequests(env.emulator)[0];
		// With the workflow known, the text value is sent as the number the workflow holds.
		expect(sentParams(request)).toEqual({ '3-inputs-steps': 30 });
		expect(request.form?.workflowApi.present).toBe(false);
	});

	it('sends the pasted workflow as workflow_api with Send as Override', async () => {
		const result = await runAgainst(env.emulator, {
			parameters: pasteParameters('txt2img', {
				sendWorkflowOverride: true,
				parameters: mappedFields({ '6-inputs-text': 'an owl' }),
			}),
		});
		expectSuccess(result);
		const request = inferRequests(env.emulator)[0];
		expect(request.form?.workflowApi.present).toBe(true);
		expect(request.form?.workflowApi.size).toBeGreaterThan(100);
		expect(request.form?.fieldNames).toEqual(expect.arrayContaining(['params', 'logs', 'workflow_api']));
	});
});

describe('stream mode', () => {
	it('puts the streamed log lines in the output JSON and in the n8n log', async () => {
		env.emulator.setBehaviour({ latencyMs: 200 });
		const result = await runAgainst(env.emulator, {
			parameters: pasteParameters('txt2img', { resultMode: 'stream' }),
		});
		const [item] = expectSuccess(result);
		expect(inferRequests(env.emulator)[0].form?.logs).toBe('true');
		const logs = item.json.logs as string[];
		expect(logs.length).toBeGreaterThan(2);
		expect(logs).toContain('got prompt');
		expect(logs.some((line) => /Prompt executed in/.test(line))).toBe(true);
		expect(result.logText).toContain('[ViewComfy] got prompt');
		expect(decodePng(await result.binaryBuffer(item)).width).toBe(512);
		expectNoSecret(result, env.emulator);
	});

	it('leaves the logs out of the output with Include Logs off', async () => {
		const result = await runAgainst(env.emulator, {
			parameters: pasteParameters('txt2img', { resultMode: 'stream', options: { includeLogs: false } }),
		});
		const [item] = expectSuccess(result);
		expect(item.json.logs).toBeUndefined();
	});
});

describe('batches', () => {
	it('runs 12 items 4 at a time and returns them in input order with distinct images', async () => {
		// Each run is held long enough for the in-flight ones to overlap on the emulator.
		env.emulator.setBehaviour({ latencyMs: 150 });
		const seeds = Array.from({ length: 12 }, (_, index) => 1000 + index);
		const result = await runAgainst(env.emulator, {
			parameters: pasteParameters('txt2img', {
				parameters: mappedFields({ '3-inputs-seed': '={{ $json.seed }}' }),
				options: { concurrency: 4 },
			}),
			input: seeds.map((seed) => ({ json: { seed } })),
		});
		const items = expectSuccess(result);
		expect(items).toHaveLength(12);
		expect(items.map((item) => item.pairedItem)).toEqual(seeds.map((_, index) => ({ item: index })));
		expect(items.map((item) => (item.json.params as Record<string, number>)['3-inputs-seed'])).toEqual(seeds);
		const hashes = await Promise.all(items.map(async (item) => sha256(await result.binaryBuffer(item))));
		expect(new Set(hashes).size).toBe(12);
		const sentSeeds = inferRequests(env.emulator).map((request) => sentParams(request)['3-inputs-seed']);
		expect([...sentSeeds].sort()).toEqual(seeds);
		const inFlight = maxOverlap(inferRequests(env.emulator));
		expect(inFlight).toBeLessThanOrEqual(4);
		expect(inFlight).toBeGreaterThan(1);
	});
});

describe('binary data modes', () => {
	it('gives the same bytes, names and types in default and filesystem mode', async () => {
		const parameters = pasteParameters('txt2img', {
			parameters: mappedFields({ '3-inputs-seed': 77, '5-inputs-batch_size': 2 }),
		});
		const inMemory = await runAgainst(env.emulator, { parameters, binaryMode: 'default' });
		const onDisk = await runAgainst(env.emulator, { parameters, binaryMode: 'filesystem' });
		const describe = async (result: typeof inMemory) =>
			await Promise.all(
				expectSuccess(result).map(async (item) => ({
					fileName: item.binary?.data.fileName,
					mimeType: item.binary?.data.mimeType,
					sha256: sha256(await result.binaryBuffer(item)),
				})),
			);
		const [memoryFiles, diskFiles] = [await describe(inMemory), await describe(onDisk)];
		expect(memoryFiles).toHaveLength(2);
		expect(diskFiles).toEqual(memoryFiles);
		expect(onDisk.items[0].binary?.data.id).toMatch(/^filesystem-v2:/);
		expect(inMemory.items[0].binary?.data.id).toBeUndefined();
		await onDisk.dispose();
	});
});
