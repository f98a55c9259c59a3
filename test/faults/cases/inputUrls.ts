/**
 * Rows for file inputs given as URLs (issue 20): the link's host cuts the file, is too slow,
 * refuses the connection, or redirects to another host. The file host is a loopback server of
 * the row's own (or the emulator's input files); the deployment is the emulator. Every failing
 * row must name the field and the URL without its query, and send nothing to the deployment.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { freshEmulator } from '../support/emulators';
import { faultCase } from '../support/faultCase';
import { img2imgJson, runNode } from '../support/nodeRun';
import { describeWaits, errorSummary, retryWaits } from '../support/observe';
import { tinyPng } from '../support/scriptedServer';

const FIELD = 'File Inputs → 10-inputs-image';
/** A pre-signed query: it must appear in no error, item or log line. */
const QUERY = '?X-Amz-Signature=INPUTQUERY77';

/**
 * The link arrives on the input item, as from a form or an Airtable attachment; a literal one
 * would stand in the node's parameters, which n8n's own debug log prints with a failed run.
 */
const withLink = { workflowJson: img2imgJson(), sendWorkflowOverride: true, fileInputs: { file: [{ key: '10-inputs-image', binaryProperty: '={{ $json.link }}' }] } };
const linkItem = (link: string) => [{ json: { link } }];

interface FileHost {
	origin: string;
	hits: string[];
	close(): Promise<void>;
}

async function fileHost(handler: (path: string, res: ServerResponse, req: IncomingMessage) => void, host = '127.0.0.1'): Promise<FileHost> {
	const hits: string[] = [];
	const server: Server = createServer((req, res) => {
		hits.push(`${req.method} ${req.url}`);
		handler((req.url ?? '').split('?')[0], res, req);
	});
	await new Promise<void>((resolve) => server.listen(0, host, resolve));
	return {
		origin: `http://${host}:${(server.address() as AddressInfo).port}`,
		hits,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

async function closedPort(): Promise<string> {
	const probe = await fileHost(() => undefined);
	await probe.close();
	return probe.origin;
}

export function registerInputUrlCases(): void {
	describe('file inputs from a URL', () => {
		faultCase(
			{
				fault: 'Input URL: the file host cuts the connection halfway through the file',
				mode: 'wait',
				expected: 'the item fails naming the field, the URL without query and the bytes that arrived; nothing sent to the deployment',
			},
			async (ctx) => {
				const png = tinyPng();
				const host = await fileHost((_path, res) => {
					res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length * 4 });
					res.write(png, () => res.destroy());
				});
				try {
					const emulator = await freshEmulator();
					const run = await runNode({ endpointUrl: emulator.url, mode: 'wait', parameters: withLink, input: linkItem(`${host.origin}/cut.png${QUERY}`) });
					ctx.observe(`${host.hits.length} request(s) to the file host; ${errorSummary(run)}`);
					expect(run.error?.message).toContain(`${FIELD}: the file at ${host.origin}/cut.png stopped arriving after`);
					expect(emulator.requests).toEqual([]);
					expect(JSON.stringify(run.error) + run.logText).not.toContain('INPUTQUERY77');
				} finally {
					await host.close();
				}
			},
		);

		faultCase(
			{
				fault: 'Input URL: the file host drips the file slower than Timeout allows (emulator input file, slow)',
				mode: 'wait',
				expected: 'the item fails at the timeout naming the field and the URL without query; nothing sent to the deployment',
			},
			async (ctx) => {
				const emulator = await freshEmulator();
				const urls = emulator.putInputFile('slow.png', Buffer.concat([tinyPng(), Buffer.alloc(4000)]), 'image/png');
				emulator.setBehaviour({ dripBytesPerSecond: 500 });
				const started = Date.now();
				// 0.01 min = 0.6 s for a file that takes 8 s.
				const run = await runNode({ endpointUrl: emulator.url, mode: 'wait', options: { timeoutMinutes: 0.01 }, parameters: withLink, input: linkItem(`${urls.slow}${QUERY}`) });
				ctx.observe(`failed after ${((Date.now() - started) / 1000).toFixed(1)} s; ${errorSummary(run)}`);
				expect(run.error?.message).toContain(`${FIELD}:`);
				expect(run.error?.message).toContain(urls.slow);
				expect(`${run.error?.message} ${(run.error as { description?: string } | undefined)?.description}`).toMatch(/timeout|took longer|Timeout/i);
				expect(emulator.requests.filter((request) => request.kind === 'infer')).toEqual([]);
				expect(JSON.stringify(run.error) + run.logText).not.toContain('INPUTQUERY77');
			},
		);

		faultCase(
			{
				fault: 'Input URL: the file host refuses the connection (closed port)',
				mode: 'wait',
				expected: 'retried like every read (Max Retries), then the item fails naming the field and the host; nothing sent to the deployment',
			},
			async (ctx) => {
				const emulator = await freshEmulator();
				const origin = await closedPort();
				const run = await runNode({ endpointUrl: emulator.url, mode: 'wait', parameters: withLink, input: linkItem(`${origin}/gone.png${QUERY}`) });
				ctx.observe(`${describeWaits(retryWaits(run))}; ${errorSummary(run)}`);
				// FAST_OPTIONS: Max Retries 3, each announced in n8n's log as for every other call.
				expect(retryWaits(run)).toHaveLength(3);
				expect(run.error?.message).toContain(`${FIELD}:`);
				expect(run.error?.message).toMatch(/refused|ECONNREFUSED/);
				expect(emulator.requests).toEqual([]);
				expect(JSON.stringify(run.error) + run.logText).not.toContain('INPUTQUERY77');
			},
		);

		faultCase(
			{
				fault: 'Input URL: the link redirects (302) to a file on another host',
				mode: 'wait',
				expected: 'followed; the file from the second host reaches the deployment byte for byte, named from the final URL; neither host gets the credentials',
			},
			async (ctx) => {
				const png = tinyPng();
				const seen: Array<Record<string, unknown>> = [];
				const cdn = await fileHost((_path, res, req) => {
					seen.push(req.headers);
					res.writeHead(200, { 'content-type': 'image/png' }).end(png);
				}, '127.0.0.2');
				const origin = await fileHost((_path, res, req) => {
					seen.push(req.headers);
					res.writeHead(302, { location: `${cdn.origin}/cdn/final%20photo.png?sig=2` }).end();
				});
				try {
					const emulator = await freshEmulator();
					const run = await runNode({ endpointUrl: emulator.url, mode: 'wait', parameters: withLink, input: linkItem(`${origin.origin}/share/abc${QUERY}`) });
					const [infer] = emulator.requests.filter((request) => request.kind === 'infer');
					ctx.observe(`${origin.hits.length} + ${cdn.hits.length} requests to the two hosts; sent ${JSON.stringify(infer?.files.map((f) => f.filename))}; ${errorSummary(run)}`);
					expect(errorSummary(run)).toBe('no error');
					expect(infer.files).toEqual([expect.objectContaining({ field: '10-inputs-image', filename: 'final photo.png', mimeType: 'image/png', size: png.length })]);
					expect(seen).toHaveLength(2);
					for (const headers of seen) {
						expect(headers).not.toHaveProperty('client_id');
						expect(headers).not.toHaveProperty('client_secret');
					}
				} finally {
					await origin.close();
					await cdn.close();
				}
			},
		);
	});
}
