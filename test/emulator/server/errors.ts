/**
 * Error bodies as ViewComfy's stack sends them: FastAPI's `{"detail": …}` (a list of
 * `{type, loc, msg, input}` for 422) and ViewComfy's own `{errorMsg, errorDetails, errorType}`.
 */

export interface ValidationIssue {
	type: string;
	loc: Array<string | number>;
	msg: string;
	input: unknown;
}

/** A request FastAPI would refuse with 422. */
export class ValidationFailure extends Error {
	constructor(readonly issues: ValidationIssue[]) {
		super(issues.map((i) => i.msg).join('; '));
	}
}

export function issue(field: string, type: string, msg: string, input: unknown = null, ...path: string[]): ValidationIssue {
	return { type, loc: ['body', field, ...path], msg, input };
}

export const fastApiDetail = (detail: string) => ({ detail });

export const viewComfyError = (errorMsg: string, errorDetails: string, errorType: string) => ({
	errorMsg,
	errorDetails,
	errorType,
});

/** What a gateway in front of a cold deployment answers: an HTML page, not JSON. */
export function gatewayPage(status: number): string {
	const reason = GATEWAY_REASONS[status] ?? 'Service Unavailable';
	return `<!DOCTYPE html><html><head><title>${status} ${reason}</title></head><body><h1>${status} ${reason}</h1><p>The deployment is starting, try again shortly.</p></body></html>`;
}

const GATEWAY_REASONS: Record<number, string> = {
	502: 'Bad Gateway',
	503: 'Service Unavailable',
	504: 'Gateway Timeout',
};
