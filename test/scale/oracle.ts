import { createHash } from 'node:crypto';
import type { EmulatorHandle } from '../emulator/server';

export interface ExpectedFile {
	filename: string;
	contentType: string;
	size: number;
	sha256: string;
}

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/**
 * What ViewComfy answers for these params: one direct call to the emulator (its outputs are a
 * pure function of the workflow that ran), decoded and hashed. Comparing against the same
 * server's answer, not a hard-coded hash, keeps the check valid if the emulator's images change.
 */
export async function expectedOutputs(emulator: EmulatorHandle, credentials: { clientId: string; clientSecret: string }, params: unknown): Promise<ExpectedFile[]> {
	const form = new FormData();
	form.set('params', JSON.stringify(params));
	form.set('logs', 'false');
	const res = await fetch(emulator.url, {
		method: 'POST',
		body: form,
		headers: { client_id: credentials.clientId, client_secret: credentials.clientSecret },
	});
	if (res.status !== 201) throw new Error(`The emulator answered ${res.status} to the reference call: ${(await res.text()).slice(0, 500)}`);
	const result = (await res.json()) as { outputs: Array<{ filename: string; content_type: string; data: string }> };
	return result.outputs.map((o) => {
		const data = Buffer.from(o.data, 'base64');
		return { filename: o.filename, contentType: o.content_type, size: data.length, sha256: sha256(data) };
	});
}
