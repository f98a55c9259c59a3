/**
 * Log lines shaped like ComfyUI's console, tqdm progress bars included, for the SSE stream.
 */

const PARTIAL_BLOCKS = ' ▏▎▍▌▋▊▉';
const BAR_WIDTH = 10;

const clock = (seconds: number): string => {
	const s = Math.max(0, Math.round(seconds));
	return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

/** One tqdm line, e.g. ` 45%|████▌     | 9/20 [00:04<00:05, 2.1it/s]`. */
export function progressLine(done: number, total: number, secondsPerStep: number): string {
	const fraction = total > 0 ? done / total : 1;
	const cells = fraction * BAR_WIDTH;
	const full = Math.floor(cells);
	const partial = full < BAR_WIDTH ? PARTIAL_BLOCKS[Math.floor((cells - full) * 8)] : '';
	const bar = ('█'.repeat(full) + partial).padEnd(BAR_WIDTH, ' ');
	const percent = `${Math.round(fraction * 100)}`.padStart(3, ' ');
	// Like tqdm, no rate or estimate before the first step.
	if (done === 0) return `${percent}%|${bar}| 0/${total} [00:00<?, ?it/s]`;
	const elapsed = done * secondsPerStep;
	const remaining = (total - done) * secondsPerStep;
	const rate =
		secondsPerStep <= 0 ? '?it/s' : secondsPerStep > 1 ? `${secondsPerStep.toFixed(2)}s/it` : `${(1 / secondsPerStep).toFixed(2)}it/s`;
	return `${percent}%|${bar}| ${done}/${total} [${clock(elapsed)}<${clock(remaining)}, ${rate}]`;
}

/** At most this many progress lines, so long runs do not flood the stream. */
const MAX_PROGRESS_LINES = 20;

export function consoleLines(steps: number, executionSeconds: number): string[] {
	const secondsPerStep = executionSeconds / Math.max(1, steps);
	const shown = Math.min(steps, MAX_PROGRESS_LINES);
	const progress = Array.from({ length: shown + 1 }, (_, i) => progressLine(Math.round((i * steps) / shown), steps, secondsPerStep));
	return [
		'got prompt',
		'model weight dtype torch.float16, manual cast: None',
		'model_type EPS',
		'Requested to load SD1ClipModel',
		'loaded completely 9.5367431640625e+25 235.84423828125 True',
		'Requested to load BaseModel',
		...progress,
		'Requested to load AutoencoderKL',
		`Prompt executed in ${executionSeconds.toFixed(2)} seconds`,
	];
}
