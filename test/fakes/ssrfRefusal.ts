/**
 * n8n's SSRF refusal as it reaches the node's helper call, for tests that cannot run n8n's own:
 * n8n-core 2.8 (the engine of the integration tests) has no SSRF protection. The shape is n8n
 * 2.41's (test/e2e/ssrf-protection.test.ts proves the node reads the real one): an
 * `SsrfBlockedIpError` of @n8n/backend-network (a UserError with `ip` and `hostname`, no `code`)
 * as the cause of the HTTP client's error (n8n's authenticated helper wraps that once more in a
 * NodeApiError that keeps it as its cause).
 */
export function ssrfRefusal(ip: string, hostname?: string): Error {
	const message = 'The request was blocked because it resolves to a restricted IP address';
	const blocked = Object.assign(new Error(message), { name: 'SsrfBlockedIpError', ip, hostname });
	return Object.assign(new Error(message), { name: 'AxiosError', cause: blocked });
}
