import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { N8nInstall } from '../../scripts/n8n/ensure-n8n';
import type { PostgresConnection } from './services/postgres';

interface PgClient {
	connect(): Promise<void>;
	query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
	end(): Promise<void>;
}
type PgClientClass = new (config: PostgresConnection) => PgClient;

export interface ExecutionRow {
	id: string;
	status: string;
	finished: boolean;
	mode: string;
	retryOf: string | null;
	retrySuccessId: string | null;
	workflowId: string;
}

/**
 * Reads n8n's execution records straight from the shared PostgreSQL, with the `pg` driver n8n
 * itself ships: what n8n recorded, independent of its APIs' filters and paging.
 */
export class ExecutionsDb {
	private constructor(
		private readonly client: PgClient,
		private readonly unflatten: (text: string) => unknown,
	) {}

	static async connect(install: N8nInstall, connection: PostgresConnection): Promise<ExecutionsDb> {
		const requireFromN8n = createRequire(join(install.dir, 'node_modules', 'n8n', 'package.json'));
		const { Client } = requireFromN8n('pg') as { Client: PgClientClass };
		const client = new Client(connection);
		await client.connect();
		// n8n stores run data in flatted's format (JSON with shared references).
		const { parse } = requireFromN8n('flatted') as { parse: (text: string) => unknown };
		return new ExecutionsDb(client, parse);
	}

	async executions(workflowId: string, afterId = 0): Promise<ExecutionRow[]> {
		const { rows } = await this.client.query<ExecutionRow>(
			`SELECT id::text AS id, status, finished, mode, "retryOf", "retrySuccessId", "workflowId"
			 FROM execution_entity WHERE "workflowId" = $1 AND id > $2 ORDER BY id`,
			[workflowId, afterId],
		);
		return rows;
	}

	async maxExecutionId(): Promise<number> {
		const { rows } = await this.client.query<{ max: string | null }>('SELECT max(id)::text AS max FROM execution_entity');
		return Number(rows[0].max ?? 0);
	}

	/** The stored run data of one execution (n8n's flatted JSON text) — to find which prompt it carried. */
	async executionDataText(executionId: string): Promise<string> {
		const { rows } = await this.client.query<{ data: string }>('SELECT data FROM execution_data WHERE "executionId" = $1', [executionId]);
		return rows[0]?.data ?? '';
	}

	/** The error n8n recorded for a failed execution (workflow-level, else the failing node's), or ''. */
	async executionError(executionId: string): Promise<string> {
		const text = await this.executionDataText(executionId);
		if (!text) return '';
		type Failure = { message?: string; description?: string };
		const data = this.unflatten(text) as { resultData?: { error?: Failure; runData?: Record<string, Array<{ error?: Failure }>> } };
		const nodeError = Object.entries(data.resultData?.runData ?? {})
			.flatMap(([node, runs]) => runs.filter((r) => r.error).map((r) => `${node}: ${r.error?.message ?? ''}`))
			.at(-1);
		const error = data.resultData?.error;
		return [error?.message, error?.description, nodeError].filter(Boolean).join(' | ');
	}

	/** Binary files n8n keeps in the database (`database` binary data mode). */
	async binaryFiles(): Promise<Array<{ sourceId: string; fileName: string | null; fileSize: number }>> {
		const { rows } = await this.client.query<{ sourceId: string; fileName: string | null; fileSize: number }>(
			`SELECT "sourceId", "fileName", "fileSize" FROM binary_data ORDER BY "createdAt"`,
		);
		return rows;
	}

	async close(): Promise<void> {
		await this.client.end();
	}
}
