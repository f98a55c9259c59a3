import { bodyExcerpt, describeHttpFailure } from '../../../nodes/ViewComfy/helpers/httpErrorHints';

describe('bodyExcerpt', () => {
	it('makes one line of at most 300 characters', () => {
		expect(bodyExcerpt('  line one\n\n\tline two\r\n')).toBe('line one line two');
		const long = bodyExcerpt('x'.repeat(10_000));
		expect(long).toHaveLength(300);
		expect(long.endsWith('…')).toBe(true);
		expect(bodyExcerpt('abcdef', 4)).toBe('abc…');
		expect(bodyExcerpt('')).toBe('');
		expect(bodyExcerpt(undefined as unknown as string)).toBe('');
	});

	it('reads the text of an HTML error page', () => {
		const page =
			'<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>body{color:red}</style></head>' +
			'<body><h1>Bad&nbsp;Gateway</h1><script>alert(1)</script><p>nginx &amp; friends</p></body></html>';
		expect(bodyExcerpt(page)).toBe('502 Bad Gateway Bad Gateway nginx & friends');
	});

	it('keeps plain text with angle brackets as it is', () => {
		expect(bodyExcerpt('value must be < 10')).toBe('value must be < 10');
	});
});

describe('describeHttpFailure', () => {
	it('401 with a FastAPI detail string', () => {
		const result = describeHttpFailure(401, '{"detail": "Invalid client credentials"}');
		expect(result.message).toBe('ViewComfy answered HTTP 401 Unauthorized: Invalid client credentials');
		expect(result.description).toContain('Client ID and Client Secret in the ViewComfy credential');
	});

	it('403 with a ViewComfy error body', () => {
		const body = JSON.stringify({ errorMsg: 'Access denied', errorDetails: 'token expired\nat line 3', errorType: 'AuthError' });
		const result = describeHttpFailure(403, body);
		expect(result.message).toBe('ViewComfy answered HTTP 403 Forbidden: AuthError: Access denied');
		expect(result.description).toContain('Client ID and Client Secret');
		expect(result.description).toContain('Details: token expired at line 3');
	});

	it('404 points at the Endpoint URL', () => {
		const result = describeHttpFailure(404, '{"detail":"Not Found"}');
		expect(result.message).toBe('ViewComfy answered HTTP 404 Not Found: Not Found');
		expect(result.description).toContain('Check the Endpoint URL: copy it from the ViewComfy dashboard');
	});

	it('413 says the files are too large', () => {
		const result = describeHttpFailure(413, 'Request Entity Too Large');
		expect(result.message).toBe('ViewComfy answered HTTP 413 Payload Too Large: Request Entity Too Large');
		expect(result.description).toContain('input files are too large');
	});

	it('422 lists every validation error with its location', () => {
		const body = JSON.stringify({
			detail: [
				{ loc: ['body', 'params'], msg: 'field required', type: 'value_error.missing' },
				{ loc: ['body', 'logs'], msg: 'value could not be parsed to a boolean', type: 'type_error.bool' },
			],
		});
		const result = describeHttpFailure(422, body);
		expect(result.message).toBe(
			'ViewComfy answered HTTP 422 Unprocessable Entity: body.params: field required; body.logs: value could not be parsed to a boolean',
		);
		expect(result.description).toBe(
			'ViewComfy could not use the parameters. The server says: body.params: field required; body.logs: value could not be parsed to a boolean. Check the keys and value types with the List Workflow Parameters operation.',
		);
	});

	it('422 with many errors lists five and counts the rest', () => {
		const detail = Array.from({ length: 8 }, (_, i) => ({ loc: ['body', `k${i}`], msg: 'bad', type: 't' }));
		const result = describeHttpFailure(422, JSON.stringify({ detail }));
		expect(result.description).toContain('body.k4: bad (and 3 more).');
		expect(result.description).not.toContain('body.k5');
	});

	it('422 with odd detail entries does not fail', () => {
		const result = describeHttpFailure(422, JSON.stringify({ detail: ['plain', 5, null, { msg: 'no loc' }, { loc: 'x' }] }));
		expect(result.message).toBe('ViewComfy answered HTTP 422 Unprocessable Entity: plain; 5; no loc');
	});

	it('429 asks to lower Batch Concurrency', () => {
		expect(describeHttpFailure(429, '').description).toContain('lower Batch Concurrency');
		expect(describeHttpFailure(429, '').message).toBe('ViewComfy answered HTTP 429 Too Many Requests with an empty body');
	});

	it.each([502, 503, 504])('%d mentions cold starts and the automatic retry', (status) => {
		const result = describeHttpFailure(status, '<html><body><h1>upstream timed out</h1></body></html>');
		expect(result.message).toContain(`HTTP ${status}`);
		expect(result.message).toContain('upstream timed out');
		expect(result.description).toContain('cold start');
		expect(result.description).toContain('retried automatically');
	});

	it('500 points at the workflow and its logs', () => {
		const result = describeHttpFailure(500, '{"errorMsg": "CUDA out of memory", "errorType": "RuntimeError"}');
		expect(result.message).toBe('ViewComfy answered HTTP 500 Internal Server Error: RuntimeError: CUDA out of memory');
		expect(result.description).toContain("Turn on logs to see ComfyUI's output");
		expect(result.description).not.toContain('retried automatically');
	});

	it('other statuses get a generic hint and an unknown status no reason phrase', () => {
		expect(describeHttpFailure(400, '{"message": "bad form"}')).toEqual({
			message: 'ViewComfy answered HTTP 400 Bad Request: bad form',
			description: expect.stringContaining('ViewComfy refused the request'),
		});
		expect(describeHttpFailure(499, undefined).message).toBe('ViewComfy answered HTTP 499 with an empty body');
		expect(describeHttpFailure(302, '{"error": "moved"}').message).toBe('ViewComfy answered HTTP 302 Found: moved');
	});

	it('falls back to an excerpt for JSON of another shape or broken JSON', () => {
		expect(describeHttpFailure(400, '{"foo": 1}').message).toBe('ViewComfy answered HTTP 400 Bad Request: {"foo": 1}');
		expect(describeHttpFailure(400, '{"detail": ').message).toBe('ViewComfy answered HTTP 400 Bad Request: {"detail":');
		expect(describeHttpFailure(400, '[1,2]').message).toBe('ViewComfy answered HTTP 400 Bad Request: [1,2]');
	});

	it('keeps the message to one short line whatever the body', () => {
		const result = describeHttpFailure(500, `${'trace line\n'.repeat(10_000)}`);
		expect(result.message).not.toContain('\n');
		expect(result.message.length).toBeLessThan(360);
		const detail = describeHttpFailure(400, JSON.stringify({ detail: 'y'.repeat(5000) }));
		expect(detail.message.length).toBeLessThan(360);
	});

	it('blanks out secrets the server echoes back, raw or JSON-escaped', () => {
		const secret = 'sk_live_"quoted"\\secret';
		const body = JSON.stringify({ detail: `bad client_secret ${secret}`, errorDetails: secret });
		const result = describeHttpFailure(401, body, [secret, '']);
		expect(result.message).toBe('ViewComfy answered HTTP 401 Unauthorized: bad client_secret [redacted]');
		expect(`${result.message} ${result.description}`).not.toContain('sk_live');
		const plain = describeHttpFailure(403, `denied for abc123XYZ`, ['abc123XYZ']);
		expect(plain.message).toBe('ViewComfy answered HTTP 403 Forbidden: denied for [redacted]');
	});
});
