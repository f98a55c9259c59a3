/** n8n's request helpers honour HTTP_PROXY and NO_PROXY, and the node's calls go through them. */
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { infer } from '../../../nodes/ViewComfy/transport/direct/infer';
import { connectionTo, options, request, resultJson } from './fixtures';
import { serversPerTest } from './loopback';

const server = serversPerTest();
const savedEnv = { HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY };

/**
 * A proxy that records the targets it carries: CONNECT tunnels, and plain HTTP requests with an
 * absolute URI (how a forwarding proxy is asked for http:// targets), forwarded upstream.
 */
let proxy: Server;
const tunnelled: string[] = [];

beforeAll(async () => {
	proxy = createServer((req, res) => {
		let target: URL;
		try {
			target = new URL(req.url ?? '');
		} catch {
			res.writeHead(405);
			res.end();
			return;
		}
		tunnelled.push(target.host);
		const upstream = httpRequest(
			{ host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: req.method, headers: req.headers },
			(answer) => {
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			},
		);
		upstream.on('error', () => res.destroy());
		req.pipe(upstream);
	});
	proxy.on('connect', (req, clientSocket, head) => {
		tunnelled.push(req.url ?? '');
		const [host, port] = (req.url ?? '').split(':');
		const upstream = connect(Number(port), host, () => {
			clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			upstream.write(head);
			upstream.pipe(clientSocket);
			clientSocket.pipe(upstream);
		});
		upstream.on('error', () => clientSocket.destroy());
		clientSocket.on('error', () => upstream.destroy());
	});
	await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
});

afterEach(async () => {
	for (const [key, value] of Object.entries(savedEnv)) {
		if (value === undefined) delete process.env[key];
		else process.env[key] = value;
	}
});

afterAll(async () => {
	proxy.closeAllConnections();
	await new Promise<void>((resolve) => proxy.close(() => resolve()));
});

async function resultServer() {
	return await server((_req, res) => {
		res.writeHead(201, { 'content-type': 'application/json' });
		res.end(resultJson([]));
	});
}

describe('proxy settings', () => {
	it('goes through HTTP_PROXY', async () => {
		const srv = await resultServer();
		process.env.HTTP_PROXY = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
		delete process.env.NO_PROXY;
		await infer(connectionTo(srv.url('/')), request(), options());
		expect(tunnelled).toContain(srv.origin.replace('http://', ''));
		expect(srv.requests).toHaveLength(1);
	});

	it('bypasses the proxy for hosts in NO_PROXY', async () => {
		const srv = await resultServer();
		tunnelled.length = 0;
		process.env.HTTP_PROXY = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
		process.env.NO_PROXY = '127.0.0.1';
		await infer(connectionTo(srv.url('/')), request(), options());
		expect(tunnelled).toEqual([]);
		expect(srv.requests).toHaveLength(1);
	});
});
