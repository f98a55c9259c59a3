import fc from 'fast-check';
import { parsePromptIds } from '../../../nodes/ViewComfy/helpers/hostedPromptIds';
import { UserInputError } from '../../../nodes/ViewComfy/helpers/userInputError';

const A = '4f0a6c1e-8d3b-4f4e-9a51-2b7c0d9e6f12';
const B = '0b8f2c6a-1111-4222-8333-444455556666';

describe('parsePromptIds', () => {
	it.each([
		[A, [A]],
		[` ${A} `, [A]],
		[`${A},${B}`, [A, B]],
		[`${A}, ${B}\n${A}`, [A, B]],
		[`${A}; ${B}`, [A, B]],
		[[A, B], [A, B]],
		[[A, [B, `${A},${B}`]], [A, B]],
		[`["${A}", "${B}"]`, [A, B]],
		[`"${A}"`, [A]],
		[12345, ['12345']],
		['run_1-b', ['run_1-b']],
	])('%j → %j', (input, ids) => {
		expect(parsePromptIds(input)).toEqual(ids);
	});

	it.each([
		['', /Prompt IDs is empty/],
		[' , ;\n', /Prompt IDs is empty/],
		[null, /Prompt IDs is empty/],
		[[], /Prompt IDs is empty/],
		['prompt_id: abc', /"prompt_id:" in Prompt IDs is not a prompt ID/],
		[`[${A}`, /"\[4f0a6c1e-8d3b-4f4e-9a51-2b7c0d9e6f12" in Prompt IDs is not a prompt ID/],
		[{ prompt_id: A }, /Prompt IDs must be text or a list of texts, not an object/],
		[true, /not true\/false/],
	])('%j is refused: %s', (input, message) => {
		expect(() => parsePromptIds(input)).toThrow(message);
	});

	it('quotes a huge bad value cut short', () => {
		const huge = `bad!${'x'.repeat(100_000)}`;
		try {
			parsePromptIds(huge);
			throw new Error('expected a refusal');
		} catch (error) {
			expect(error).toBeInstanceOf(UserInputError);
			expect((error as Error).message.length).toBeLessThan(200);
			expect((error as UserInputError).hint).toContain('{{ $json.prompt_id }}');
		}
	});

	it('on any input: distinct well-formed ids, or a UserInputError; never anything else', () => {
		fc.assert(
			fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.jsonValue({ maxDepth: 3 }), fc.array(fc.uuid(), { maxLength: 5 })), (input) => {
				try {
					const ids = parsePromptIds(input);
					expect(ids.length).toBeGreaterThan(0);
					expect(new Set(ids).size).toBe(ids.length);
					for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]*$/);
				} catch (error) {
					expect(error).toBeInstanceOf(UserInputError);
				}
			}),
			{ numRuns: 300 },
		);
	});
});
