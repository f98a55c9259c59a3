/**
 * `npm run demo`: the whole chain on this machine, no ViewComfy account needed. Builds the node,
 * starts the local ViewComfy emulator, installs (first run) or reuses n8n, installs the packed node
 * into a fresh n8n, runs examples/demo.workflow.json there, and prints the images n8n wrote to ./output.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { PNG } from 'pngjs';
import { startEmulator } from '../test/emulator/server';
import { ensureN8n } from './n8n/ensure-n8n';
import { N8nInstance, type WorkflowSpec } from './n8n/instance';
import { packNode } from './n8n/pack';
import { n8nVersion, REPO_ROOT } from './n8n/paths';
import { nodeOutput } from './n8n/run-data';

export const DEMO_WORKFLOW = join(REPO_ROOT, 'examples', 'demo.workflow.json');
const DEPLOYED_WORKFLOW = join(REPO_ROOT, 'examples', 'workflows', 'txt2img.workflow_api.json');
/** The node whose output lists the files n8n wrote. */
const SAVE_NODE = 'Save to ./output';

export interface DemoOptions {
	/** n8n runs here; the images land in `<workDir>/output`. */
	workDir: string;
	/** Run `npm run build` first (the e2e test builds once for all scenarios). */
	build?: boolean;
	log?: (line: string) => void;
}

export interface DemoImage {
	path: string;
	bytes: number;
	width: number;
	height: number;
}

export interface DemoResult {
	images: DemoImage[];
	seconds: number;
	n8nVersion: string;
	emulatorUrl: string;
}

const since = (start: number) => `${((Date.now() - start) / 1000).toFixed(1)} s`;

function buildPackage(log: (line: string) => void): Promise<void> {
	const started = Date.now();
	log('Building the node (npm run build)...');
	return new Promise((resolvePromise, reject) => {
		const child = spawn('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
		child.on('error', reject);
		child.on('close', (code) => {
			if (code === 0) {
				log(`  built in ${since(started)}`);
				resolvePromise();
			} else {
				reject(new Error(`npm run build failed (exit ${code}):\n${output}`));
			}
		});
	});
}

type NodeWithCredentials = { credentials?: Record<string, { id: string; name: string }> };

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
	const log = options.log ?? ((line: string) => console.log(line));
	const started = Date.now();
	if (options.build !== false) await buildPackage(log);

	const workflow = JSON.parse(readFileSync(DEMO_WORKFLOW, 'utf8')) as WorkflowSpec;
	const nodes = workflow.nodes as NodeWithCredentials[];
	const credential = nodes.find((node) => node.credentials?.viewComfyApi)?.credentials?.viewComfyApi;
	if (!credential) throw new Error(`${DEMO_WORKFLOW} has no node with a ViewComfy credential`);

	// A fresh secret each run: the emulator is the only thing that knows it.
	const clientSecret = `demo-${randomBytes(12).toString('hex')}`;
	const emulator = await startEmulator({ workflow: DEPLOYED_WORKFLOW, clientId: 'demo', clientSecret, behaviour: { latencyMs: 1200 } });
	log(`ViewComfy emulator listening at ${emulator.url} (deployed workflow: examples/workflows/txt2img.workflow_api.json)`);

	let instance: N8nInstance | undefined;
	try {
		const version = n8nVersion();
		const installStarted = Date.now();
		const install = await ensureN8n(version, log);
		log(install.reused ? `n8n ${version} ready (cached in ${install.dir})` : `n8n ${version} installed in ${since(installStarted)}`);

		const packStarted = Date.now();
		const tarball = await packNode();
		const outputDir = join(options.workDir, 'output');
		mkdirSync(outputDir, { recursive: true });
		instance = await N8nInstance.create({ install, nodePackage: tarball, cwd: options.workDir, fileAccessDirs: [outputDir] });
		log(`Packed the node and installed it into a fresh n8n as a community package in ${since(packStarted)}`);

		await instance.importCredentials([
			{ ...credential, type: 'viewComfyApi', data: { endpointUrl: emulator.url, clientId: 'demo', clientSecret } },
		]);
		const id = await instance.importWorkflow(workflow);
		const runStarted = Date.now();
		log(`Running "${workflow.name}" (n8n execute --id=${id})...`);
		const result = await instance.execute(id);
		if (!result.ok) throw new Error(`The demo workflow failed in n8n:\n${result.output.slice(-4000)}`);
		log(`  n8n finished in ${since(runStarted)}`);

		const images = nodeOutput(result.run!.data, SAVE_NODE).map((item): DemoImage => {
			const path = resolve(options.workDir, String(item.json.fileName));
			if (!existsSync(path)) throw new Error(`n8n reported writing ${path}, but it is not there`);
			const bytes = readFileSync(path);
			const png = PNG.sync.read(bytes);
			return { path, bytes: bytes.length, width: png.width, height: png.height };
		});
		return { images, seconds: (Date.now() - started) / 1000, n8nVersion: version, emulatorUrl: emulator.origin };
	} finally {
		await instance?.dispose();
		await emulator.close();
	}
}

async function main(): Promise<void> {
	const result = await runDemo({ workDir: REPO_ROOT });
	const shown = (path: string) => `./${relative(process.cwd(), path)}`;
	console.log('');
	for (const image of result.images) console.log(`  ${shown(image.path)}  ${image.width}x${image.height} PNG, ${image.bytes} bytes`);
	console.log('');
	console.log(
		`${result.images.length} images written to ${shown(join(REPO_ROOT, 'output'))} in ${result.seconds.toFixed(1)} s ` +
			`(n8n ${result.n8nVersion}, emulator at ${result.emulatorUrl})`,
	);
}

if (require.main === module) {
	main().catch((error: unknown) => {
		console.error(`\nThe demo failed: ${error instanceof Error ? error.message : String(error)}`);
		process.exit(1);
	});
}
