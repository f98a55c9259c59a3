/**
 * The few n8n editor screens the browser test walks through, by the data-test-id hooks n8n's own
 * end-to-end tests use (stable across 2.x releases, unlike CSS classes).
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { REPO_ROOT } from '../../../scripts/n8n/paths';

export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
	await page.goto(`${baseUrl}/signin`);
	await page.locator('input[name="emailOrLdapLoginId"]').fill(email);
	await page.locator('input[name="password"]').fill(password);
	await page.getByTestId('form-submit-button').click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
}

const OPEN_NODE_ATTEMPTS = 3;
const EDITOR_LOAD_TIMEOUT_MS = 120_000;

/**
 * Opens a workflow and the node details view (NDV) of one of its nodes. On a loaded machine a
 * double-click can land while the freshly loaded canvas is still settling and be lost (seen with
 * n8n 1.123's editor: the double-click never completed); it is then made again, unless the NDV
 * has opened meanwhile (it covers the canvas, so a second double-click could not reach the node).
 */
export async function openNode(page: Page, baseUrl: string, workflowId: string, nodeName: string): Promise<Locator> {
	// Loading the editor took over 30 s (Playwright's default) with the machine's 2 cores shared by six test runs.
	await page.goto(`${baseUrl}/workflow/${workflowId}`, { timeout: EDITOR_LOAD_TIMEOUT_MS });
	const node = page.getByTestId('canvas-node').filter({ hasText: nodeName });
	const ndv = page.getByTestId('ndv');
	for (let attempt = 1; ; attempt++) {
		if (await ndv.isVisible()) return ndv;
		try {
			await node.dblclick({ timeout: 30_000 });
			await ndv.waitFor({ timeout: 30_000 });
			return ndv;
		} catch (error) {
			if (attempt >= OPEN_NODE_ATTEMPTS) {
				await page.screenshot({ path: screenshotPath(`open-node-failed-${workflowId}.png`) });
				throw error;
			}
		}
	}
}

/**
 * The bytes behind an image the editor shows. n8n 2.x (filesystem binary mode by default) points
 * it at its binary-data endpoint; n8n 1.x in its default in-memory mode inlines it as a data: URL.
 */
export async function imageBytes(page: Page, src: string, baseUrl: string): Promise<Buffer> {
	if (src.startsWith('data:')) {
		// data:[<media type>][;<parameter>…][;base64],<data>
		const comma = src.indexOf(',');
		const payload = src.slice(comma + 1);
		return src.slice(0, comma).split(';').includes('base64') ? Buffer.from(payload, 'base64') : Buffer.from(decodeURIComponent(payload));
	}
	return Buffer.from(await (await page.request.get(new URL(src, baseUrl).toString())).body());
}

/** Label → shown value of every field of a resource mapper ("Values to Send"), in display order. */
export async function mappedFields(ndv: Locator): Promise<Array<{ key: string; label: string; value: string }>> {
	const container = ndv.getByTestId('mapping-fields-container');
	await container.waitFor();
	return container.locator('.parameter-item').evaluateAll((items) =>
		items.map((item) => {
			const input = item.querySelector<HTMLElement>('[data-test-id^="parameter-input-"]');
			const field = input?.querySelector<HTMLInputElement | HTMLTextAreaElement>('input, textarea');
			const label = item.querySelector('label .n8n-text, label span');
			return {
				key: input?.getAttribute('data-test-id')?.replace('parameter-input-', '') ?? '',
				label: label?.textContent?.trim() ?? '',
				value: field?.value ?? '',
			};
		}),
	);
}

/**
 * Screenshots go to docs/images when UPDATE_DOCS_IMAGES=1 (to refresh the README's pictures),
 * otherwise to a temp folder, so a test run never changes tracked files.
 */
export function screenshotPath(name: string): string {
	const dir = process.env.UPDATE_DOCS_IMAGES === '1' ? join(REPO_ROOT, 'docs', 'images') : join(tmpdir(), 'n8n-nodes-viewcomfy-screenshots');
	mkdirSync(dir, { recursive: true });
	return join(dir, name);
}
