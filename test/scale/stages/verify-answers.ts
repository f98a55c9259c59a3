import { PNG } from 'pngjs';
import type { RecordedRequest } from '../../emulator/server';
import { PROMPT_KEY, SEED_KEY, type ScenarioContext } from '../context';
import type { WebhookAnswer, WebhookCall } from '../load';
import { expectedOutputs, sha256 } from '../oracle';

const isPng = (body: Buffer): boolean => {
	try {
		PNG.sync.read(body);
		return true;
	} catch {
		return false;
	}
};

/** The infer calls the emulator received, keyed by the prompt they carried. */
export function inferRequestsByPrompt(requests: readonly RecordedRequest[]): Map<string, RecordedRequest[]> {
	const byPrompt = new Map<string, RecordedRequest[]>();
	for (const r of requests) {
		if (r.kind !== 'infer') continue;
		const params = r.form?.params as Record<string, unknown> | undefined;
		const prompt = String(params?.[PROMPT_KEY] ?? '<no prompt>');
		byPrompt.set(prompt, [...(byPrompt.get(prompt) ?? []), r]);
	}
	return byPrompt;
}

/**
 * For answers that came back 200: is each body a real PNG, and byte for byte the image the
 * emulator makes for exactly the params that were sent for that call's prompt and seed?
 * Returns the calls whose answer was wrong, with why.
 */
export async function wrongImages(ctx: ScenarioContext, answers: WebhookAnswer[], requests: readonly RecordedRequest[]): Promise<string[]> {
	const byPrompt = inferRequestsByPrompt(requests);
	const problems: string[] = [];
	const saved = ctx.emulator.behaviour.latencyMs;
	// Reference calls need no simulated GPU time; the outputs do not depend on it.
	ctx.emulator.setBehaviour({ latencyMs: 0 });
	try {
		for (const answer of answers) {
			const { prompt, seed } = answer.call;
			const sent = byPrompt.get(prompt)?.[0];
			const params = sent?.form?.params as Record<string, unknown> | undefined;
			if (!params) {
				problems.push(`"${prompt}": ViewComfy never received it`);
				continue;
			}
			if (params[SEED_KEY] !== seed) problems.push(`"${prompt}": sent seed ${JSON.stringify(params[SEED_KEY])}, expected ${seed}`);
			const [image] = await expectedOutputs(ctx.emulator, ctx.credentials, params);
			if (answer.contentType?.split(';')[0] !== image.contentType) problems.push(`"${prompt}": content-type ${answer.contentType}, expected ${image.contentType}`);
			if (!isPng(answer.body)) problems.push(`"${prompt}": the body (${answer.body.length} bytes) is not a PNG`);
			else if (sha256(answer.body) !== image.sha256) problems.push(`"${prompt}": PNG differs from ViewComfy's output for its params (${answer.body.length} vs ${image.size} bytes)`);
		}
	} finally {
		ctx.emulator.setBehaviour({ latencyMs: saved });
	}
	return problems;
}

export const sample = (items: string[], n = 3): string => (items.length <= n ? items.join('; ') : `${items.slice(0, n).join('; ')}; … (${items.length} in all)`);

/** Checks that ViewComfy got each call's prompt exactly once and nothing else. */
export function checkOneRequestPerCall(ctx: ScenarioContext, label: string, calls: WebhookCall[], requests: readonly RecordedRequest[]): void {
	const byPrompt = inferRequestsByPrompt(requests);
	const infer = requests.filter((r) => r.kind === 'infer').length;
	const missing = calls.filter((c) => !byPrompt.has(c.prompt)).map((c) => c.prompt);
	const twice = [...byPrompt].filter(([, rs]) => rs.length > 1).map(([p, rs]) => `${p} ×${rs.length}`);
	const strangers = [...byPrompt.keys()].filter((p) => !calls.some((c) => c.prompt === p));
	ctx.checks.check(
		`${label}: ViewComfy received exactly ${calls.length} runs, one per prompt (none lost, none duplicated)`,
		infer === calls.length && missing.length === 0 && twice.length === 0 && strangers.length === 0,
		`${infer} infer requests; missing: ${sample(missing) || 'none'}; duplicated: ${sample(twice) || 'none'}; unexpected: ${sample(strangers) || 'none'}`,
	);
}

/** Which worker logged each execution as started; ids no worker or several workers claim are returned apart. */
export function executionsByWorker(ctx: ScenarioContext, executionIds: string[]): { perWorker: Record<string, string[]>; unclaimed: string[]; claimedTwice: string[] } {
	const perWorker: Record<string, string[]> = {};
	const unclaimed: string[] = [];
	const claimedTwice: string[] = [];
	const started = ctx.cluster.workers.map((w) => ({ name: w.name, ids: new Set(w.startedExecutions()) }));
	for (const w of started) perWorker[w.name] = [];
	for (const id of executionIds) {
		const owners = started.filter((w) => w.ids.has(id));
		if (owners.length === 0) unclaimed.push(id);
		if (owners.length > 1) claimedTwice.push(id);
		for (const o of owners) perWorker[o.name].push(id);
	}
	return { perWorker, unclaimed, claimedTwice };
}
