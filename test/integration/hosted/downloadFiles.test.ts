/**
 * Download Files off (issue 20): hosted outputs as their pre-signed links. Nothing is downloaded
 * (the emulator counts the requests for its links), each item carries the link with the file's
 * name, type, size and expiry, and the link works for anyone who has it. With a direct
 * credential the option fails clearly, before anything is sent.
 */
import { PNG } from 'pngjs';
import type { IDataObject } from 'n8n-workflow';

import { ViewComfyApi } from '../../../credentials/ViewComfyApi.credentials';
import { ViewComfy } from '../../../nodes/ViewComfy/ViewComfy.node';
import { runWorkflowNode, VIEWCOMFY_NODE_TYPE } from '../../harness';
import {
	DEPLOYMENT_URL,
	HOSTED_CLIENT_ID,
	HOSTED_SECRET,
	errorText,
	getResultsParameters,
	requestsOf,
	runNode,
	runWorkflowParameters,
	useHostedEmulator,
	visibleText,
} from './hostedNode';

const emulator = useHostedEmulator();
const LINKS = { downloadFiles: false };

async function fetchLink(url: unknown): Promise<Buffer> {
	const res = await fetch(String(url));
	expect(res.status).toBe(200);
	return Buffer.from(await res.arrayBuffer());
}

describe('Download Files off', () => {
	it('Run Workflow: one item per file with url, fileName, mimeType, fileSize and expiresAt; no binary, no download', async () => {
		const emu = emulator();
		emu.setBehaviour({ hostedLinkTtlSeconds: 900 });
		const before = Date.now();
		const run = await runNode(emu, { parameters: runWorkflowParameters({}, LINKS), input: [{ json: { prompt: 'a fox' } }] });
		expect(errorText(run)).toBe('');
		expect(run.items).toHaveLength(1);
		const [item] = run.items;
		expect(item.binary).toBeUndefined();
		expect(item.json).toMatchObject({
			status: 'success',
			completed: true,
			url: expect.stringMatching(new RegExp(`^${emu.origin}/__hosted-files/.+X-Amz-Signature=`)),
			fileName: expect.stringMatching(/\.png$/),
			mimeType: 'image/png',
			fileSize: expect.any(Number),
			file: { index: 0, fileName: item.json.fileName, mimeType: 'image/png', fileSize: item.json.fileSize, fileExtension: 'png' },
		});
		// The link appears once, at the top, where a posting node's {{ $json.url }} finds it.
		expect(item.json.file).not.toHaveProperty('url');
		const expiresAt = Date.parse(String(item.json.expiresAt));
		expect(expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 900_000);
		expect(expiresAt).toBeLessThanOrEqual(Date.now() + 900_000);
		expect(emu.downloadCount).toBe(0);
		// The link works without any credentials, and serves exactly the declared size.
		const bytes = await fetchLink(item.json.url);
		expect(bytes.length).toBe(item.json.fileSize);
		expect(PNG.sync.read(bytes).width).toBe(512);
		expect(visibleText(run)).not.toContain(HOSTED_SECRET);
	});

	it('All Files on One Item: each file of `files` has its own url', async () => {
		const emu = emulator();
		emu.setBehaviour({ outputBytes: 4096 });
		const run = await runNode(emu, { parameters: runWorkflowParameters({ outputMode: 'allOnOneItem' }, LINKS), input: [{ json: { prompt: 'two files' } }] });
		expect(errorText(run)).toBe('');
		const files = run.items[0].json.files as Array<{ url: string; fileName: string; fileSize: number; expiresAt: string }>;
		expect(files).toHaveLength(2);
		expect(run.items[0].binary).toBeUndefined();
		expect(new Set(files.map((file) => file.url)).size).toBe(2);
		expect(files[1]).toMatchObject({ fileName: 'large_00001.mp4', fileSize: 4096, expiresAt: expect.any(String) });
		expect(emu.downloadCount).toBe(0);
		expect((await fetchLink(files[1].url)).length).toBe(4096);
	});

	it('Get Results: finished runs come back as links, nothing downloaded; on (the default) downloads as before', async () => {
		const emu = emulator();
		const submitted = await runNode(emu, { parameters: runWorkflowParameters({ waitForCompletion: false }), input: [{ json: { prompt: 'later' } }] });
		const input = submitted.items.map((item) => ({ json: item.json }));
		const links = await runNode(emu, { parameters: getResultsParameters({}, LINKS), input });
		expect(errorText(links)).toBe('');
		expect(links.items[0].json).toMatchObject({ prompt_id: submitted.items[0].json.prompt_id, url: expect.any(String), mimeType: 'image/png' });
		expect(links.items[0].binary).toBeUndefined();
		expect(emu.downloadCount).toBe(0);

		const files = await runNode(emu, { parameters: getResultsParameters(), input });
		expect(errorText(files)).toBe('');
		expect(files.items[0].json).not.toHaveProperty('url');
		expect(files.items[0].json.file).not.toHaveProperty('url');
		expect((await files.binaryBuffer(files.items[0])).equals(await fetchLink(links.items[0].json.url))).toBe(true);
		expect(requestsOf(emu, 'download')).toHaveLength(2);
	});

	it('a direct credential: fails naming the option and why, before any request', async () => {
		const emu = emulator();
		const run = await runNode(emu, { parameters: runWorkflowParameters({}, LINKS), credential: { apiType: 'direct', endpointUrl: emu.url } });
		expect(errorText(run)).toContain('Download Files can only be turned off with the ViewComfy hosted API');
		expect(errorText(run)).toContain('A direct deployment sends its files inside its answer');
		expect(emu.requests).toEqual([]);
	});
});

describe('as an AI Agent tool on the hosted API', () => {
	const toolRun = async (options: IDataObject) =>
		await runWorkflowNode({
			node: { typeName: `${VIEWCOMFY_NODE_TYPE}Tool`, type: new ViewComfy(), name: 'Generate Image' },
			parameters: runWorkflowParameters({}, options),
			input: [{ json: { prompt: 'a red fox', toolCallId: 'call_1' } }],
			credentials: {
				viewComfyApi: {
					type: new ViewComfyApi(),
					data: { apiType: 'hosted', hostedApiUrl: emulator().origin, endpointUrl: DEPLOYMENT_URL, clientId: HOSTED_CLIENT_ID, clientSecret: HOSTED_SECRET },
				},
			},
		});

	it.each([
		['Download Files on (the default): the file is downloaded and the model also gets its link', {}, 1],
		['Download Files off: only the link', LINKS, 0],
	])('%s; under 1 KB, no base64, no secret', async (_title, options, downloads) => {
		const run = await toolRun(options);
		expect(errorText(run)).toBe('');
		const [item] = run.items;
		expect(item.json).toMatchObject({ status: 'success', url: expect.stringContaining('/__hosted-files/'), mimeType: 'image/png', expiresAt: expect.any(String) });
		const message = JSON.stringify(item.json);
		expect(Buffer.byteLength(message)).toBeLessThan(1024);
		expect(Math.max(...(message.match(/"[^"]*"/g) ?? []).map((text) => text.length))).toBeLessThan(400);
		expect(message).not.toContain(HOSTED_SECRET);
		expect(emulator().downloadCount).toBe(downloads);
		expect(Boolean(item.binary)).toBe(downloads === 1);
		expect((await fetchLink(item.json.url)).length).toBe(item.json.fileSize);
	});
});

it('links are per run: two runs, two prompt ids, two different links', async () => {
	const emu = emulator();
	const run = await runNode(emu, { parameters: runWorkflowParameters({}, LINKS), input: [{ json: { prompt: 'a' } }, { json: { prompt: 'b' } }] });
	expect(errorText(run)).toBe('');
	expect(new Set(run.items.map((item) => item.json.url)).size).toBe(2);
	expect(run.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
});
