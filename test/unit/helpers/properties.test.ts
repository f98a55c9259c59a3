/**
 * Property tests: whatever JSON or field values arrive, the helpers either return a valid result or
 * throw a UserInputError with a message. Never a TypeError, never a stack overflow, never a polluted
 * prototype.
 */
import fc from 'fast-check';
import { flattenWorkflow, splitParameterKey } from '../../../nodes/ViewComfy/helpers/flatten';
import type { ComfyWorkflow, SeedMode } from '../../../nodes/ViewComfy/helpers/interfaces';
import {
	SEED_RANGE,
	buildParams,
	parseAdditionalParameters,
} from '../../../nodes/ViewComfy/helpers/params';
import { suggestKeys } from '../../../nodes/ViewComfy/helpers/suggest';
import { UserInputError } from '../../../nodes/ViewComfy/helpers/userInputError';
import { assertApiWorkflow, isPlainRecord, parseWorkflowJson } from '../../../nodes/ViewComfy/helpers/workflow';
import { fixtureNames, fixtureText } from './workflowFixtures';

const RUNS = { numRuns: 200 };
const SOURCE = 'Workflow JSON (workflow_api.json)';

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();

function expectPrototypesIntact(): void {
	expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_NAMES);
	expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined();
}

/** Runs `run`; a UserInputError with a short, stack-free message is an acceptable outcome. */
function outcome<T>(run: () => T): { ok: true; value: T } | { ok: false; error: UserInputError } {
	try {
		return { ok: true, value: run() };
	} catch (error) {
		if (!(error instanceof UserInputError)) throw error;
		expect(error.message.trim()).not.toBe('');
		expect(error.message).not.toMatch(/\n\s+at /);
		expect(error.message.length).toBeLessThan(1000);
		expect((error.hint ?? '').length).toBeLessThan(1000);
		return { ok: false, error };
	}
}

const hostileKey = fc.constantFrom(
	'__proto__',
	'constructor',
	'prototype',
	'toString',
	'hasOwnProperty',
	'valueOf',
	'__proto__-inputs-polluted',
	'constructor-inputs-polluted',
	'3-inputs-__proto__',
	'nodes',
	'links',
	'-inputs-',
	'_3-node-class_type-info',
	'',
);
const nodeId = fc.oneof(
	fc.nat(120).map(String),
	fc.tuple(fc.nat(99), fc.nat(99)).map(([a, b]) => `${a}:${b}`),
	hostileKey,
	fc.string({ maxLength: 12 }),
);
const inputName = fc.oneof(
	fc.constantFrom('seed', 'noise_seed', 'rand_seed', 'steps', 'text', 'text-overlay', 'image', 'upload', 'video', 'audio'),
	hostileKey,
	fc.string({ maxLength: 10 }),
);
const link = fc.tuple(nodeId, fc.nat(5));
const inputValue = fc.oneof(
	fc.string({ maxLength: 20 }),
	fc.constantFrom('example.png', 'clip.mp4', 'voice.wav', 'image', 'Audio'),
	fc.integer(),
	fc.double({ noNaN: true, noDefaultInfinity: true }),
	fc.boolean(),
	link,
	fc.constant(null),
	fc.jsonValue({ maxDepth: 2 }),
);
const classType = fc.oneof(
	fc.constantFrom('KSampler', 'LoadImage', 'LoadImageMask', 'LoadAudio', 'VHS_LoadVideo', 'LoadVideo', 'Custom-Text-Overlay', 'MyLoadImageFromUrl'),
	fc.string({ maxLength: 12 }),
);
const node = fc.record(
	{
		class_type: classType,
		inputs: fc.dictionary(inputName, inputValue, { maxKeys: 6 }),
		_meta: fc.oneof(fc.record({ title: fc.string({ maxLength: 15 }) }), fc.jsonValue({ maxDepth: 1 })),
	},
	{ requiredKeys: ['class_type', 'inputs'] },
);
/** Mostly well-formed workflows, with hostile ids; serialised and parsed so keys are own data like real input. */
const workflowText = fc.dictionary(nodeId, node, { minKeys: 1, maxKeys: 6 }).map((value) => JSON.stringify(value));

function validWorkflow(text: string): ComfyWorkflow | undefined {
	const result = outcome(() => parseWorkflowJson(text, SOURCE));
	return result.ok ? result.value : undefined;
}

function expectValidWorkflow(workflow: ComfyWorkflow): void {
	expect(isPlainRecord(workflow)).toBe(true);
	expect(Object.keys(workflow).length).toBeGreaterThan(0);
	for (const id of Object.keys(workflow)) {
		expect(typeof workflow[id].class_type).toBe('string');
		expect(isPlainRecord(workflow[id].inputs)).toBe(true);
	}
}

afterAll(expectPrototypesIntact);

describe('parseWorkflowJson / assertApiWorkflow on anything', () => {
	it('any JSON value: a valid workflow or a UserInputError', () => {
		fc.assert(
			fc.property(fc.jsonValue(), (value) => {
				const direct = outcome(() => assertApiWorkflow(value, SOURCE));
				const parsed = outcome(() => parseWorkflowJson(JSON.stringify(value) ?? '', SOURCE));
				expect(parsed.ok).toBe(direct.ok);
				if (direct.ok) expectValidWorkflow(direct.value);
				expectPrototypesIntact();
			}),
			RUNS,
		);
	});

	it('any text, including broken JSON, in any unicode: a valid workflow or a UserInputError', () => {
		fc.assert(
			fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
				const result = outcome(() => parseWorkflowJson(text, SOURCE));
				if (result.ok) expectValidWorkflow(result.value);
			}),
			RUNS,
		);
	});

	it('a valid workflow cut short or with a character inserted: the error gives a line and column inside the text', () => {
		const samples = fixtureNames().map(fixtureText);
		fc.assert(
			fc.property(
				fc.constantFrom(...samples),
				fc.nat(),
				fc.constantFrom('', '}', ',', 'x', '"', ':', '\n', '\u0001', '[', '🎥'),
				(text, at, inserted) => {
					const position = at % text.length;
					const broken = `${text.slice(0, position)}${inserted}${inserted === '' ? '' : text.slice(position)}`;
					const result = outcome(() => parseWorkflowJson(broken, SOURCE));
					if (result.ok) return expectValidWorkflow(result.value);
					const where = /at line (\d+), column (\d+)$/.exec(result.error.message);
					if (!where) return;
					const lines = broken.split('\n');
					const line = Number(where[1]);
					expect(line).toBeGreaterThanOrEqual(1);
					expect(line).toBeLessThanOrEqual(lines.length);
					expect(Number(where[2])).toBeLessThanOrEqual(lines[line - 1].length + 1);
				},
			),
			RUNS,
		);
	});

	it('editor-format objects are always refused with the export hint', () => {
		fc.assert(
			fc.property(
				fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })),
				fc.constantFrom('nodes', 'links'),
				fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
				(extra, listKey, list) => {
					const value = JSON.parse(JSON.stringify({ ...extra, [listKey]: list })) as unknown;
					const result = outcome(() => assertApiWorkflow(value, SOURCE));
					expect(result.ok).toBe(false);
					if (!result.ok) expect(result.error.hint).toContain('Export (API)');
				},
			),
			RUNS,
		);
	});

	it('deeply nested inputs: accepted up to the limit, refused beyond, never a stack overflow', () => {
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 20_000 }), fc.constantFrom('[', '{"a":'), (depth, open) => {
				const close = open === '[' ? ']' : '}';
				const text = `{"1": {"class_type": "A", "inputs": {"x": ${open.repeat(depth)}1${close.repeat(depth)}}}}`;
				const result = outcome(() => parseWorkflowJson(text, SOURCE));
				expect(result.ok).toBe(depth <= 64);
				if (result.ok) expect(JSON.parse(JSON.stringify(result.value))).toEqual(JSON.parse(text));
			}),
			{ numRuns: 50 },
		);
	});

	it('huge strings as ids, names and values stay bounded in messages and flatten fine', () => {
		fc.assert(
			fc.property(fc.integer({ min: 100_000, max: 1_000_000 }), fc.constantFrom('id', 'name', 'value', 'class'), (size, where) => {
				const big = 'x'.repeat(size);
				const workflow = {
					[where === 'id' ? big : '1']: {
						class_type: where === 'class' ? big : 'KSampler',
						inputs: { [where === 'name' ? big : 'text']: where === 'value' ? big : 'a', seed: 1 },
					},
				};
				const parsed = parseWorkflowJson(JSON.stringify(workflow), SOURCE);
				const parameters = flattenWorkflow(parsed);
				expect(parameters).toHaveLength(2);
				const unknownKey = outcome(() => buildParams({ workflow: parsed, fields: { [`${big}-inputs-nope`]: 1 }, seedMode: 'whenEmpty' }));
				expect(unknownKey.ok).toBe(false);
				const broken = outcome(() => parseWorkflowJson(`${JSON.stringify(workflow)}x`, SOURCE));
				expect(broken.ok).toBe(false);
			}),
			{ numRuns: 5 },
		);
	});
});

describe('flattenWorkflow on generated workflows', () => {
	it('lists every literal input once, with keys that split back and kinds that match the values', () => {
		fc.assert(
			fc.property(workflowText, (text) => {
				const workflow = validWorkflow(text);
				if (!workflow) return;
				const parameters = flattenWorkflow(workflow);
				const keys = parameters.map((p) => p.key);
				expect(new Set(keys).size).toBe(keys.length);
				for (const parameter of parameters) {
					expect(parameter.key.startsWith('_')).toBe(false);
					expect(splitParameterKey(parameter.key, workflow)).toBeDefined();
					expect(Object.prototype.hasOwnProperty.call(workflow[parameter.nodeId].inputs, parameter.inputName)).toBe(true);
					expect(workflow[parameter.nodeId].inputs[parameter.inputName]).toBe(parameter.value);
					const expectedKinds =
						typeof parameter.value === 'number' ? ['number'] : typeof parameter.value === 'boolean' ? ['boolean'] : ['text', 'file'];
					expect(expectedKinds).toContain(parameter.kind);
					expect(parameter.label).toBe(`${parameter.nodeId} · ${parameter.nodeTitle} · ${parameter.inputName}`);
				}
				expectPrototypesIntact();
			}),
			RUNS,
		);
	});
});

describe('buildParams on generated workflows and field values', () => {
	const fieldValue = fc.oneof(
		fc.string({ maxLength: 12 }),
		fc.integer().map(String),
		fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
		fc.constantFrom('true', 'false', 'TRUE', ' 42 ', '1e3', '', 'NaN', 'Infinity', '0x10'),
		fc.integer(),
		fc.double(),
		fc.boolean(),
		fc.constant(null),
		fc.constant(undefined),
		fc.jsonValue({ maxDepth: 2 }),
	);

	it('gives checked, typed params (or a UserInputError) that apply back onto the workflow', () => {
		fc.assert(
			fc.property(
				fc.option(workflowText, { nil: undefined }),
				fc.array(fc.tuple(fc.oneof(fc.nat(20), fc.string({ maxLength: 20 }), hostileKey), fieldValue), { maxLength: 5 }),
				fc.array(fc.tuple(fc.oneof(fc.nat(20), fc.string({ maxLength: 20 }), hostileKey), fieldValue), { maxLength: 3 }),
				fc.constantFrom<SeedMode>('whenEmpty', 'always', 'never'),
				fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
				(text, fieldEntries, additionalEntries, seedMode, draw) => {
					const workflow = text === undefined ? undefined : validWorkflow(text);
					const known = workflow ? flattenWorkflow(workflow) : [];
					// Indexes pick real keys of the workflow, so valid runs are common; strings and hostile keys probe the rest.
					const keyOf = (choice: number | string): string =>
						typeof choice === 'number' ? (known[choice % Math.max(1, known.length)]?.key ?? `${choice}-inputs-seed`) : choice;
					const fields: Record<string, unknown> = {};
					for (const [choice, value] of fieldEntries) Object.defineProperty(fields, keyOf(choice), { value, enumerable: true, configurable: true });
					const additionalText = JSON.stringify(Object.fromEntries(additionalEntries.map(([choice, value]) => [keyOf(choice), value])));
					const result = outcome(() =>
						buildParams({
							workflow,
							fields,
							additional: parseAdditionalParameters(additionalText, 'Additional Parameters (JSON)'),
							seedMode,
							random: () => draw,
						}),
					);
					expectPrototypesIntact();
					if (!result.ok) return;
					const { params, randomizedSeeds } = result.value;
					const keys = Object.keys(params);
					expect(Object.getPrototypeOf(params)).toBe(Object.prototype);
					expect(keys.length).toBeGreaterThan(0);
					const byKey = new Map(known.map((p) => [p.key, p]));
					for (const key of keys) {
						const value = params[key];
						expect(['string', 'number', 'boolean']).toContain(typeof value);
						if (typeof value === 'number') expect(Number.isFinite(value)).toBe(true);
						expect(key.startsWith('_')).toBe(false);
						expect(splitParameterKey(key)).toBeDefined();
						if (!workflow) continue;
						const parameter = byKey.get(key);
						expect(parameter).toBeDefined();
						// The key addresses exactly the input it was listed for, so ViewComfy writes it there.
						expect(splitParameterKey(key, workflow)).toEqual({ nodeId: parameter!.nodeId, inputName: parameter!.inputName });
						const kind = parameter!.kind;
						expect(typeof value).toBe(kind === 'number' ? 'number' : kind === 'boolean' ? 'boolean' : 'string');
					}
					for (const key of randomizedSeeds) {
						expect(Number.isInteger(params[key])).toBe(true);
						expect(params[key]).toBeGreaterThanOrEqual(0);
						expect(params[key]).toBeLessThan(SEED_RANGE);
					}
				},
			),
			RUNS,
		);
	});

	const plainNode = fc.record({
		class_type: classType.filter((name) => name.trim() !== ''),
		inputs: fc.dictionary(
			fc.constantFrom('seed', 'noise_seed', 'rand_seed', 'steps', 'cfg', 'text', 'text-overlay', 'image', 'enabled', 'model'),
			fc.oneof(fc.string({ maxLength: 8 }), fc.integer({ min: 0, max: 2 ** 40 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), link),
			{ minKeys: 1, maxKeys: 5 },
		),
	});
	const plainWorkflow = fc
		.dictionary(fc.oneof(fc.nat(60).map(String), fc.tuple(fc.nat(60), fc.nat(60)).map(([a, b]) => `${a}:${b}`)), plainNode, { minKeys: 1, maxKeys: 5 })
		.map((value) => parseWorkflowJson(JSON.stringify(value), SOURCE));
	/** Values as n8n fields deliver them: often text, sometimes the workflow's own value. */
	const deliveredValue = fc.oneof(
		fc.constant('same'),
		fc.integer({ min: -5, max: 2 ** 40 }).map(String),
		fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => ` ${n} `),
		fc.constantFrom('true', 'false', 'False', '', 'cat'),
		fc.integer(),
		fc.boolean(),
		fc.constant(null),
	);

	it('on well-formed input: seed rules hold, every error is a type mismatch', () => {
		fc.assert(
			fc.property(
				plainWorkflow,
				fc.array(fc.tuple(fc.nat(), deliveredValue), { maxLength: 4 }),
				fc.array(fc.tuple(fc.nat(), deliveredValue), { maxLength: 2 }),
				fc.constantFrom<SeedMode>('whenEmpty', 'always', 'never'),
				(workflow, fieldEntries, additionalEntries, seedMode) => {
					const known = flattenWorkflow(workflow);
					const seeds = known.filter((p) => p.kind === 'number' && ['seed', 'noise_seed', 'rand_seed'].includes(p.inputName));
					const pick = (entries: Array<[number, unknown]>): Record<string, unknown> => {
						const picked: Record<string, unknown> = {};
						if (known.length === 0) return picked;
						for (const [index, value] of entries) {
							const parameter = known[index % known.length];
							picked[parameter.key] = value === 'same' ? parameter.value : value;
						}
						return picked;
					};
					const fields = pick(fieldEntries);
					const additional = Object.fromEntries(Object.entries(pick(additionalEntries)).filter(([, v]) => v !== null));
					const result = outcome(() => buildParams({ workflow, fields, additional, seedMode, random: () => 0.5 }));
					if (!result.ok) {
						expect(result.error.message).toMatch(/must be (a number|true or false|text) \(the workflow has|^Nothing to send/);
						if (result.error.message.startsWith('Nothing to send')) expect(seeds).toHaveLength(0);
						return;
					}
					const { params, randomizedSeeds } = result.value;
					expect(Object.keys(params).length).toBeGreaterThan(0);
					// Which keys the user really set, worked out independently of buildParams' coercion.
					const explicit = new Set(Object.keys(additional));
					for (const [key, value] of Object.entries(fields)) {
						const parameter = known.find((p) => p.key === key)!;
						const text = String(value).trim();
						const unchanged =
							parameter.kind === 'boolean'
								? text.toLowerCase() === String(parameter.value)
								: parameter.kind === 'number'
									? Number(text) === parameter.value
									: (typeof value === 'number' ? String(value) : value) === parameter.value;
						if (value !== null && value !== '' && !unchanged) explicit.add(key);
					}
					expect(Object.keys(params).filter((key) => !randomizedSeeds.includes(key)).sort()).toEqual(
						explicit.size > 0 ? [...explicit].sort() : seedMode === 'never' ? seeds.map((p) => p.key).sort() : [],
					);
					if (seedMode === 'never') expect(randomizedSeeds).toEqual([]);
					if (seedMode === 'always') {
						expect(randomizedSeeds.sort()).toEqual(seeds.map((p) => p.key).filter((key) => !explicit.has(key)).sort());
					}
					if (seedMode === 'whenEmpty') {
						expect(randomizedSeeds.sort()).toEqual(explicit.size === 0 ? seeds.map((p) => p.key).sort() : []);
					}
					for (const key of randomizedSeeds) expect(params[key]).toBe(2 ** 47);
				},
			),
			RUNS,
		);
	});

	it('parseAdditionalParameters on any JSON value or text: an object or a UserInputError', () => {
		fc.assert(
			fc.property(fc.oneof(fc.jsonValue(), fc.jsonValue().map((v) => JSON.stringify(v) ?? ''), fc.string({ unit: 'binary' })), (value) => {
				const result = outcome(() => parseAdditionalParameters(value, 'Additional Parameters (JSON)'));
				if (result.ok) {
					expect(isPlainRecord(result.value)).toBe(true);
					expect(Object.getPrototypeOf(result.value)).toBe(Object.prototype);
				}
				expectPrototypesIntact();
			}),
			RUNS,
		);
	});
});

describe('suggestKeys on anything', () => {
	it('returns at most max distinct known keys', () => {
		fc.assert(
			fc.property(fc.string({ maxLength: 40 }), fc.array(fc.oneof(fc.string({ maxLength: 30 }), hostileKey)), fc.nat(5), (unknown, known, max) => {
				const suggestions = suggestKeys(unknown, known, max);
				expect(suggestions.length).toBeLessThanOrEqual(max);
				expect(new Set(suggestions).size).toBe(suggestions.length);
				for (const suggestion of suggestions) expect(known).toContain(suggestion);
			}),
			RUNS,
		);
	});
});
