import { mapInOrder } from '../../../nodes/ViewComfy/helpers/mapInOrder';

/** Resolves tasks in an order the test chooses, to prove results do not follow finish order. */
function controlledTasks(count: number) {
	const resolvers: Array<() => void> = [];
	let running = 0;
	let maxRunning = 0;
	const task = (index: number) =>
		new Promise<number>((resolve, reject) => {
			running++;
			maxRunning = Math.max(maxRunning, running);
			resolvers[index] = () => {
				running--;
				if (index === -1) reject(new Error('never'));
				resolve(index * 10);
			};
		});
	return { task, resolvers, maxRunning: () => maxRunning, count };
}

async function flush() {
	for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('mapInOrder', () => {
	it('returns results in index order even when later tasks finish first', async () => {
		const c = controlledTasks(4);
		const done = mapInOrder(4, 4, c.task);
		await flush();
		for (const index of [3, 1, 2, 0]) {
			c.resolvers[index]();
			await flush();
		}
		const results = await done;
		expect(results).toEqual([0, 10, 20, 30].map((value) => ({ ok: true, value })));
	});

	it('never runs more tasks at once than the concurrency', async () => {
		let running = 0;
		let maxRunning = 0;
		const finished: number[] = [];
		await mapInOrder(7, 3, async (index) => {
			running++;
			maxRunning = Math.max(maxRunning, running);
			await new Promise((resolve) => setTimeout(resolve, 1 + (index % 3)));
			running--;
			finished.push(index);
		});
		expect(maxRunning).toBe(3);
		expect(finished.sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
	});

	it('keeps going after a failure by default and reports it in place', async () => {
		const results = await mapInOrder(3, 2, async (index) => {
			if (index === 1) throw new Error('boom');
			return index;
		});
		expect(results[0]).toEqual({ ok: true, value: 0 });
		expect(results[1]).toMatchObject({ ok: false });
		expect((results[1] as { error: Error }).error.message).toBe('boom');
		expect(results[2]).toEqual({ ok: true, value: 2 });
	});

	it('with stopOnError starts nothing new after a failure but awaits tasks in flight', async () => {
		const started: number[] = [];
		let inFlightFinished = false;
		const results = await mapInOrder(
			6,
			2,
			async (index) => {
				started.push(index);
				if (index === 0) throw new Error('first fails');
				await new Promise((resolve) => setTimeout(resolve, 20));
				inFlightFinished = true;
				return index;
			},
			{ stopOnError: true },
		);
		expect(started).toEqual([0, 1]);
		expect(inFlightFinished).toBe(true);
		expect(results).toHaveLength(6);
		expect(results.slice(2)).toEqual([undefined, undefined, undefined, undefined]);
	});

	it('treats a concurrency below 1 or not a number as 1', async () => {
		let running = 0;
		let maxRunning = 0;
		const task = async () => {
			running++;
			maxRunning = Math.max(maxRunning, running);
			await new Promise((resolve) => setTimeout(resolve, 2));
			running--;
		};
		await mapInOrder(4, 0, task);
		await mapInOrder(4, Number.NaN, task);
		expect(maxRunning).toBe(1);
	});

	it('handles no items', async () => {
		expect(await mapInOrder(0, 4, async () => 1)).toEqual([]);
	});
});
