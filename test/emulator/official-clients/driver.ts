/**
 * Runs ViewComfy's official TypeScript hosted client (cloud-public ViewComfy_API/Node-TypeScript/api.ts),
 * unchanged except its API URL, against an emulator, and prints one `RESULT <json>` line.
 *
 *     tsx driver.ts <dir holding api.ts> <emulator origin> <image path>
 *
 * api.ts declares `const API_URL = "https://api.viewcomfy.com"` inside `infer` and reads no
 * environment, so the one substitution is that string literal, made at load time in a temporary
 * copy (next to a link to this repository's node_modules, for socket.io-client and uuid).
 */
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

const [clientsDir, origin, imagePath] = process.argv.slice(2);
const HOSTED_URL = '"https://api.viewcomfy.com"';

async function main(): Promise<unknown> {
	const source = readFileSync(join(clientsDir, 'api.ts'), 'utf8');
	if (source.split(HOSTED_URL).length !== 2) throw new Error(`api.ts no longer names ${HOSTED_URL} exactly once; update this driver`);
	const dir = mkdtempSync(join(tmpdir(), 'viewcomfy-official-ts-'));
	try {
		symlinkSync(resolve(__dirname, '../../../node_modules'), join(dir, 'node_modules'), 'dir');
		writeFileSync(join(dir, 'api.ts'), source.replace(HOSTED_URL, JSON.stringify(origin)));
		const api = (await import(join(dir, 'api.ts'))) as {
			infer(args: Record<string, unknown>): Promise<{ prompt_id: string; status: string; outputs: Array<{ filename: string; content_type: string; size: number; filepath: string }> } | undefined>;
		};
		const image = new File([readFileSync(imagePath)], basename(imagePath), { type: 'image/png' });
		const result = await api.infer({
			viewComfyApiUrl: 'https://team--viewcomfy-deployment.modal.run',
			params: { '6-inputs-text': 'a cat sorcerer', '3-inputs-seed': 1234, '10-inputs-image': image },
			clientId: 'test-id',
			clientSecret: 'test-secret-value-123',
		});
		if (!result) return null;
		const files = [];
		for (const output of result.outputs) {
			const response = await fetch(output.filepath);
			const bytes = Buffer.from(await response.arrayBuffer());
			files.push({ filename: output.filename, status: response.status, bytes: bytes.length, head: bytes.subarray(0, 8).toString('hex') });
		}
		return { prompt_id: result.prompt_id, status: result.status, outputs: result.outputs, files };
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

main().then(
	(result) => {
		process.stdout.write(`\nRESULT ${JSON.stringify(result)}\n`);
		process.exit(0);
	},
	(error: unknown) => {
		process.stdout.write(`\nERROR ${error instanceof Error ? error.message : String(error)}\n`);
		process.exit(1);
	},
);
