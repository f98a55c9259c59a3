/**
 * `npx tsx bench/profileSummary.ts <file.cpuprofile> [top]`: where a CPU profile's time went,
 * as self time per function (with its file) and the share of the profile's duration.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	hitCount?: number;
}

interface Profile {
	nodes: ProfileNode[];
	startTime: number;
	endTime: number;
	samples: number[];
	timeDeltas: number[];
}

function main(): void {
	const [file, topArg] = process.argv.slice(2);
	if (!file) {
		process.stderr.write('Usage: npx tsx bench/profileSummary.ts <file.cpuprofile> [top]\n');
		process.exit(2);
	}
	const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const selfUs = new Map<string, number>();
	profile.samples.forEach((id, index) => {
		const frame = byId.get(id)?.callFrame;
		if (!frame) return;
		const where = frame.url ? `${frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/wt-[^/]+\//, '')}:${frame.lineNumber + 1}` : '';
		const key = `${frame.functionName || '(anonymous)'} ${where}`.trim();
		selfUs.set(key, (selfUs.get(key) ?? 0) + (profile.timeDeltas[index] ?? 0));
	});
	const totalUs = profile.endTime - profile.startTime;
	const rows = [...selfUs.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 25));
	process.stdout.write(`profile: ${(totalUs / 1000).toFixed(0)} ms\n`);
	for (const [key, us] of rows) process.stdout.write(`${(us / 1000).toFixed(1).padStart(8)} ms ${((100 * us) / totalUs).toFixed(1).padStart(5)}%  ${key}\n`);
}

main();
