/**
 * The node in a real n8n editor, in a real browser: a user signs in, opens the example workflow,
 * sees the pasted workflow's parameters as fields, runs it and sees the generated image.
 */
import { PNG } from 'pngjs';
import { N8nInstance } from '../../../scripts/n8n/instance';
import { OWNER } from '../../../scripts/n8n/rest';
import { startEmulator, type EmulatorHandle } from '../../emulator/server';
import { SCENARIO_TIMEOUT_MS, SETUP_TIMEOUT_MS, n8nWithNode } from '../helpers/n8n-setup';
import { launchChromium, type BrowserSession } from './chromium';
import { imageBytes, mappedFields, openNode, screenshotPath, signIn } from './editor-page';
import {
	EXAMPLE_PROMPT,
	EXAMPLE_WORKFLOW_ID,
	VIEWCOMFY_NODE_NAME,
	FRESH_PASTE_WORKFLOW_ID,
	exampleCredential,
	exampleWorkflow,
	freshPasteWorkflow,
	txt2imgWorkflowText,
} from './example-workflow';

const CLIENT_ID = 'browser-client';
const CLIENT_SECRET = 'browser-secret-5d2e';

/** What the txt2img fixture's literal inputs must look like as fields: key, label. */
const EXPECTED_FIELDS: Array<[string, string]> = [
	['3-inputs-seed', '3 · KSampler · seed'],
	['3-inputs-steps', '3 · KSampler · steps'],
	['3-inputs-cfg', '3 · KSampler · cfg'],
	['3-inputs-sampler_name', '3 · KSampler · sampler_name'],
	['3-inputs-scheduler', '3 · KSampler · scheduler'],
	['3-inputs-denoise', '3 · KSampler · denoise'],
	['4-inputs-ckpt_name', '4 · Load Checkpoint · ckpt_name'],
	['5-inputs-width', '5 · Empty Latent Image · width'],
	['5-inputs-height', '5 · Empty Latent Image · height'],
	['5-inputs-batch_size', '5 · Empty Latent Image · batch_size'],
	['6-inputs-text', '6 · CLIP Text Encode (Positive Prompt) · text'],
	['7-inputs-text', '7 · CLIP Text Encode (Negative Prompt) · text'],
	['9-inputs-filename_prefix', '9 · Save Image · filename_prefix'],
];

/** `<nodeId>-inputs-<name>` → value, for every input of the pasted fixture. */
function workflowLiterals(): Record<string, unknown> {
	const workflow = JSON.parse(txt2imgWorkflowText()) as Record<string, { inputs: Record<string, unknown> }>;
	return Object.fromEntries(
		Object.entries(workflow).flatMap(([id, node]) => Object.entries(node.inputs).map(([name, value]) => [`${id}-inputs-${name}`, value])),
	);
}

describe('e2e browser: the ViewComfy node in the n8n editor', () => {
	let emulator: EmulatorHandle;
	let instance: N8nInstance;
	let browser: BrowserSession;
	let baseUrl: string;

	beforeAll(async () => {
		const { install, tarball } = await n8nWithNode();
		emulator = await startEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
		instance = await N8nInstance.create({ install, nodePackage: tarball });
		await instance.importCredentials([exampleCredential(emulator.url, CLIENT_ID, CLIENT_SECRET)]);
		await instance.importWorkflow(exampleWorkflow());
		await instance.importWorkflow(freshPasteWorkflow());
		await instance.startServer();
		baseUrl = instance.server!.baseUrl;
		browser = await launchChromium();
		await signIn(browser.page, baseUrl, OWNER.email, OWNER.password);
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		await browser?.close();
		await instance?.dispose();
		await emulator?.close();
	}, SCENARIO_TIMEOUT_MS);

	it(
		'shows every literal input of the pasted workflow as a labelled field, the prompt set to the example’s text',
		async () => {
			const ndv = await openNode(browser.page, baseUrl, EXAMPLE_WORKFLOW_ID, VIEWCOMFY_NODE_NAME);
			const fields = await mappedFields(ndv);
			expect(fields.map((f) => [f.key, f.label])).toEqual(EXPECTED_FIELDS);
			// Every field the user left alone shows the workflow's own value (seed, width, …).
			const workflowValues = workflowLiterals();
			expect(Object.fromEntries(fields.map((f) => [f.key, f.value]))).toEqual({
				...Object.fromEntries(EXPECTED_FIELDS.map(([key]) => [key, String(workflowValues[key])])),
				'6-inputs-text': EXAMPLE_PROMPT,
			});

			await ndv.getByTestId('mapping-fields-container').scrollIntoViewIfNeeded();
			await browser.page.screenshot({ path: screenshotPath('editor-fields.png') });
		},
		SCENARIO_TIMEOUT_MS,
	);

	it(
		'fills the fields with the workflow’s values when they first load after a paste',
		async () => {
			const ndv = await openNode(browser.page, baseUrl, FRESH_PASTE_WORKFLOW_ID, VIEWCOMFY_NODE_NAME);
			const fields = await mappedFields(ndv);
			const workflowValues = workflowLiterals();
			expect(fields.map((f) => [f.key, f.value])).toEqual(
				EXPECTED_FIELDS.map(([key]) => [key, String(workflowValues[key])]),
			);
			expect(fields.find((f) => f.key === '3-inputs-seed')?.value).toBe('156680208700286');
			expect(fields.find((f) => f.key === '5-inputs-width')?.value).toBe('512');
		},
		SCENARIO_TIMEOUT_MS,
	);

	it(
		'runs the workflow from the editor and shows the generated PNG in the output panel',
		async () => {
			const page = browser.page;
			const ndv = await openNode(page, baseUrl, EXAMPLE_WORKFLOW_ID, VIEWCOMFY_NODE_NAME);
			await ndv.getByTestId('node-execute-button').click();

			const output = ndv.getByTestId('output-panel');
			await output.getByTestId('ndv-view-binary-data').waitFor({ timeout: 120_000 });
			await expect(output.getByText(/ComfyUI_\d{5}_\.png/).first().isVisible()).resolves.toBe(true);
			await expect(output.getByText('image/png').first().isVisible()).resolves.toBe(true);

			// Only the changed field is sent: the rest of the workflow keeps its own values.
			const calls = emulator.requests.filter((r) => r.kind === 'infer');
			expect(calls).toHaveLength(1);
			expect(calls[0].form?.params).toEqual({ '6-inputs-text': EXAMPLE_PROMPT });

			await output.getByTestId('ndv-view-binary-data').click();
			const image = output.locator('img').first();
			await image.waitFor();
			await page.waitForFunction((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0, await image.elementHandle());
			const size = await image.evaluate((img: HTMLImageElement) => ({ width: img.naturalWidth, height: img.naturalHeight }));
			expect(size).toEqual({ width: 512, height: 512 });

			// The picture the browser got is a whole PNG, from n8n's binary-data endpoint (or inline on 1.x).
			const src = await image.getAttribute('src');
			const bytes = await imageBytes(page, src!, baseUrl);
			const png = PNG.sync.read(bytes);
			expect([png.width, png.height]).toEqual([512, 512]);

			await page.screenshot({ path: screenshotPath('output-image.png') });
		},
		SCENARIO_TIMEOUT_MS,
	);
});
