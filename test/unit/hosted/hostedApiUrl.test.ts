import { DEFAULT_HOSTED_API_URL, hostedRoutes, parseHostedApiUrl } from '../../../nodes/ViewComfy/helpers/hostedApiUrl';
import { UserInputError } from '../../../nodes/ViewComfy/helpers/userInputError';

const routes = (text: string) => hostedRoutes(parseHostedApiUrl(text));

describe('parseHostedApiUrl + hostedRoutes', () => {
	it('the default base gives the three documented routes, the status one with its trailing slash', () => {
		const r = routes(DEFAULT_HOSTED_API_URL);
		expect(r.origin).toBe('https://api.viewcomfy.com');
		expect(r.submit.href).toBe('https://api.viewcomfy.com/api/workflow/infer');
		expect(r.cancel.href).toBe('https://api.viewcomfy.com/api/workflow/infer/cancel');
		expect(r.status(['A', 'B']).href).toBe('https://api.viewcomfy.com/api/workflow/infer/?prompt_ids=A&prompt_ids=B');
	});

	it.each([
		['  https://api.viewcomfy.com/  ', 'https://api.viewcomfy.com/api/workflow/infer'],
		['https://api.viewcomfy.com/api/workflow/infer', 'https://api.viewcomfy.com/api/workflow/infer'],
		['https://api.viewcomfy.com/api/workflow/infer/?prompt_ids=x', 'https://api.viewcomfy.com/api/workflow/infer'],
		['http://127.0.0.1:8788/proxy/vc//', 'http://127.0.0.1:8788/proxy/vc/api/workflow/infer'],
		['https://api.viewcomfy.com?x=1#frag', 'https://api.viewcomfy.com/api/workflow/infer'],
	])('%j: base without route, query or hash → submit %s', (text, submit) => {
		expect(routes(text).submit.href).toBe(submit);
	});

	it('encodes ids in the query', () => {
		expect(routes(DEFAULT_HOSTED_API_URL).status(['a b&c']).search).toBe('?prompt_ids=a+b%26c');
	});

	it.each([
		['', /is empty/],
		['api.viewcomfy.com', /is not a valid URL/],
		['ftp://api.viewcomfy.com', /must start with https:\/\/ or http:\/\/, not ftp:\/\//],
		['https://user:pw@api.viewcomfy.com', /must not contain a user name or password/],
	])('%j is refused, naming the field', (text, message) => {
		let error: unknown;
		try {
			parseHostedApiUrl(text);
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(UserInputError);
		expect((error as UserInputError).message).toMatch(message);
		expect((error as UserInputError).field).toBe('Hosted API URL');
		expect((error as UserInputError).hint).toBeTruthy();
	});

	it('refuses a value that is not text, and an emptied field', () => {
		expect(() => parseHostedApiUrl(42)).toThrow(UserInputError);
		expect(() => parseHostedApiUrl('  ')).toThrow(/Hosted API URL of the ViewComfy credential is empty/);
	});

	it('takes the default when the credential was saved without the field', () => {
		expect(parseHostedApiUrl(undefined).origin).toBe('https://api.viewcomfy.com');
		expect(parseHostedApiUrl(null).origin).toBe('https://api.viewcomfy.com');
	});
});
