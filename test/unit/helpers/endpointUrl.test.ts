import { parseEndpointUrl } from '../../../nodes/ViewComfy/helpers/endpointUrl';
import { UserInputError } from '../../../nodes/ViewComfy/helpers/userInputError';

function errorOf(value: unknown): UserInputError {
	try {
		parseEndpointUrl(value);
	} catch (error) {
		if (error instanceof UserInputError) return error;
		throw error;
	}
	throw new Error(`expected ${JSON.stringify(value)} to be rejected`);
}

describe('parseEndpointUrl', () => {
	it('accepts the deployment URL as the dashboard shows it, trimmed', () => {
		const url = parseEndpointUrl('  https://acme--viewcomfy-app.modal.run/  ');
		expect(url.origin).toBe('https://acme--viewcomfy-app.modal.run');
	});

	it('keeps a path, because requests go to exactly this URL', () => {
		expect(parseEndpointUrl('http://127.0.0.1:8788/api/infer').pathname).toBe('/api/infer');
	});

	it.each([
		['', /is empty/],
		[undefined, /is empty/],
		['acme.modal.run', /not a valid URL/],
		['ftp://acme.modal.run', /must start with https:\/\/ or http:\/\//],
		['https://user:pw@acme.modal.run', /must not contain a user name or password/],
	])('rejects %p with a message naming the field and a fix', (value, message) => {
		const error = errorOf(value);
		expect(error.message).toMatch(message);
		expect(error.field).toBe('Endpoint URL');
		expect(error.hint).toBeTruthy();
	});

	it('does not echo the password part of a URL back', () => {
		const error = errorOf('https://user:hunter2-secret@acme.modal.run');
		expect(`${error.message} ${error.hint}`).not.toContain('hunter2-secret');
	});
});
