/** Shared inputs for the transport integration tests. */
import type { InferRequest } from '../../../nodes/ViewComfy/helpers/interfaces';
import type { InferCallOptions, InferConnection } from '../../../nodes/ViewComfy/transport/direct/infer';
import { n8nHttp } from './n8nHttp';

export const CLIENT_ID = 'client-id-1234';
export const CLIENT_SECRET = 'vc-secret-7f3a9c1e5b';

export function connectionTo(endpointUrl: string): InferConnection {
	return { endpointUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
}

/** Small waits so retries take milliseconds, never the production backoff. */
export function options(overrides: Partial<InferCallOptions> = {}): InferCallOptions {
	const merged = {
		timeoutMs: 60_000,
		maxRetries: 4,
		maxRetryWaitMs: 5_000,
		maxOutputBytes: 64 * 1024 * 1024,
		retryBaseDelayMs: 5,
		...overrides,
	};
	// n8n hands the authenticated helper the same cancel signal the node passes as `signal`.
	return { http: n8nHttp({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }, merged.signal), ...merged };
}

export function request(overrides: Partial<InferRequest> = {}): InferRequest {
	return { params: { '6-inputs-text': 'a cat', '3-inputs-seed': 42 }, logs: false, files: [], ...overrides };
}

export interface OutputSpec {
	filename: string;
	contentType: string;
	bytes: Buffer;
}

export function resultJson(outputs: OutputSpec[], promptId = 'prompt-1'): string {
	return JSON.stringify({
		prompt_id: promptId,
		status: 'success',
		completed: true,
		execution_time_seconds: 2.5,
		prompt: { '3': { inputs: { seed: 42 }, class_type: 'KSampler' } },
		outputs: outputs.map((o) => ({ filename: o.filename, content_type: o.contentType, data: o.bytes.toString('base64'), size: o.bytes.length })),
	});
}

/** The error `action` rejects with (the test fails if it resolves). */
export async function rejectionOf(action: Promise<unknown>): Promise<Error> {
	try {
		await action;
	} catch (err) {
		return err as Error;
	}
	throw new Error('expected the call to fail, it succeeded');
}

/** Every text an error carries, for checking that the secret is in none of them. */
export function errorTexts(err: Error): string {
	return JSON.stringify({ ...err, message: err.message, stack: err.stack });
}
