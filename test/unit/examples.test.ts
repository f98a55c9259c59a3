/**
 * examples/: every workflow there is importable as it stands (nodes wired to nodes that exist,
 * the pasted ComfyUI workflow in API format, every mapped key one the workflow has) and is run by
 * an e2e scenario in a real n8n, so none can go stale unnoticed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { flattenWorkflow } from '../../nodes/ViewComfy/helpers/flatten';
import { parseWorkflowJson } from '../../nodes/ViewComfy/helpers/workflow';
import { EXAMPLE_NAMES, readExample } from '../e2e/helpers/examples';

const EXAMPLES_DIR = resolve(__dirname, '../../examples');
const E2E_DIR = resolve(__dirname, '../e2e');
/** Run by test/e2e/demo.test.ts through scripts/demo.ts. */
const DEMO = 'demo';

const exampleFiles = readdirSync(EXAMPLES_DIR)
	.filter((name) => name.endsWith('.workflow.json'))
	.map((name) => name.slice(0, -'.workflow.json'.length));
const e2eSources = readdirSync(E2E_DIR)
	.filter((name) => name.endsWith('.test.ts'))
	.map((name) => readFileSync(join(E2E_DIR, name), 'utf8'))
	.join('\n');

it('every example file is a known example, and each known example is loaded by an e2e test', () => {
	expect(exampleFiles.filter((name) => name !== DEMO).sort()).toEqual([...EXAMPLE_NAMES].sort());
	for (const name of EXAMPLE_NAMES) expect({ name, inE2e: e2eSources.includes(`'${name}'`) }).toEqual({ name, inE2e: true });
});

describe.each(EXAMPLE_NAMES)('%s', (name) => {
	const workflow = readExample(name);

	it('has a name, unique node names and connections between nodes that exist', () => {
		expect(typeof workflow.name).toBe('string');
		const names = workflow.nodes.map((node) => node.name);
		expect(new Set(names).size).toBe(names.length);
		for (const [from, outputs] of Object.entries(workflow.connections)) {
			expect(names).toContain(from);
			// Every connection type: main, and an agent's ai_tool / ai_languageModel.
			const byType = outputs as Record<string, Array<Array<{ node: string }> | null>>;
			const targets = Object.values(byType)
				.flatMap((lists) => lists.flatMap((list) => list ?? []))
				.map((c) => c.node);
			expect(targets.length).toBeGreaterThan(0);
			for (const target of targets) expect(names).toContain(target);
		}
	});

	it('pastes an API-format workflow into ViewComfy and maps only keys that workflow has', () => {
		const viewComfyNodes = workflow.nodes.filter((n) => /^n8n-nodes-viewcomfy\.viewComfy(Tool)?$/.test(n.type));
		expect(viewComfyNodes.length).toBeGreaterThan(0);
		for (const node of viewComfyNodes) {
			expect(node.credentials?.viewComfyApi).toBeDefined();
			if (node.parameters.workflowSource !== 'paste') continue;
			const keys = new Set(flattenWorkflow(parseWorkflowJson(String(node.parameters.workflowJson), 'workflowJson')).map((p) => p.key));
			const mapped = Object.keys((node.parameters.parameters as { value?: Record<string, unknown> } | undefined)?.value ?? {});
			expect(mapped.length).toBeGreaterThan(0);
			for (const key of mapped) expect(keys).toContain(key);
		}
	});
});
