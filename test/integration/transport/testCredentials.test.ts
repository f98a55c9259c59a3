/** testCredentials() against real loopback servers: the probe it sends and how answers read. */
import { testCredentials } from '../../../nodes/ViewComfy/transport/direct/infer';
import { CLIENT_ID, CLIENT_SECRET, connectionTo } from './fixtures';
import { closedPort, serversPerTest, type LoopbackServer } from './loopback';

const server = serversPerTest();
async function answering(status: number, body = '', headers: Record<string, string> = {}): Promise<LoopbackServer> {
	return await server((_req, res) => {
		res.writeHead(status, { 'content-type': 'application/json', ...headers });
		res.end(body);
	});
}

describe('testCredentials', () => {
	it('sends an empty params with the credentials, and takes 422 as accepted credentials', async () => {
		const srv = await answering(422, JSON.stringify({ detail: [{ loc: ['body', 'params'], msg: 'field required' }] }));
		expect(await testCredentials(connectionTo(srv.url('/api/infer')))).toEqual({ ok: true });
		expect(srv.requests).toHaveLength(1);
		const [probe] = srv.requests;
		expect(probe.method).toBe('POST');
		expect(probe.headers.client_id).toBe(CLIENT_ID);
		expect(probe.headers.client_secret).toBe(CLIENT_SECRET);
		expect(probe.fields).toEqual({ params: '', logs: 'false' });
	});

	it('takes a 2xx as accepted credentials', async () => {
		const srv = await answering(201, '{}');
		expect(await testCredentials(connectionTo(srv.url('/')))).toEqual({ ok: true });
	});

	it.each([401, 403])('reports rejected credentials on %i', async (status) => {
		const srv = await answering(status, JSON.stringify({ detail: `Invalid client_secret ${CLIENT_SECRET}` }));
		const result = await testCredentials(connectionTo(srv.url('/')));
		expect(result.ok).toBe(false);
		const { message } = result as { message: string };
		expect(message).toMatch(new RegExp(`^ViewComfy rejected the Client ID or Client Secret \\(HTTP ${status}\\)`));
		expect(message).not.toContain(CLIENT_SECRET);
	});

	it('points at the Endpoint URL on 404', async () => {
		const srv = await answering(404, '{"detail":"Not Found"}');
		const result = await testCredentials(connectionTo(srv.url('/wrong')));
		expect(result).toEqual({ ok: false, message: expect.stringMatching(/Endpoint URL \(HTTP 404\).*Check the Endpoint URL/) });
	});

	it('quotes the server on other statuses', async () => {
		const srv = await answering(500, '{"errorMsg":"Deployment crashed"}');
		const result = await testCredentials(connectionTo(srv.url('/')));
		expect(result).toEqual({ ok: false, message: expect.stringContaining('Deployment crashed') });
	});

	it('follows a redirect to the answer', async () => {
		const target = await answering(422, '{}');
		const srv = await answering(307, '', { location: target.url('/moved') });
		expect(await testCredentials(connectionTo(srv.url('/')))).toEqual({ ok: true });
		expect(target.requests[0].fields.params).toBe('');
	});

	it('names the host when nothing listens there', async () => {
		const port = await closedPort();
		const result = await testCredentials(connectionTo(`http://127.0.0.1:${port}/api`));
		expect(result).toEqual({ ok: false, message: expect.stringContaining(`127.0.0.1:${port}`) });
		expect((result as { message: string }).message).toContain('ECONNREFUSED');
	});

	it('gives up after its timeout and says so', async () => {
		const srv = await server(() => {
			// Never answers.
		});
		const result = await testCredentials(connectionTo(srv.url('/')), { timeoutMs: 200 });
		expect(result).toEqual({ ok: false, message: expect.stringMatching(/^No answer from 127\.0\.0\.1:\d+ within 0\.2 seconds/) });
	});

	it('explains an Endpoint URL that is not a URL', async () => {
		const result = await testCredentials(connectionTo('modal.run/my-deployment'));
		expect(result).toEqual({ ok: false, message: expect.stringContaining('not a valid URL') });
	});
});
