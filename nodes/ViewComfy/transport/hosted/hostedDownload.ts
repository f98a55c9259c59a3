/**
 * Fetches a finished run's files from their pre-signed links: a plain GET without the
 * credentials (the link is the authorisation), read as a stream under the run's size limit,
 * into an output sink (n8n's binary store, as direct infer's outputs) or else into chunks.
 * Retried like every read, each attempt with a fresh sink; redirects followed by the shared core.
 */
import { parseUrl } from '../../helpers/endpointUrl';
import type { DecodedOutput, OutputSink, OutputSinkFactory } from '../../helpers/interfaces';
import { callFollowingRedirects } from '../http/call';
import { InferRedirectError, OutputTooLargeError, ViewComfyTransportError } from '../http/errors';
import { declaredBodyBytes, networkErrorCode } from '../http/exchange';
import { sinkRefusal } from '../http/outputSink';
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
	openSink?: OutputSinkFactory,
): Promise<DecodedOutput> {
	const fileName = file.filename || `output ${where.position}`;
	if (file.size !== undefined && budget.usedBytes + file.size > budget.limitBytes) throw new OutputTooLargeError(budget.limitBytes);
	const url = parseUrl(file.filepath);
	if (!url) throw new DownloadLinkError(0, fileName, where.promptId, `the link ${JSON.stringify(file.filepath.slice(0, 80))} is not a URL`);
	return await callFollowingRedirects({
		http,
		url,
		method: 'GET',
		target: { kind: 'download' },
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
		read: async (answer) => {
			// The body arrives in network pieces from separate buffers: the sink joins them into its own blocks.
			const request = { position: where.position, filename: file.filename, contentType: file.contentType, expectedBytes: declaredBodyBytes(answer), pieces: true };
			return await readFile(answer, file, { budget, url, scope, sink: openSink?.(request) });
		},
	});
}

interface FileRead {
	budget: ByteBudget;
	url: URL;
	scope: CallScope;
	/** This attempt's sink; destroyed if the attempt fails, so a retry never leaves half a file. */
	sink: OutputSink | undefined;
}

async function readFile(answer: HttpAnswer, file: HostedOutputFile, { budget, url, scope, sink }: FileRead): Promise<DecodedOutput> {
	const output: DecodedOutput = { filename: file.filename, contentType: file.contentType, declaredSize: file.size, chunks: [], byteLength: 0 };
	// n8n could not store the file: its own error says what happened.
	let sinkError: unknown;
	const read = await (async () => {
		for await (const chunk of answer.body) {
			budget.usedBytes += chunk.length;
			output.byteLength += chunk.length;
			if (budget.usedBytes > budget.limitBytes) return new OutputTooLargeError(budget.limitBytes);
			if (!sink) {
				output.chunks.push(chunk);
				continue;
			}
			sinkError = sinkRefusal(sink, chunk);
			if (sinkError !== undefined) return sinkError;
			// Backpressure: the body is read only as fast as n8n takes the bytes.
			const wait = sink.ready();
			if (wait) await scope.deadline.until(wait);
		}
		return undefined;
	})().then(
		(failure) => failure,
		(error: unknown) => error,
	);
	if (read === undefined) {
		sink?.end();
		return sink ? { ...output, sink } : output;
	}
	answer.body.destroy();
	budget.usedBytes -= output.byteLength;
	const failure = failureOf(read, sinkError, url, scope);
	sink?.destroy(failure instanceof Error ? failure : new Error(String(failure)));
	return await Promise.reject(failure);
}

/** Why a download stopped early: the limit, n8n's refusal, the deadline, or the connection. */
function failureOf(read: unknown, sinkError: unknown, url: URL, scope: CallScope): unknown {
	if (read instanceof ViewComfyTransportError || (sinkError !== undefined && read === sinkError)) return read;
	return scope.deadline.stopError ?? new HostedNetworkError(url.host, networkErrorCode(read) ?? 'ECONNRESET', 'download');
}

/** S3-style XML errors carry the reason in <Message>; anything else is quoted as it is. */
function storageMessage(text: string): string {
	const message = /<Message>([^<]*)<\/Message>/i.exec(text)?.[1];
	return (message ?? text).replace(/\s+/g, ' ').trim();
}
