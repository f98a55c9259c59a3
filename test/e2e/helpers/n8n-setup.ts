import { ensureN8n, type N8nInstall } from '../../../scripts/n8n/ensure-n8n';
import { packNode } from '../../../scripts/n8n/pack';
import { n8nVersion } from '../../../scripts/n8n/paths';

/** First run installs n8n (~3 min) inside beforeAll; later runs reuse the cache in seconds. */
export const SETUP_TIMEOUT_MS = 20 * 60_000;
/** One n8n CLI run costs 5-10 s of n8n start-up on top of the workflow itself. */
export const SCENARIO_TIMEOUT_MS = 5 * 60_000;

const log = (line: string) => process.stderr.write(`[e2e] ${line}\n`);

export async function n8nInstall(): Promise<N8nInstall> {
	const started = Date.now();
	const install = await ensureN8n(n8nVersion(), log);
	log(`n8n ${install.version} ${install.reused ? 'reused from cache' : 'installed'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
	return install;
}

/** n8n plus the packed node; the package must be built (`npm run build`) before the run. */
export async function n8nWithNode(): Promise<{ install: N8nInstall; tarball: string }> {
	const install = await n8nInstall();
	const started = Date.now();
	const tarball = await packNode();
	log(`packed ${tarball} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
	return { install, tarball };
}

export { log as e2eLog };
