/**
 * Pre-signed download links in the style of S3: the path names the file, the query carries the
 * signing time, the validity and an HMAC over both, so a link works without credentials until it
 * expires, and an edited link is refused.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const FILES_PREFIX = '/__hosted-files';

export type LinkCheck = 'valid' | 'expired' | 'bad-signature';

/** `20250101T120000Z`, the X-Amz-Date form. */
function amzDate(ms: number): string {
	return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function parseAmzDate(text: string): number {
	const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
	return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : Number.NaN;
}

export class LinkSigner {
	private readonly key = randomBytes(32);

	/** Path and query of the link to output `index` of run `promptId`, valid `ttlSeconds` from `nowMs`. */
	sign(promptId: string, index: number, filename: string, ttlSeconds: number, nowMs: number): string {
		const date = amzDate(nowMs);
		const path = `${FILES_PREFIX}/${encodeURIComponent(promptId)}/${index}/${encodeURIComponent(filename)}`;
		const query = new URLSearchParams({
			'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
			'X-Amz-Date': date,
			'X-Amz-Expires': String(ttlSeconds),
			'X-Amz-SignedHeaders': 'host',
		});
		query.set('X-Amz-Signature', this.signature(promptId, index, date, String(ttlSeconds)));
		return `${path}?${query.toString()}`;
	}

	check(promptId: string, index: number, query: URLSearchParams, nowMs: number): LinkCheck {
		const date = query.get('X-Amz-Date') ?? '';
		const expires = query.get('X-Amz-Expires') ?? '';
		const given = Buffer.from(query.get('X-Amz-Signature') ?? '', 'utf8');
		const expected = Buffer.from(this.signature(promptId, index, date, expires), 'utf8');
		if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad-signature';
		// Second resolution, as X-Amz-Date has: a link signed with 0 s is expired at once.
		const signedAt = parseAmzDate(date);
		return Math.floor(nowMs / 1000) * 1000 >= signedAt + Number(expires) * 1000 ? 'expired' : 'valid';
	}

	private signature(promptId: string, index: number, date: string, expires: string): string {
		return createHmac('sha256', this.key).update(`${promptId}\n${index}\n${date}\n${expires}`).digest('hex');
	}
}
