import { assertRunSucceeded, RunFailedError } from '../../../nodes/ViewComfy/helpers/runStatus';

describe('assertRunSucceeded', () => {
	it('accepts a completed successful run', () => {
		expect(() => assertRunSucceeded({ status: 'success', completed: true })).not.toThrow();
	});

	it('accepts a result that omits completed and status', () => {
		expect(() => assertRunSucceeded({ prompt_id: 'p1' })).not.toThrow();
	});

	it.each([
		[{ status: 'success', completed: false }, /completed: false/],
		[{ status: 'error', completed: true }, /status: error/],
		[{ status: 'ERROR' }, /status: ERROR/],
		[{ status: 'failed', completed: true }, /status: failed/],
	])('fails %p and carries the status', (meta, message) => {
		let caught: unknown;
		try {
			assertRunSucceeded({ ...meta, prompt_id: 'abc' });
		} catch (error) {
			caught = error;
		}
		expect(caught).toBeInstanceOf(RunFailedError);
		expect((caught as Error).message).toMatch(message);
		expect((caught as RunFailedError).promptId).toBe('abc');
	});
});
