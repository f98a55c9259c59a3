/**
 * `npm run demo` without the build step: examples/demo.workflow.json in a real n8n writes one
 * image per prompt into <workDir>/output, as the README promises.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { runDemo, type DemoResult } from '../../scripts/demo';
import { SETUP_TIMEOUT_MS } from './helpers/n8n-setup';
import { sha256 } from './helpers/scenario';

describe('e2e: npm run demo', () => {
	let workDir: string;
	let result: DemoResult;
	const lines: string[] = [];

	beforeAll(async () => {
		workDir = mkdtempSync(join(tmpdir(), 'viewcomfy-demo-'));
		result = await runDemo({ workDir, build: false, log: (line) => lines.push(line) });
	}, SETUP_TIMEOUT_MS);

	afterAll(() => rmSync(workDir, { recursive: true, force: true }));

	it('writes the three prompts’ images into <workDir>/output as 512×512 PNGs', () => {
		expect(result.images.map((image) => basename(image.path))).toEqual(['viewcomfy-lighthouse.png', 'viewcomfy-fox.png', 'viewcomfy-boat.png']);
		for (const image of result.images) {
			expect(image.path.startsWith(join(workDir, 'output'))).toBe(true);
			expect(image).toMatchObject({ width: 512, height: 512 });
		}
		expect(new Set(result.images.map((image) => sha256(readFileSync(image.path)))).size).toBe(3);
	});

	it('reports what it used: n8n version and the emulator', () => {
		expect(result.n8nVersion).toMatch(/^\d+\.\d+\.\d+$/);
		expect(result.emulatorUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(lines.join('\n')).toContain(`n8n ${result.n8nVersion}`);
	});
});
