/**
 * Debian's Chromium driven by playwright-core: no browser download (none is reachable here),
 * quiet (no update, sync or telemetry traffic) and a fresh profile per launch.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, selectors, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const QUIET_FLAGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-quic',
	'--no-first-run',
	'--disable-component-update',
	'--disable-sync',
];

export interface BrowserSession {
	context: BrowserContext;
	page: Page;
	close(): Promise<void>;
}

// n8n's editor marks its elements with data-test-id, not Playwright's default data-testid.
selectors.setTestIdAttribute('data-test-id');

export async function launchChromium(viewport = { width: 1440, height: 1000 }): Promise<BrowserSession> {
	if (!existsSync(CHROMIUM_PATH)) {
		throw new Error(`No Chromium at ${CHROMIUM_PATH}. Install it with: bash scripts/ensure-system-packages.sh (or set CHROMIUM_PATH).`);
	}
	const profile = mkdtempSync(join(tmpdir(), 'viewcomfy-chromium-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM_PATH,
		headless: true,
		args: QUIET_FLAGS,
		viewport,
	});
	const page = context.pages()[0] ?? (await context.newPage());
	return {
		context,
		page,
		close: async () => {
			await context.close();
			rmSync(profile, { recursive: true, force: true });
		},
	};
}
