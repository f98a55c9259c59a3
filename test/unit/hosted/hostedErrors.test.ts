import { RunFailedError } from '../../../nodes/ViewComfy/helpers/runStatus';
import {
	DownloadLinkError,
	HostedNetworkError,
	HostedRunFailedError,
	HostedRunNotFoundError,
	HostedRunTimeoutError,
	hostedHttpFailure,
} from '../../../nodes/ViewComfy/transport/hosted/hostedErrors';

const SECRET = 'unit-secret-9f8e7d';

describe('hostedHttpFailure', () => {
	it('names the hosted API, the status, the server text and the step', () => {
		const err = hostedHttpFailure(503, '<h1>503 Service Unavailable</h1>', 'submit', SECRET, 1000);
		expect(err.message).toBe('The ViewComfy hosted API answered HTTP 503 Service Unavailable: 503 Service Unavailable (submitting the run)');
		expect(err).toMatchObject({ status: 503, step: 'submit', retryAfterMs: 1000 });
		expect(err.hint).toContain('retried automatically');
	});

	it('says how often it tried', () => {
		expect(hostedHttpFailure(500, '{"detail":"x"}', 'status', SECRET, undefined, 4).message).toBe(
			'The ViewComfy hosted API answered HTTP 500 Internal Server Error: x (checking the status of runs after 4 attempts)',
		);
	});

	it.each([
		[401, 'status', /Check the Client ID and Client Secret/],
		[403, 'cancel', /Check the Client ID and Client Secret/],
		[404, 'submit', /Check the Hosted API URL .*https:\/\/api\.viewcomfy\.com/],
		[405, 'status', /Check the Hosted API URL/],
		[404, 'cancel', /knows no run with this prompt ID/],
		[422, 'submit', /List Workflow Parameters.*Endpoint URL of the credential/],
		[503, 'download', /storage that holds its files failed.*Get Results/],
	] as const)('%i while %s: %s', (status, step, hint) => {
		const err = hostedHttpFailure(status, '{"detail": "nope"}', step, SECRET);
		expect(err.hint).toMatch(hint);
		if (step === 'download') expect(err.message).toMatch(/^The download link host answered/);
	});

	it('blanks the secret out of what the server echoed', () => {
		const err = hostedHttpFailure(401, JSON.stringify({ detail: `bad secret ${SECRET}` }), 'status', SECRET);
		expect(err.message).not.toContain(SECRET);
		expect(err.message).toContain('bad secret [redacted]');
	});
});

describe('the other hosted errors', () => {
	it('DownloadLinkError: expired or refused, with the way to fresh links', () => {
		const expired = new DownloadLinkError(403, 'out.png', 'p-1', 'Request has expired');
		expect(expired.message).toBe('The download link of "out.png" has expired (HTTP 403: Request has expired)');
		expect(expired.hint).toBe(
			"ViewComfy's result links are pre-signed and valid for a limited time. Run Get Results for prompt ID p-1 again: it fetches fresh links.",
		);
		expect(new DownloadLinkError(404, 'out.png', 'p-1', '').message).toBe('The download link of "out.png" was refused (HTTP 404)');
	});

	it('HostedRunTimeoutError names the option, the run and its last status, and what to do next', () => {
		const err = new HostedRunTimeoutError(40 * 60_000, 'p-2', 'running');
		expect(err.message).toBe('The ViewComfy run p-2 did not finish within 40 minutes (the Timeout (Minutes) option); last status: running');
		expect(err.hint).toMatch(/Get Results operation \(prompt ID p-2\), cancel it with Cancel Run, or raise Timeout \(Minutes\)/);
		expect(new HostedRunTimeoutError(1000, 'p', undefined).message).toContain('last status: unknown');
	});

	it('HostedRunFailedError is a RunFailedError that carries ViewComfy’s error text', () => {
		const err = new HostedRunFailedError('error', true, 'p-3', 'OOM: out of memory');
		expect(err).toBeInstanceOf(RunFailedError);
		expect(err.message).toBe('ViewComfy reported the run as failed (status: error, completed: true): OOM: out of memory');
		expect(new HostedRunFailedError('cancelled', true, 'p', undefined).message).toBe('ViewComfy reported the run as failed (status: cancelled, completed: true)');
	});

	it('HostedNetworkError and HostedRunNotFoundError', () => {
		expect(new HostedNetworkError('api.viewcomfy.com', 'ENOTFOUND', 'api').message).toBe(
			'Could not get an answer from api.viewcomfy.com: the host name could not be resolved (ENOTFOUND)',
		);
		expect(new HostedNetworkError('s3', 'ECONNRESET', 'download', 3).hint).toContain('fetch the files again with Get Results');
		expect(new HostedRunNotFoundError('p-4').message).toBe('ViewComfy knows no run with prompt ID p-4');
	});
});
