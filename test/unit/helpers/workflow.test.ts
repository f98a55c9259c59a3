import {
	MAX_INPUT_DEPTH,
	assertApiWorkflow,
	defineOwn,
	getNode,
	nodeTitle,
	parseJsonText,
	parseWorkflowJson,
} from '../../../nodes/ViewComfy/helpers/workflow';
import { UserInputError, describeJsonType, quoted } from '../../../nodes/ViewComfy/helpers/userInputError';
import { truncate } from '../../../nodes/ViewComfy/helpers/text';
import { fixtureNames, fixtureText, userErrorOf } from './workflowFixtures';

const SOURCE = 'Workflow JSON (workflow_api.json)';

function nested(depth: number): unknown {
	let value: unknown = 1;
	for (let i = 0; i < depth; i++) value = [value];
	return value;
}

describe('UserInputError', () => {
	it('carries the field and the hint, and is an Error named UserInputError', () => {
		const error = new UserInputError('Steps must be a number', { field: 'Steps', hint: 'Type 20' });
		expect(error).toBeInstanceOf(Error);
		expect(error.name).toBe('UserInputError');
		expect(error.message).toBe('Steps must be a number');
		expect(error.field).toBe('Steps');
		expect(error.hint).toBe('Type 20');
		expect(new UserInputError('x').field).toBeUndefined();
	});

	it('quotes user text short and escaped', () => {
		expect(quoted('a"b')).toBe('"a\\"b"');
		expect(quoted('x'.repeat(500))).toBe(`"${'x'.repeat(79)}…"`);
		expect(quoted('a\nb')).toBe('"a\\nb"');
		expect(quoted('🎥'.repeat(100), 3)).toBe('"🎥🎥…"');
		expect(truncate('abc', 3)).toBe('abc');
		expect(truncate('abcd', 3)).toBe('ab…');
		expect(truncate('🎥🎥🎥🎥', 3)).toBe('🎥🎥…');
	});

	it('names JSON types for messages', () => {
		expect([null, [], 'a', 1, true, {}, undefined].map(describeJsonType)).toEqual([
			'null',
			'an array',
			'a string',
			'a number',
			'true/false',
			'an object',
			'nothing',
		]);
	});
});

describe('parseWorkflowJson', () => {
	it.each(fixtureNames().filter((name) => !name.startsWith('editor')))('reads the API workflow %s', (name) => {
		const workflow = parseWorkflowJson(fixtureText(name), name);
		expect(workflow).toEqual(JSON.parse(fixtureText(name)));
	});

	it('sends the editor-format file back with the way to export the API format', () => {
		const error = userErrorOf(() => parseWorkflowJson(fixtureText('editor_format_not_api.json'), SOURCE));
		expect(error.message).toContain(SOURCE);
		expect(error.message).toContain('editor format');
		expect(error.hint).toContain('Workflow → Export (API)');
		expect(error.field).toBe(SOURCE);
	});

	it.each([
		['', 'is empty'],
		['   \n\t', 'is empty'],
		['\ufeff', 'is empty'],
	])('refuses empty text %j', (text, phrase) => {
		const error = userErrorOf(() => parseWorkflowJson(text, SOURCE));
		expect(error.message).toBe(`${SOURCE} ${phrase}`);
		expect(error.hint).toContain('Export (API)');
	});

	it('accepts a leading byte order mark', () => {
		const workflow = parseWorkflowJson(`\ufeff${fixtureText('txt2img.json')}`, SOURCE);
		expect(getNode(workflow, '3')?.class_type).toBe('KSampler');
	});

	it('gives line, column and the text around an error V8 reports with a position', () => {
		const error = userErrorOf(() => parseWorkflowJson('{\n  "a": 1\n  "b": 2\n}', SOURCE));
		expect(error.message).toBe(
			`${SOURCE} is not valid JSON: Expected ',' or '}' after property value at line 3, column 3`,
		);
		expect(error.hint).toContain('near: "b": 2.');
	});

	it('counts lines the same with Windows line ends and keeps control characters out of the excerpt', () => {
		const error = userErrorOf(() => parseWorkflowJson('{\r\n "a": 1\r\n "b": 2}', SOURCE));
		expect(error.message).toContain('at line 3, column 2');
		expect(error.hint).not.toMatch(/[\r\n]/);
	});

	it('puts "unexpected end" errors at the end of the text', () => {
		const error = userErrorOf(() => parseWorkflowJson('{"3": {"class_type": "A",\n "inputs": {', SOURCE));
		expect(error.message).toBe(`${SOURCE} is not valid JSON: Expected property name or '}' at line 2, column 13`);
		const end = userErrorOf(() => parseWorkflowJson('nul', SOURCE));
		expect(end.message).toBe(`${SOURCE} is not valid JSON: Unexpected end of JSON input at line 1, column 4`);
	});

	it('drops V8\'s "in JSON"/"after JSON" wording in favour of line and column', () => {
		const error = userErrorOf(() => parseWorkflowJson('{"a": 1} x', SOURCE));
		expect(error.message).toBe(
			`${SOURCE} is not valid JSON: Unexpected non-whitespace character after JSON at line 1, column 10`,
		);
	});

	it.each([
		// Short text: V8 shows it whole; the bad token occurs once.
		['{"a":}', 1, 6],
		// Bad token within the first 10 characters of a long text.
		[`[1, x, ${'2, '.repeat(20)}3]`, 1, 5],
		// Bad token in the middle of a long text.
		[`{\n"kkkkkkkkkkkkkkkkkkkkkkkkk": trux, "b": 1}`, 2, 33],
		// Bad token near the end of a long text.
		['{"a": 1, "b": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,}', 1, 50],
	])('recovers the position of an "Unexpected token" error in %j', (text, line, column) => {
		const error = userErrorOf(() => parseWorkflowJson(text, SOURCE));
		expect(error.message).toMatch(/^Workflow JSON \(workflow_api\.json\) is not valid JSON: Unexpected token '.'/);
		expect(error.message).toContain(`at line ${line}, column ${column}`);
		expect(error.message).not.toContain('is not valid JSON at');
	});

	it.each([
		['{"a":}}', "Unexpected token '}'"],
		[`[${' '.repeat(20)}x${' '.repeat(20)}x${' '.repeat(20)}]`, "Unexpected token 'x'"],
	])('says what is wrong without a line when the position is ambiguous: %j', (text, reason) => {
		const error = userErrorOf(() => parseWorkflowJson(text, SOURCE));
		expect(error.message).toBe(`${SOURCE} is not valid JSON: ${reason}`);
		expect(error.hint).toContain('Fix the JSON');
	});

	it('keeps the message short for a huge invalid text', () => {
		const error = userErrorOf(() => parseWorkflowJson(`{"a": "${'x'.repeat(1_000_000)}`, SOURCE));
		expect(error.message.length).toBeLessThan(200);
		expect((error.hint ?? '').length).toBeLessThan(300);
	});

	it('refuses a value that is not text', () => {
		const error = userErrorOf(() => parseJsonText(42 as unknown as string, 'binary property "workflow"', 'x'));
		expect(error.message).toBe('binary property "workflow" must be text containing JSON, got a number');
	});
});

describe('assertApiWorkflow', () => {
	it.each([
		[null, 'null'],
		[[], 'an array'],
		['{"3": {}}', 'a string'],
		[12, 'a number'],
		[true, 'true/false'],
		[undefined, 'nothing'],
	])('refuses %j as a workflow', (value, type) => {
		const error = userErrorOf(() => assertApiWorkflow(value, SOURCE));
		expect(error.message).toBe(`${SOURCE} must be a JSON object of nodes (ComfyUI API format), got ${type}`);
	});

	it('refuses an empty object', () => {
		expect(userErrorOf(() => assertApiWorkflow({}, SOURCE)).message).toBe(
			`${SOURCE} is an empty object: it contains no nodes`,
		);
	});

	it.each([{ nodes: [] }, { links: [] }, { nodes: [], links: [], version: 0.4 }])(
		'recognises the editor format by its lists: %j',
		(value) => {
			expect(userErrorOf(() => assertApiWorkflow(value, SOURCE)).message).toContain('editor format');
		},
	);

	it('accepts a node that happens to have the id "nodes"', () => {
		const workflow = { nodes: { class_type: 'Note', inputs: { text: 'hi' } } };
		expect(assertApiWorkflow(workflow, SOURCE)).toBe(workflow);
	});

	it.each([
		[{ '3': 5 }, 'node "3" must be an object with "class_type" and "inputs", got a number'],
		[{ '3': [] }, 'node "3" must be an object with "class_type" and "inputs", got an array'],
		[{ '54:73': { inputs: {} } }, 'node "54:73" has no "class_type" text'],
		[{ '3': { class_type: 7, inputs: {} } }, 'node "3" has no "class_type" text'],
		[{ '3': { class_type: ' ', inputs: {} } }, 'node "3" has no "class_type" text'],
		[{ '3': { class_type: 'KSampler' } }, 'node "3" ("KSampler") must have an "inputs" object, got nothing'],
		[{ '3': { class_type: 'KSampler', inputs: [] } }, 'node "3" ("KSampler") must have an "inputs" object, got an array'],
		[{ '3': { class_type: 'KSampler', inputs: null } }, 'node "3" ("KSampler") must have an "inputs" object, got null'],
		[{ '': { class_type: 'A', inputs: {} } }, 'has a node with an empty id'],
	])('names the bad node in %j', (value, problem) => {
		const error = userErrorOf(() => assertApiWorkflow(value, SOURCE));
		expect(error.message).toBe(`${SOURCE}: ${problem}`.replace(`${SOURCE}: has`, `${SOURCE} has`));
		expect(error.hint).toContain('Export (API)');
	});

	it('recognises flattened parameters pasted as a workflow', () => {
		const error = userErrorOf(() => assertApiWorkflow({ '3-inputs-seed': 5 }, SOURCE));
		expect(error.hint).toContain('Additional Parameters (JSON)');
	});

	it(`refuses inputs nested deeper than ${MAX_INPUT_DEPTH} levels, without overflowing the stack`, () => {
		const ok = { '1': { class_type: 'A', inputs: { x: nested(MAX_INPUT_DEPTH) } } };
		expect(assertApiWorkflow(ok, SOURCE)).toBe(ok);
		const deep = JSON.parse(`{"1": {"class_type": "A", "inputs": {"x": ${'['.repeat(200_000)}${']'.repeat(200_000)}}}}`);
		expect(userErrorOf(() => assertApiWorkflow(deep, SOURCE)).message).toBe(
			`${SOURCE}: input "x" of node "1" is nested more than ${MAX_INPUT_DEPTH} levels deep`,
		);
	});

	it('treats "__proto__" and "constructor" as ordinary node ids', () => {
		const workflow = parseWorkflowJson(
			'{"__proto__": {"class_type": "A", "inputs": {"polluted": 1}}, "constructor": {"class_type": "B", "inputs": {}}}',
			SOURCE,
		);
		expect(getNode(workflow, '__proto__')?.class_type).toBe('A');
		expect(getNode(workflow, 'constructor')?.class_type).toBe('B');
		expect(getNode(workflow, 'toString')).toBeUndefined();
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect(userErrorOf(() => parseWorkflowJson('{"__proto__": 5}', SOURCE)).message).toContain('node "__proto__"');
	});

	it('does not find inherited nodes in a workflow without them', () => {
		const workflow = parseWorkflowJson(fixtureText('txt2img.json'), SOURCE);
		expect(getNode(workflow, '__proto__')).toBeUndefined();
		expect(getNode(workflow, 'hasOwnProperty')).toBeUndefined();
	});
});

describe('nodeTitle and defineOwn', () => {
	it('uses the title when there is one, else the class', () => {
		expect(nodeTitle({ class_type: 'KSampler', inputs: {}, _meta: { title: 'My sampler' } })).toBe('My sampler');
		expect(nodeTitle({ class_type: 'KSampler', inputs: {}, _meta: { title: '  ' } })).toBe('KSampler');
		expect(nodeTitle({ class_type: 'KSampler', inputs: {} })).toBe('KSampler');
		expect(nodeTitle({ class_type: 'KSampler', inputs: {}, _meta: 'x' as never })).toBe('KSampler');
		expect(nodeTitle({ class_type: 'KSampler', inputs: {}, _meta: { title: 5 as never } })).toBe('KSampler');
	});

	it('stores "__proto__" as data instead of replacing the prototype', () => {
		const target: Record<string, unknown> = {};
		defineOwn(target, '__proto__', { polluted: true });
		expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
		expect(Object.keys(target)).toEqual(['__proto__']);
		expect(JSON.stringify(target)).toBe('{"__proto__":{"polluted":true}}');
		expect((target as { polluted?: unknown }).polluted).toBeUndefined();
	});
});
