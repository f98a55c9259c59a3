import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SecretHit {
	where: string;
	/** Text around the hit with the secret itself masked, so the report does not leak it again. */
	context: string;
}

function variants(secret: string): string[] {
	// Also the forms a careless log or record could take: base64 and URL-encoded.
	return [...new Set([secret, Buffer.from(secret).toString('base64'), encodeURIComponent(secret)])];
}

function hitsIn(where: string, content: Buffer, secret: string): SecretHit[] {
	const hits: SecretHit[] = [];
	for (const form of variants(secret)) {
		let at = content.indexOf(form);
		while (at >= 0) {
			const context = content
				.subarray(Math.max(0, at - 80), at + form.length + 80)
				.toString('utf8')
				.split(form)
				.join('<SECRET>')
				// Database pages and binary stores are mostly not text.
				.replace(/[^\x20-\x7e]+/g, '.');
			hits.push({ where, context });
			at = content.indexOf(form, at + form.length);
		}
	}
	return hits;
}

/** Every file under `dir` (the n8n user folder, exports, logs) whose bytes contain the secret. */
export function scanDirForSecret(dir: string, secret: string): SecretHit[] {
	const hits: SecretHit[] = [];
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		// node_modules is the installed package, not anything n8n recorded.
		if (entry.isDirectory()) {
			if (entry.name !== 'node_modules') hits.push(...scanDirForSecret(path, secret));
		} else if (entry.isFile()) {
			hits.push(...hitsIn(path, readFileSync(path), secret));
		}
	}
	return hits;
}

export function scanTextForSecret(where: string, text: string, secret: string): SecretHit[] {
	return hitsIn(where, Buffer.from(text, 'utf8'), secret);
}
