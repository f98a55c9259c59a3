/**
 * Failures of the hosted API (api.viewcomfy.com) and of its download links. Each carries a
 * message that says what happened and a hint that says what to do; none carries the secret.
 */
import { describeHttpFailure } from '../../helpers/httpErrorHints';
import { DEFAULT_HOSTED_API_URL } from '../../helpers/hostedApiUrl';
import { RunFailedError } from '../../helpers/runStatus';
import { ConnectionError, HttpStatusError, ViewComfyTransportError, describeNetworkCode, excerpt, formatDuration } from '../http/errors';

/** A hosted failure with advice for the user (the node shows it as the error's description). */
export class HostedError extends ViewComfyTransportError {
	constructor(
		message: string,
		readonly hint?: string,
	) {
		super(message);
	}
}

/** Which call of the hosted API failed; it decides the advice. */
export type HostedStep = 'submit' | 'status' | 'cancel' | 'download';

const STEP_TEXT: Record<HostedStep, string> = {
	submit: 'submitting the run',
	status: 'checking the status of runs',
	cancel: 'cancelling the run',
	download: 'downloading a result file',
};

/** How much of the body the error keeps for the node to show. */
const KEPT_BODY_CHARS = 4096;

/** The hosted API answered with a status that is neither success nor redirect. */
export class HostedHttpError extends HttpStatusError {
	constructor(
		status: number,
		body: string,
		readonly step: HostedStep,
		message: string,
		/** What to do about it (the node shows it as the error's description). */
		readonly hint: string,
		retryAfterMs?: number,
		attempts = 1,
	) {
		super(status, body, message, retryAfterMs, attempts);
	}

	afterAttempts(attempts: number, secret: string): HostedHttpError {
		return hostedHttpFailure(this.status, this.body, this.step, secret, this.retryAfterMs, attempts);
	}
}

export function hostedHttpFailure(
	status: number,
	body: string,
	step: HostedStep,
	secret: string,
	retryAfterMs?: number,
	attempts = 1,
): HostedHttpError {
	const described = describeHttpFailure(status, body, [secret]);
	const message = described.message
		.replace(/^ViewComfy answered/, step === 'download' ? 'The download link host answered' : 'The ViewComfy hosted API answered')
		.replace(/[.\s]+$/, '');
	const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
	return new HostedHttpError(
		status,
		excerpt(body, KEPT_BODY_CHARS),
		step,
		`${message} (${STEP_TEXT[step]}${tries})`,
		hostedHint(status, step, described.description),
		retryAfterMs,
		attempts,
	);
}

function hostedHint(status: number, step: HostedStep, generic: string): string {
	if (status === 404 && step === 'cancel') {
		return 'ViewComfy knows no run with this prompt ID. Check the ID (the prompt_id output of Run Workflow), and that the credential is the one the run was started with.';
	}
	if (step === 'download') {
		return 'The run finished, but the storage that holds its files failed. Fetch the files again later with Get Results.';
	}
	if (status === 404 || status === 405) {
		return `Check the Hosted API URL in the ViewComfy credential: it is the base URL of the API (${DEFAULT_HOSTED_API_URL}), without a path.`;
	}
	if (status === 422 && step === 'submit') {
		return `${generic} Also check the Endpoint URL of the credential: the hosted API runs the deployment it names.`;
	}
	return generic;
}

/** No connection to the hosted API or a download host, also after the retries. */
export class HostedNetworkError extends ConnectionError {
	/** What to do about it (the node shows it as the error's description). */
	readonly hint: string;

	constructor(
		host: string,
		code: string | undefined,
		readonly target: 'api' | 'download',
		attempts = 1,
	) {
		super(host, code, `Could not get an answer from ${host}: ${describeNetworkCode(code)}${attempts > 1 ? ` (tried ${attempts} times)` : ''}`);
		this.hint =
			target === 'api'
				? 'Check the Hosted API URL in the ViewComfy credential, and any proxy settings (HTTP_PROXY, HTTPS_PROXY, NO_PROXY).'
				: 'The run finished, but its file could not be downloaded. Check the network and proxy settings, then fetch the files again with Get Results.';
	}

	afterAttempts(attempts: number): HostedNetworkError {
		return new HostedNetworkError(this.host, this.code, this.target, attempts);
	}
}

/** A pre-signed download link was refused: expired, or no longer valid. */
export class DownloadLinkError extends HostedError {
	constructor(
		readonly status: number,
		readonly fileName: string,
		readonly promptId: string,
		serverText: string,
	) {
		const expired = /expired/i.test(serverText);
		super(
			expired
				? `The download link of "${fileName}" has expired (HTTP ${status}${serverText ? `: ${excerpt(serverText, 200)}` : ''})`
				: `The download link of "${fileName}" was refused (HTTP ${status}${serverText ? `: ${excerpt(serverText, 200)}` : ''})`,
			`ViewComfy's result links are pre-signed and valid for a limited time. Run Get Results for prompt ID ${promptId} again: it fetches fresh links.`,
		);
	}
}

/** The wait for a hosted run ran out of time; the run itself goes on. */
export class HostedRunTimeoutError extends HostedError {
	constructor(
		readonly timeoutMs: number,
		readonly promptId: string,
		readonly lastStatus: string | undefined,
	) {
		super(
			`The ViewComfy run ${promptId} did not finish within ${formatDuration(timeoutMs)} (the Timeout (Minutes) option); last status: ${lastStatus ?? 'unknown'}`,
			`The run goes on on ViewComfy. Fetch it later with the Get Results operation (prompt ID ${promptId}), cancel it with Cancel Run, or raise Timeout (Minutes).`,
		);
	}
}

/** The status answer has no record for an id the user asked about. */
export class HostedRunNotFoundError extends HostedError {
	constructor(readonly promptId: string) {
		super(
			`ViewComfy knows no run with prompt ID ${promptId}`,
			'Check the prompt ID (the prompt_id output of Run Workflow with the hosted API), and that this credential is the one the run was started with.',
		);
	}
}

/** A hosted run that finished badly (error, cancelled), with what ViewComfy said about it. */
export class HostedRunFailedError extends RunFailedError {
	constructor(
		status: string,
		completed: boolean,
		promptId: string,
		readonly errorText: string | undefined,
	) {
		super(status, completed, promptId);
		if (errorText) this.message = `${this.message}: ${errorText}`;
	}
}
