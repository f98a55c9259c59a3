/**
 * Unhandled promise rejections during each test of a file: an output stream that failed after
 * the run was over (nobody listening) would show up here and nowhere else.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** Watches every test of the calling file; `expectNone` lets failed streams settle, then checks. */
export function watchUnhandledRejections(): { expectNone(): Promise<void> } {
	const unhandled: unknown[] = [];
	const record = (reason: unknown): void => {
		unhandled.push(reason);
	};
	beforeAll(() => process.on('unhandledRejection', record));
	afterAll(() => process.off('unhandledRejection', record));
	beforeEach(() => {
		unhandled.length = 0;
	});
	return {
		expectNone: async () => {
			await sleep(50);
			expect(unhandled).toEqual([]);
		},
	};
}
