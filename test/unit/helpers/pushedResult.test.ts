import { pushedEndAsStatusRecord, pushedResultAsStatusRecord } from '../../../nodes/ViewComfy/helpers/pushedResult';
import { isFinished, isSuccess, parseStatusAnswer } from '../../../nodes/ViewComfy/transport/hosted/hostedRecords';

describe('pushedResultAsStatusRecord', () => {
	it('turns the pushed snake_case result into the status record the status reader accepts', () => {
		const pushed = {
			prompt_id: 'p-1',
			status: 'success',
			completed: true,
			execution_time_seconds: 1.5,
			prompt: { '3': { inputs: { seed: 7 } } },
			outputs: [{ filename: 'a.png', content_type: 'image/png', size: 10, filepath: 'https://files/a.png?X-Amz-Signature=s' }],
			error_data: null,
		};
		const record = pushedResultAsStatusRecord(pushed);
		const expected = {
			promptId: 'p-1',
			status: 'success',
			completed: true,
			executionTimeSeconds: 1.5,
			// Values are left alone: the workflow's own keys keep their spelling.
			prompt: { '3': { inputs: { seed: 7 } } },
			outputs: [{ filename: 'a.png', contentType: 'image/png', size: 10, filepath: 'https://files/a.png?X-Amz-Signature=s' }],
		};
		expect(record).toEqual({ ...expected, errorData: null });
		// The reader drops a null errorData, as it does for a polled record.
		expect(parseStatusAnswer(JSON.stringify([record]))).toEqual([expected]);
	});

	it.each([[null], ['text'], [[1, 2]]])('passes %p through, so the reader names the problem', (value) => {
		expect(pushedResultAsStatusRecord(value)).toBe(value);
		expect(() => parseStatusAnswer(JSON.stringify([pushedResultAsStatusRecord(value)]))).toThrow(/run 0 of the status answer/);
	});

	it('an output without a link is refused by the reader', () => {
		const record = pushedResultAsStatusRecord({ prompt_id: 'p', status: 'success', completed: true, outputs: [{ filename: 'a.png' }] });
		expect(() => parseStatusAnswer(JSON.stringify([record]))).toThrow(/without a filepath/);
	});
});

describe('pushedEndAsStatusRecord', () => {
	const read = (record: unknown) => parseStatusAnswer(JSON.stringify([record]))[0];

	it('a failed run: finished with error and its error data, no outputs', () => {
		const record = read(pushedEndAsStatusRecord('error', { prompt_id: 'p', status: 'error', error_data: { errorType: 'ExecutionError', errorMsg: 'boom' } }));
		expect(record).toEqual({ promptId: 'p', status: 'error', completed: true, outputs: [], errorData: { errorType: 'ExecutionError', errorMsg: 'boom' } });
		expect(isFinished(record)).toBe(true);
		expect(isSuccess(record)).toBe(false);
	});

	it('an error event without a status still ends the run as error', () => {
		expect(read(pushedEndAsStatusRecord('error', { prompt_id: 'p', error_data: 'x' }))).toMatchObject({ status: 'error', completed: true });
	});

	it('a cancelled run: finished with cancelled', () => {
		const record = read(pushedEndAsStatusRecord('canceled', { prompt_id: 'p', message: 'The run was cancelled' }));
		expect(record).toEqual({ promptId: 'p', status: 'cancelled', completed: true, outputs: [] });
		expect(isFinished(record)).toBe(true);
	});

	it('a result is the result', () => {
		const data = { prompt_id: 'p', status: 'success', completed: true, outputs: [] };
		expect(pushedEndAsStatusRecord('result', data)).toEqual(pushedResultAsStatusRecord(data));
	});
});
