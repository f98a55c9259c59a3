/**
 * Fetches a finished run's files from their pre-signed links: a plain GET without the
 * credentials (the link is the authorisation), read as a stream into chunks under the run's
 * size limit. Retried like every read; redirects followed by the shared core.
 */
import { parseUrl } from '../../helpers/endpointUrl';
import type { DecodedOutput } from '../../helpers/interfaces';
import { callFollowingRedirects } from '../http/call';
import { InferRedirectError, OutputTooLargeError, ViewComfyTransportError } from '../http/errors';
import { networkErrorCode } from '../http/exchange';
import type { HttpAnswer, N8nHttp } from '../http/n8nHttp';
import { isRetryableReadStatus } from '../http/retryPolicy';
import { MAX_HOSTED_REDIRECTS, type CallScope } from './hostedClient';
import { DownloadLinkError, HostedNetworkError, hostedHttpFailure } from './hostedErrors';
import type { HostedOutputFile } from './hostedRecords';

/** Bytes all files of one run may take together. */
export interface ByteBudget {
	limitBytes: number;
	usedBytes: number;
}

export async function downloadOutput(
	http: N8nHttp,
	file: HostedOutputFile,
	where: { promptId: string; position: number },
	budget: ByteBudget,
	scope: CallScope,
): Promise<DecodedOutput> {
	const fileName = file.filename || `output ${where.position}`;
	if (file.size !== undefined && budget.usedBytes + file.size > budget.limitBytes) throw new OutputTooLargeError(budget.limitBytes);
	const url = parseUrl(file.filepath);
	if (!url) throw new DownloadLinkError(0, fileName, where.promptId, `the link ${JSON.stringify(file.filepath.slice(0, 80))} is not a URL`);
	return await callFollowingRedirects({
		http,
		url,
		method: 'GET',
		credentialsOrigin: '',
		maxRedirects: MAX_HOSTED_REDIRECTS,
		tooManyRedirects: () => new InferRedirectError(`${url.host} redirected more than ${MAX_HOSTED_REDIRECTS} times; the link may be broken.`),
		deadline: scope.deadline,
		retry: { ...scope.retry, kind: 'read', deadline: scope.deadline, secret: '' },
		// A storage outage is worth a retry; a refused link is not (it stays refused).
		statusError: (status, text, retryAfterMs) =>
			isRetryableReadStatus(status)
				? hostedHttpFailure(status, text, 'download', '', retryAfterMs)
				: new DownloadLinkError(status, fileName, where.promptId, storageMessage(text)),
		connectionError: (failure) => new HostedNetworkError(failure.host, failure.code, 'download'),
		read: async (answer) => await readFile(answer, file, budget, url, scope),
	});
}

async function readFile(answer: HttpAnswer, file: HostedOutputFile, budget: ByteBudget, url: URL, scope: CallScope): Promise<DecodedOutput> {
	const output: DecodedOutput = { filename: file.filename, contentType: file.contentType, declaredSize: file.size, chunks: [], byteLength: 0 };
	const read = await (async () => {
		for await (const chunk of answer.body) {
			budget.usedBytes += chunk.length;
			output.chunks.push(chunk);
			output.byteLength += chunk.length;
			if (budget.usedBytes > budget.limitBytes) {
				answer.body.destroy();
				return new OutputTooLargeError(budget.limitBytes);
			}
		}
		return undefined;
	})().then(
		(tooLarge) => tooLarge,
		(error: unknown) => error,
	);
	if (read === undefined) return output;
	budget.usedBytes -= output.byteLength;
	if (read instanceof ViewComfyTransportError) return await Promise.reject(read);
	const stopped = scope.deadline.stopError;
	if (stopped) return await Promise.reject(stopped);
	return await Promise.reject(new HostedNetworkError(url.host, networkErrorCode(read) ?? 'ECONNRESET', 'download'));
}

/** S3-style XML errors carry the reason in <Message>; anything else is quoted as it is. */
function storageMessage(text: string): string {
	const message = /<Message>([^<]*)<\/Message>/i.exec(text)?.[1];
	return (message ?? text).replace(/\s+/g, ' ').trim();
}
