import fc from 'fast-check';
import { ResultFormatError } from '../../../nodes/ViewComfy/transport/http/errors';
import {
	describeErrorData,
	isFinished,
	isSuccess,
	parseStatusAnswer,
	parseSubmitAnswer,
	toResultMeta,
	type HostedRunRecord,
} from '../../../nodes/ViewComfy/transport/hosted/hostedRecords';

const record = (status: string, completed: boolean): HostedRunRecord => ({ promptId: 'p', status, completed, outputs: [] });

describe('isFinished / isSuccess', () => {
	it.each([
		['success', true, true, true],
		['SUCCESS', true, true, true],
		['error', true, true, false],
		['failed', true, true, false],
		['success', false, false, false],
		['error', false, false, false],
		['running', true, false, false],
		['running', false, false, false],
		['queued', false, false, false],
		['cancelled', false, true, false],
		['canceled', true, true, false],
	])('status %s, completed %s → finished %s, success %s', (status, completed, finished, success) => {
		expect(isFinished(record(status, completed))).toBe(finished);
		expect(isSuccess(record(status, completed))).toBe(success);
	});
});

describe('parseStatusAnswer', () => {
	it('reads camelCase records, keeping what the node uses', () => {
		const text = JSON.stringify([
			{
				promptId: 'a',
				status: 'success',
				completed: true,
				executionTimeSeconds: 3.5,
				prompt: { '3': { inputs: {}, class_type: 'KSampler' } },
				outputs: [{ filename: 'x.png', contentType: 'image/png', size: 10, filepath: 'https://s3/x?sig' }],
				errorData: null,
				createdAt: '2025-01-01T00:00:00Z',
				unknownField: 1,
			},
			{ promptId: 'b', status: 'running', completed: false, outputs: null },
		]);
		expect(parseStatusAnswer(text)).toEqual([
			{
				promptId: 'a',
				status: 'success',
				completed: true,
				executionTimeSeconds: 3.5,
				prompt: { '3': { inputs: {}, class_type: 'KSampler' } },
				outputs: [{ filename: 'x.png', contentType: 'image/png', size: 10, filepath: 'https://s3/x?sig' }],
				createdAt: '2025-01-01T00:00:00Z',
			},
			{ promptId: 'b', status: 'running', completed: false, outputs: [] },
		]);
	});

	it('also takes the list wrapped in data, like the submit answer', () => {
		expect(parseStatusAnswer('{"data": []}')).toEqual([]);
	});

	it('drops a size that is not a byte count', () => {
		const [r] = parseStatusAnswer(JSON.stringify([{ promptId: 'a', status: 'success', completed: true, outputs: [{ filepath: 'u', size: -1 }] }]));
		expect(r.outputs).toEqual([{ filepath: 'u' }]);
	});

	it.each([
		['<html>Bad Gateway</html>', /it is not JSON.*starts with: <html>/],
		['{"detail": "x"}', /not a list of runs/],
		['[1]', /run 0 of the status answer is not an object/],
		['[{"status": "success"}]', /run 0 of the status answer has no promptId/],
		['[{"promptId": "a"}]', /has no status/],
		['[{"promptId": "a", "status": "x", "outputs": {}}]', /outputs that are not a list/],
		['[{"promptId": "a", "status": "x", "outputs": [{"filename": "a.png"}]}]', /output 0 without a filepath \(download link\)/],
	])('refuses %s', (text, message) => {
		expect(() => parseStatusAnswer(text)).toThrow(ResultFormatError);
		expect(() => parseStatusAnswer(text)).toThrow(message);
	});

	it('on any JSON: records or a ResultFormatError, never a TypeError', () => {
		fc.assert(
			fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
				try {
					for (const r of parseStatusAnswer(JSON.stringify(value))) {
						expect(typeof r.promptId).toBe('string');
						expect(typeof r.completed).toBe('boolean');
						expect(Array.isArray(r.outputs)).toBe(true);
					}
				} catch (error) {
					expect(error).toBeInstanceOf(ResultFormatError);
				}
			}),
			{ numRuns: 300 },
		);
	});
});

describe('parseSubmitAnswer', () => {
	it('reads data.prompt_id and data.message', () => {
		expect(parseSubmitAnswer('{"data": {"prompt_id": "p1", "message": "ok", "workflow": {}}}')).toEqual({ promptId: 'p1', message: 'ok' });
		expect(parseSubmitAnswer('{"prompt_id": "p2"}')).toEqual({ promptId: 'p2', message: undefined });
	});

	it.each(['{}', '{"data": {"prompt_id": ""}}', 'null', 'Created'])('refuses %s', (text) => {
		expect(() => parseSubmitAnswer(text)).toThrow(ResultFormatError);
	});
});

describe('toResultMeta', () => {
	it('maps to the snake_case fields of a direct result', () => {
		expect(toResultMeta({ promptId: 'p', status: 'success', completed: true, executionTimeSeconds: 2, prompt: { a: 1 }, outputs: [] })).toEqual({
			prompt_id: 'p',
			status: 'success',
			completed: true,
			execution_time_seconds: 2,
			prompt: { a: 1 },
		});
	});
});

describe('describeErrorData', () => {
	it.each([
		[undefined, undefined],
		[null, undefined],
		['', undefined],
		['CUDA out of memory', 'CUDA out of memory'],
		[{ errorType: 'OOM', errorMsg: 'Out of memory', errorDetails: 'KSampler' }, 'OOM: Out of memory: KSampler'],
		[{ message: 'boom' }, 'boom'],
		[{ node: 3, reason: 42 }, '{"node":3,"reason":42}'],
		[['a'], '["a"]'],
	])('%j → %j', (data, text) => {
		expect(describeErrorData(data)).toBe(text);
	});

	it('cuts a huge error short', () => {
		expect(describeErrorData('x'.repeat(10_000))!.length).toBe(1000);
	});
});
