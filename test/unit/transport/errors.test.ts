import { InferHttpError } from '../../../nodes/ViewComfy/transport/direct/directErrors';
import {
	InferTimeoutError,
	StreamEndedError,
	formatDuration,
	redactSecret,
	redactText,
} from '../../../nodes/ViewComfy/transport/http/errors';
import { checkedCredentials } from '../../../nodes/ViewComfy/transport/direct/inferConnection';
import { UserInputError } from '../../../nodes/ViewComfy/helpers/userInputError';

describe('transport errors', () => {
	it('formats durations the way users set them', () => {
		expect(formatDuration(40 * 60_000)).toBe('40 minutes');
		expect(formatDuration(60_000)).toBe('1 minute');
		expect(formatDuration(90_000)).toBe('1 minute 30 seconds');
		expect(formatDuration(30_000)).toBe('30 seconds');
		expect(formatDuration(1000)).toBe('1 second');
		expect(formatDuration(300)).toBe('0.3 seconds');
	});

	it('names the timeout and its option', () => {
		expect(new InferTimeoutError(40 * 60_000).message).toContain('within 40 minutes (the Timeout (Minutes) option)');
	});

	it('redacts a secret from text, raw and URL-encoded', () => {
		const secret = 'sk/live+ABC=123';
		expect(redactText(`a ${secret} b ${encodeURIComponent(secret)}`, secret)).toBe('a [redacted] b [redacted]');
		expect(redactText('short secrets are left alone: ab', 'ab')).toBe('short secrets are left alone: ab');
	});

	it('redacts a secret from message, stack, body and logs of an error', () => {
		const secret = 'top-secret-value';
		const http = redactSecret(new InferHttpError(500, `echo ${secret}`, `failed: ${secret}`), secret);
		expect(JSON.stringify([http.message, http.stack, http.body])).not.toContain(secret);
		const ended = redactSecret(new StreamEndedError([`log ${secret}`], [`error ${secret}`]), secret);
		expect(JSON.stringify([ended.message, ended.stack, ended.logs, ended.errorEvents])).not.toContain(secret);
		expect(ended.logs).toEqual(['log [redacted]']);
	});

	it('builds credential headers, trimmed, and refuses values HTTP cannot carry without quoting them', () => {
		expect(checkedCredentials({ endpointUrl: 'x', clientId: ' id \n', clientSecret: '\tsecret-1 ' })).toEqual({
			clientId: 'id',
			clientSecret: 'secret-1',
		});
		const attempt = () => checkedCredentials({ endpointUrl: 'x', clientId: 'id', clientSecret: 'sec\nret-value' });
		expect(attempt).toThrow(UserInputError);
		expect(attempt).toThrow(/Client Secret .* line break/);
		try {
			attempt();
		} catch (err) {
			expect((err as Error).message).not.toContain('ret-value');
		}
		expect(() => checkedCredentials({ endpointUrl: 'x', clientId: '  ', clientSecret: 's' })).toThrow(/Client ID .* is empty/);
	});
});
