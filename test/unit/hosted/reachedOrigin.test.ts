/**
 * The Socket.IO socket bypasses n8n's request helpers (and so its SSRF protection): it may connect
 * only to an origin a request through them has just reached. In the shipped code that holds by
 * construction, checked here: one place makes a ReachedOrigin (HostedApiClient.reachOrigin, after
 * its status request), one place uses it (the socket client, where it connects), each once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { markReached, useReachedOrigin } from '../../../nodes/ViewComfy/transport/hosted/reachedOrigin';

const NODES = join(__dirname, '..', '..', '..', 'nodes');

function sources(dir: string): Array<{ path: string; text: string }> {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return sources(path);
		return entry.name.endsWith('.ts') ? [{ path: relative(NODES, path), text: readFileSync(path, 'utf8') }] : [];
	});
}

const callersOf = (name: string) =>
	sources(NODES)
		.filter(({ text }) => new RegExp(`\\b${name}\\(`).test(text.replace(new RegExp(`export function ${name}\\(`), '')))
		.map(({ path }) => path);

describe('ReachedOrigin', () => {
	it('is used once, and only as markReached made it', () => {
		const reached = markReached(new URL('http://127.0.0.1:5000/api/workflow/infer/?prompt_ids=x'));
		expect(reached.origin).toBe('http://127.0.0.1:5000');
		expect(useReachedOrigin({ origin: 'http://127.0.0.1:5000' })).toBeUndefined();
		expect(useReachedOrigin(reached)).toBe('http://127.0.0.1:5000');
		expect(useReachedOrigin(reached)).toBeUndefined();
	});

	it('is made only by HostedApiClient.reachOrigin, right after its request through the helpers', () => {
		expect(callersOf('markReached')).toEqual(['ViewComfy/transport/hosted/hostedClient.ts']);
		const client = readFileSync(join(NODES, 'ViewComfy/transport/hosted/hostedClient.ts'), 'utf8');
		expect(client).toMatch(/async reachOrigin\(scope: CallScope\): Promise<ReachedOrigin> \{\n\t\tawait this\.status\(\[NIL_PROMPT_ID\], scope\);\n\t\treturn markReached\(new URL\(this\.routes\.origin\)\);\n\t\}/);
	});

	it('is used only where the socket connects, and the socket connects only to its origin', () => {
		expect(callersOf('useReachedOrigin')).toEqual(['ViewComfy/transport/hosted/socketIoClient.ts']);
		const client = readFileSync(join(NODES, 'ViewComfy/transport/hosted/socketIoClient.ts'), 'utf8');
		// The one WebSocket the shipped code makes, to the origin the ReachedOrigin gave.
		expect(client.match(/new Impl\(/g)).toHaveLength(1);
		expect(client).toContain('const origin = useReachedOrigin(options.origin);');
		expect(client).toContain('socket = new Impl(socketUrl(origin));');
		expect(sources(NODES).filter(({ text }) => /new (WebSocket|Impl)\(/.test(text)).map(({ path }) => path)).toEqual(['ViewComfy/transport/hosted/socketIoClient.ts']);
	});
});
