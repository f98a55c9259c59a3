import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { scanDirForSecret, scanTextForSecret } from '../../../scripts/n8n/secret-scan';
import type { ScenarioContext } from '../context';
import { sample } from './verify-answers';

/**
 * The client secret must not show up in anything the cluster recorded: the whole PostgreSQL
 * database (credentials are stored encrypted), every process's folder and log, Postgres' own log.
 */
export function secretScan(ctx: ScenarioContext): void {
	const { cluster } = ctx;
	const dumpDir = mkdtempSync(join(cluster.postgres.root, 'dump-'));
	try {
		cluster.postgres.dump(join(dumpDir, 'n8n.sql'));
		const hits = [
			...scanDirForSecret(cluster.postgres.root, ctx.credentials.clientSecret),
			...cluster.instanceRoots().flatMap((root) => scanDirForSecret(root, ctx.credentials.clientSecret)),
			...cluster.allOutput().flatMap(({ where, text }) => scanTextForSecret(where, text, ctx.credentials.clientSecret)),
		];
		ctx.checks.check(
			'secrets: the client secret appears nowhere in the database, the n8n folders or any process log',
			hits.length === 0,
			hits.length ? sample(hits.map((h) => `${h.where}: ${h.context}`)) : 'database dump, user folders, logs scanned',
		);
	} finally {
		rmSync(dumpDir, { recursive: true, force: true });
	}
}
