import { InferRedirectError } from '../../../nodes/ViewComfy/transport/http/errors';
import { firstHop, isRedirectStatus, nextHop, type HopRequest } from '../../../nodes/ViewComfy/transport/http/redirects';

const endpoint = new URL('https://acme--run.modal.run/api/infer');
const origin = endpoint.origin;
const post: HopRequest = firstHop(endpoint);

describe('redirects', () => {
	it('knows the redirect statuses', () => {
		expect([301, 302, 303, 307, 308].every(isRedirectStatus)).toBe(true);
		expect([200, 201, 300, 304, 305, 400].some(isRedirectStatus)).toBe(false);
	});

	it('starts with a POST carrying body and credentials', () => {
		expect(post).toEqual({ url: endpoint, method: 'POST', sendBody: true, withCredentials: true });
	});

	it.each([301, 302, 303])('turns POST into GET without body on %i', (status) => {
		const hop = nextHop(post, status, '/result/abc', origin);
		expect(hop).toEqual({ url: new URL('https://acme--run.modal.run/result/abc'), method: 'GET', sendBody: false, withCredentials: true, redirected: true });
	});

	it.each([307, 308])('keeps method and body on %i', (status) => {
		const hop = nextHop(post, status, 'https://acme--run.modal.run/other', origin);
		expect(hop).toMatchObject({ method: 'POST', sendBody: true, withCredentials: true });
	});

	it('keeps GET on a 307 after a 303', () => {
		const get = nextHop(post, 303, '/r/1', origin);
		expect(nextHop(get, 307, '/r/2', origin)).toMatchObject({ method: 'GET', sendBody: false });
		expect(nextHop(get, 303, '/r/3', origin)).toMatchObject({ method: 'GET', sendBody: false });
	});

	it('resolves relative locations against the current URL', () => {
		const get = nextHop(post, 303, 'result?id=1', origin);
		expect(get.url.href).toBe('https://acme--run.modal.run/api/result?id=1');
		expect(nextHop(get, 303, '//acme--run.modal.run/x', origin).url.href).toBe('https://acme--run.modal.run/x');
	});

	it('sends the credentials only to the endpoint origin', () => {
		expect(nextHop(post, 303, 'https://cdn.example.com/file', origin).withCredentials).toBe(false);
		expect(nextHop(post, 303, 'http://acme--run.modal.run/result', origin).withCredentials).toBe(false);
		expect(nextHop(post, 303, 'https://acme--run.modal.run:8443/result', origin).withCredentials).toBe(false);
		const away = nextHop(post, 303, 'https://cdn.example.com/file', origin);
		expect(nextHop(away, 303, 'https://acme--run.modal.run/back', origin).withCredentials).toBe(true);
	});

	it('refuses redirects it cannot follow', () => {
		expect(() => nextHop(post, 303, undefined, origin)).toThrow(InferRedirectError);
		expect(() => nextHop(post, 303, undefined, origin)).toThrow(/without a Location/);
		expect(() => nextHop(post, 302, 'ftp://files.example.com/x', origin)).toThrow(/ftp:/);
		expect(() => nextHop(post, 302, 'http://[bad', origin)).toThrow(/not a URL/);
	});
});
