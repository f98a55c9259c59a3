import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { N8nInstall } from './ensure-n8n';

interface Sqlite3Database {
	all(sql: string, callback: (error: Error | null, rows: Array<Record<string, unknown>>) => void): void;
	close(callback: (error: Error | null) => void): void;
}
interface Sqlite3Module {
	OPEN_READONLY: number;
	Database: new (file: string, mode: number, callback: (error: Error | null) => void) => Sqlite3Database;
}

/**
 * Every row of every table of an n8n instance's sqlite database, as text (one `table: JSON` line
 * per row). n8n's own `export:entities` encrypts and zips, so it cannot be searched; this reads
 * the records themselves with the sqlite3 driver n8n ships with.
 */
export async function dumpDatabase(install: N8nInstall, userFolder: string): Promise<string> {
	const requireFromN8n = createRequire(join(install.dir, 'node_modules', 'n8n', 'package.json'));
	const sqlite3 = requireFromN8n('sqlite3') as Sqlite3Module;
	const db = await new Promise<Sqlite3Database>((resolve, reject) => {
		const handle = new sqlite3.Database(join(userFolder, '.n8n', 'database.sqlite'), sqlite3.OPEN_READONLY, (error) =>
			error ? reject(error) : resolve(handle),
		);
	});
	const all = (sql: string) =>
		new Promise<Array<Record<string, unknown>>>((resolve, reject) => db.all(sql, (error, rows) => (error ? reject(error) : resolve(rows))));
	try {
		const tables = await all("SELECT name FROM sqlite_master WHERE type = 'table'");
		const lines: string[] = [];
		for (const { name } of tables) {
			for (const row of await all(`SELECT * FROM "${String(name).replace(/"/g, '""')}"`)) {
				lines.push(`${String(name)}: ${JSON.stringify(row, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('utf8') : v))}`);
			}
		}
		return lines.join('\n');
	} finally {
		await new Promise<void>((resolve) => db.close(() => resolve()));
	}
}
