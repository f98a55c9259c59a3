/**
 * Files by URL in a real n8n (issue 20). The emulator serves the input photo on loopback
 * (`putInputFile`) and stands in for the deployment and the hosted API:
 * - direct: a URL in File Inputs reaches the deployment byte for byte with its name and type; a
 *   404, an HTML page and an oversize file each give an error item under Continue On Fail, naming
 *   the field and the URL without its query;
 * - hosted, a ViewComfy app's image input from a URL, Download Files off: the file reaches the
 *   hosted API byte for byte, the output items carry working links, and nothing was downloaded;
 * - examples/image-link-to-posted-link.workflow.json as imported: photo from a link → ViewComfy
 *   (image to image, hosted, Download Files off) → HTTP Request posting the result link to a
 *   local stand-in for a Slack webhook.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { REPO_ROOT } from '../../scripts/n8n/paths';
import { nodeOutput, type Item } from '../../scripts/n8n/run-data';
import type { RecordedRequest } from '../emulator/server';
import { loadExample } from './helpers/examples';
import { SCENARIO_TIMEOUT_MS, SETUP_TIMEOUT_MS } from './helpers/n8n-setup';
import { closeScenario, expectSecretNowhere, openScenario, pngSize, runToCompletion, sha256, type Scenario } from './helpers/scenario';
import { E2E_CLIENT_ID, E2E_SECRET, fixtureWorkflowText, linkedPngOutput, mappedParameters, viewComfyNode } from './helpers/viewcomfy';
import { chainWorkflow, codeNode, manualTrigger } from './helpers/workflow-builder';

const HOSTED_CREDENTIAL = { id: 'ViewComfyHostedU', name: 'ViewComfy hosted API (URL inputs)' };
const DEPLOYMENT_URL = 'https://team--viewcomfy-deployment.modal.run/';
/** Pre-signed queries are secrets too: none may appear in what n8n records. */
const QUERY = 'X-Amz-Signature=QUERYSECRET0d1e';
const STUDIO = readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'apps', 'studio.view_comfy.json'), 'utf8');

function photo(): Buffer {
	const png = new PNG({ width: 80, height: 48 });
	for (let i = 0; i < png.data.length; i++) png.data[i] = (i * 13) % 251;
	return PNG.sync.write(png);
}

describe('e2e: file inputs from a URL, outputs as links', () => {
	let scenario: Scenario;
	const input = photo();
	let urls: Record<'file' | '404' | 'slow' | 'html' | 'oversize', string>;

	beforeAll(async () => {
		scenario = await openScenario({ workflow: 'img2img' });
		await scenario.instance.importCredentials([
			{
				...HOSTED_CREDENTIAL,
				type: 'viewComfyApi',
				data: { apiType: 'hosted', hostedApiUrl: scenario.emulator.origin, endpointUrl: DEPLOYMENT_URL, clientId: E2E_CLIENT_ID, clientSecret: E2E_SECRET },
			},
		]);
		urls = scenario.emulator.putInputFile('street photo.png', input, 'image/png');
	}, SETUP_TIMEOUT_MS);

	afterAll(() => closeScenario(scenario), SCENARIO_TIMEOUT_MS);

	describe('direct: File Inputs from links, one good and three that fail, under Continue On Fail', () => {
		let items: Item[];
		let sent: RecordedRequest[];

		beforeAll(async () => {
			scenario.emulator.clearRequests();
			const links = [urls.file, urls['404'], urls.html, urls.oversize].map((url) => `${url}?${QUERY}`);
			const data = await runToCompletion(
				scenario,
				chainWorkflow('e2e: file inputs from links', [
					manualTrigger(),
					codeNode('Links', `return ${JSON.stringify(links.map((link) => ({ json: { link } })))};`),
					viewComfyNode(
						{
							workflowJson: fixtureWorkflowText('img2img'),
							parameters: mappedParameters({ '6-inputs-text': 'the same street, at night' }),
							fileInputs: { file: [{ key: '10-inputs-image', binaryProperty: '={{ $json.link }}', maskBinaryProperty: '' }] },
							options: { maxInputSizeMb: 1 },
						},
						{ onError: 'continueRegularOutput' },
					),
				]),
			);
			items = nodeOutput(data, 'ViewComfy');
			sent = [...scenario.emulator.requests];
		}, SCENARIO_TIMEOUT_MS);

		it('the linked photo reached the deployment byte for byte, named from the URL path, typed from Content-Type', () => {
			const infers = sent.filter((request) => request.kind === 'infer');
			expect(infers).toHaveLength(1);
			expect(infers[0].status).toBe(201);
			expect(infers[0].files).toEqual([{ field: '10-inputs-image', filename: 'street photo.png', mimeType: 'image/png', size: input.length, sha256: sha256(input) }]);
			// Fetched without the ViewComfy credentials.
			for (const request of sent.filter((r) => r.kind === 'input-file')) {
				expect(request.headers).not.toHaveProperty('client_id');
				expect(request.headers).not.toHaveProperty('client_secret');
			}
		});

		it('404, HTML and oversize each gave an error item in place, naming the field and the URL without its query', () => {
			// The good item first: the generated image and the emulator's echo of the upload.
			const paired = items.map((item) => (item.pairedItem as { item: number }).item);
			expect(paired).toEqual([0, 0, 1, 2, 3]);
			expect(items[0].binary?.data).toMatchObject({ mimeType: 'image/png' });
			const errors = items.slice(2).map((item) => String(item.json.error));
			expect(errors[0]).toContain(`File Inputs → 10-inputs-image: the file at ${urls['404']} could not be fetched: HTTP 404`);
			expect(errors[1]).toContain(`File Inputs → 10-inputs-image: the file at ${urls.html} is a web page (HTML), not a file`);
			expect(errors[2]).toContain(`File Inputs → 10-inputs-image: the file at ${urls.oversize} is larger than the Max Input Size (MB) option (1 MB)`);
			for (const item of items.slice(2)) expect(item.binary).toBeUndefined();
			expect(JSON.stringify(items)).not.toContain('QUERYSECRET');
		});
	});

	describe('hosted: a ViewComfy app’s image input from a link, Download Files off', () => {
		let items: Item[];
		let sent: RecordedRequest[];

		beforeAll(async () => {
			scenario.emulator.clearRequests();
			const data = await runToCompletion(
				scenario,
				chainWorkflow('e2e: hosted app input from a link, outputs as links', [
					manualTrigger(),
					viewComfyNode(
						{
							workflowSource: 'viewComfyApp',
							viewComfyJson: STUDIO,
							appWorkflow: 'Image to image',
							appInputs: {
								mappingMode: 'defineBelow',
								value: { '10-inputs-image': `${urls.file}?${QUERY}`, '6-inputs-text': 'a street in watercolour' },
								matchingColumns: [],
								schema: [],
							},
							options: { downloadFiles: false, pollIntervalSeconds: 0.2, maxPollIntervalSeconds: 0.5 },
						},
						{ credentials: { viewComfyApi: HOSTED_CREDENTIAL } },
					),
				]),
			);
			items = nodeOutput(data, 'ViewComfy');
			sent = [...scenario.emulator.requests];
		}, SCENARIO_TIMEOUT_MS);

		it('the app’s image input reached the hosted API byte for byte, with its name and type', () => {
			const [submit] = sent.filter((request) => request.kind === 'hosted-submit');
			expect(submit.status).toBe(201);
			expect(submit.files).toEqual([{ field: '10-inputs-image', filename: 'street photo.png', mimeType: 'image/png', size: input.length, sha256: sha256(input) }]);
		});

		it('output the link, name, type, size and expiry, no binary data, and downloaded nothing', () => {
			// The generated image and the emulator's echo of the upload.
			expect(items).toHaveLength(2);
			for (const item of items) expect(item.binary).toBeUndefined();
			expect(items[0].json).toMatchObject(linkedPngOutput(scenario.emulator.origin));
			expect(Date.parse(String(items[0].json.expiresAt))).toBeGreaterThan(Date.now());
			expect(sent.filter((request) => request.kind === 'download')).toEqual([]);
		});

		it('the link works for anyone who has it: a 512×512 PNG of the declared size', async () => {
			const res = await fetch(String(items[0].json.url));
			expect(res.status).toBe(200);
			const bytes = Buffer.from(await res.arrayBuffer());
			expect(bytes.length).toBe(items[0].json.fileSize);
			expect(pngSize(bytes)).toEqual({ width: 512, height: 512 });
			// The echo's link serves the photo that was uploaded from the input link.
			expect(items[1].json).toMatchObject({ fileName: 'street photo.png', fileSize: input.length });
			expect(sha256(Buffer.from(await (await fetch(String(items[1].json.url))).arrayBuffer()))).toBe(sha256(input));
		});
	});

	describe('the example image-link-to-posted-link, as imported', () => {
		let posts: Array<{ text: string }>;
		let items: Item[];
		let sent: RecordedRequest[];

		beforeAll(async () => {
			posts = [];
			const receiver = createServer((req, res) => {
				const chunks: Buffer[] = [];
				req.on('data', (chunk: Buffer) => chunks.push(chunk));
				req.on('end', () => {
					posts.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text: string });
					res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
				});
			});
			await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
			const webhook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/services/T0/B0/x`;
			scenario.emulator.clearRequests();
			try {
				const data = await runToCompletion(
					scenario,
					loadExample('image-link-to-posted-link', {
						credentials: { viewComfyApi: HOSTED_CREDENTIAL },
						replace: [
							['https://example.com/PASTE-A-PHOTO-LINK.png', `${urls.file}?${QUERY}`],
							['https://hooks.slack.com/services/PASTE/YOUR/WEBHOOK', webhook],
						],
					}),
				);
				items = nodeOutput(data, 'ViewComfy');
				sent = [...scenario.emulator.requests];
			} finally {
				await new Promise<void>((resolve) => receiver.close(() => resolve()));
			}
		}, SCENARIO_TIMEOUT_MS);

		it('sent the photo from the link and posted each result’s link; nothing was downloaded into n8n', async () => {
			const [submit] = sent.filter((request) => request.kind === 'hosted-submit');
			expect(submit.files.map((file) => file.sha256)).toEqual([sha256(input)]);
			expect(sent.filter((request) => request.kind === 'download')).toEqual([]);
			expect(posts.map((post) => post.text)).toEqual(
				items.map((item) => `New image ${String(item.json.fileName)}: ${String(item.json.url)} (link valid until ${String(item.json.expiresAt)})`),
			);
			const posted = /: (\S+) \(link valid/.exec(posts[0].text)![1];
			expect(pngSize(Buffer.from(await (await fetch(posted)).arrayBuffer()))).toEqual({ width: 512, height: 512 });
		});
	});

	it('leaves the client secret nowhere in n8n’s records, files or logs', () => expectSecretNowhere(scenario), SCENARIO_TIMEOUT_MS);
});
