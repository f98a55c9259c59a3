/**
 * The one secret scrubber: every text the node shows, logs or outputs that may quote a server
 * (error bodies, log lines, SSE error events) passes through here. Pure.
 */

/** What stands in for a secret, everywhere. */
export const REDACTED = '[redacted]';

/** Secrets this short would blank out ordinary words; they cannot be told apart from text. */
const MIN_REDACTABLE_LENGTH = 4;

/**
 * The spellings a server may echo a secret in: as stored, trimmed (as sent), JSON-escaped (inside
 * a JSON body) and URL-encoded (in a query string); longest first, so no form leaves a remnant.
 */
function secretForms(secrets: readonly (string | undefined)[]): string[] {
	const forms = new Set<string>();
	for (const secret of secrets) {
		if (typeof secret !== 'string') continue;
		for (const value of [secret, secret.trim()]) {
			if (value.length < MIN_REDACTABLE_LENGTH) continue;
			forms.add(value);
			forms.add(JSON.stringify(value).slice(1, -1));
			forms.add(encodeURIComponent(value));
		}
	}
	return [...forms].sort((a, b) => b.length - a.length);
}

/** `text` with every spelling of every secret replaced by REDACTED. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
	let out = text;
	for (const form of secretForms(secrets)) out = out.split(form).join(REDACTED);
	return out;
}
