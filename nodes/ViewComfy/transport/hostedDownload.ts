/**
 * Fetches a finished run's files from their pre-signed links: a plain GET without the
 * credentials (the link is the authorisation), read as a stream into chunks under the run's
 * size limit. One attempt; retries are the caller's.
 */
import type { DecodedOutput } from '../helpers/interfaces';
import { OutputTooLargeError, ViewComfyTransportError } from './errors';
import { networkErrorCode, readBodyStart } from './exchange';
import { DownloadLinkError, HostedNetworkError, hostedHttpFailure } from './hostedErrors';
import { sendHostedCall } from './hostedExchange';
import type { HostedOutputFile } from './hostedRecords';
import { isRetryableReadStatus } from './hostedPollPolicy';
import { parseRetryAfter } from './retryPolicy';

/** Bytes all files of one run may take together. */
export interface ByteBudget {
	limitBytes: number;
	usedBytes: number;
}

export async function downloadOutput(
	file: HostedOutputFile,
	where: { promptId: string; position: number },
	budget: ByteBudget,
	signal: AbortSignal,
): Promise<DecodedOutput> {
	const fileName = file.filename || `output ${where.position}`;
	if (file.size !== undefined && budget.usedBytes + file.size > budget.limitBytes) throw new OutputTooLargeError(budget.limitBytes);
	let url: URL;
	try {
		url = new URL(file.filepath);
	} catch {
		throw new DownloadLinkError(0, fileName, where.promptId, `the link ${JSON.stringify(file.filepath.slice(0, 80))} is not a URL`);
	}
	const res = await sendHostedCall({ method: 'GET', url, credentials: {}, credentialsOrigin: '', target: 'download', signal });
	if (res.statusCode < 200 || res.statusCode >= 300) {
		const text = await readBodyStart(res.body);
		// A storage outage is worth a retry; a refused link is not (it stays refused).
		if (isRetryableReadStatus(res.statusCode)) {
			throw hostedHttpFailure(res.statusCode, text, 'download', '', parseRetryAfter(res.headers['retry-after'], Date.now()));
		}
		throw new DownloadLinkError(res.statusCode, fileName, where.promptId, storageMessage(text));
	}
	const output: DecodedOutput = { filename: file.filename, contentType: file.contentType, declaredSize: file.size, chunks: [], byteLength: 0 };
	try {
		for await (const chunk of res.body) {
			const bytes = chunk as Buffer;
			budget.usedBytes += bytes.length;
			if (budget.usedBytes > budget.limitBytes) {
				res.body.destroy();
				throw new OutputTooLargeError(budget.limitBytes);
			}
			output.chunks.push(bytes);
			output.byteLength += bytes.length;
		}
	} catch (err) {
		budget.usedBytes -= output.byteLength;
		if (err instanceof ViewComfyTransportError) throw err;
		if (signal.aborted) throw signal.reason;
		throw new HostedNetworkError(url.host, networkErrorCode(err) ?? 'ECONNRESET', 'download');
	}
	return output;
}

/** S3-style XML errors carry the reason in <Message>; anything else is quoted as it is. */
function storageMessage(text: string): string {
	const message = /<Message>([^<]*)<\/Message>/i.exec(text)?.[1];
	return (message ?? text).replace(/\s+/g, ' ').trim();
}
