import { pushedResultAsStatusRecord } from '../../../nodes/ViewComfy/helpers/pushedResult';
import { parseStatusAnswer } from '../../../nodes/ViewComfy/transport/hostedRecords';

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
