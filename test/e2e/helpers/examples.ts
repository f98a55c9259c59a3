/**
 * The importable workflows in examples/, as the e2e scenarios run them: the file a user imports,
 * with only what differs on this machine swapped in (the credentials the test imported, a trigger
 * time, a folder n8n may write to). The examples are the single source of these scenarios.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { WorkflowSpec } from '../../../scripts/n8n/instance';
import { REPO_ROOT } from '../../../scripts/n8n/paths';
import { n8nId } from './workflow-builder';

/** Every example a user starts from; each is run by an e2e scenario (checked by test/unit/examples.test.ts). */
export const EXAMPLE_NAMES = [
	'scheduled-batch-to-disk',
	'webhook-returns-image',
	'email-attachment',
	'hosted-submit-now',
	'hosted-collect-later',
	'ai-agent-tool',
	'image-link-to-posted-link',
] as const;
export type ExampleName = (typeof EXAMPLE_NAMES)[number];

export const examplePath = (name: ExampleName): string => join(REPO_ROOT, 'examples', `${name}.workflow.json`);

interface ExampleNode {
	name: string;
	type: string;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
}

export interface ExampleWorkflow extends WorkflowSpec {
	nodes: ExampleNode[];
}

export interface ExampleEdits {
	/** Credential type → the credential the test imported, for every node that uses that type. */
	credentials?: Record<string, { id: string; name: string }>;
	/** Node name → parameters merged over the example's (e.g. a trigger time). */
	parameters?: Record<string, Record<string, unknown>>;
	/** Text replaced in every string parameter (e.g. the example's folder → one n8n may write to). */
	replace?: Array<[string, string]>;
}

/** The example file exactly as a user imports it. */
export function readExample(name: ExampleName): ExampleWorkflow {
	return JSON.parse(readFileSync(examplePath(name), 'utf8')) as ExampleWorkflow;
}

/** A node of the example by name; fails when the example has no such node (the edits would miss). */
export function exampleNode(workflow: ExampleWorkflow, name: string): ExampleNode {
	const node = workflow.nodes.find((n) => n.name === name);
	if (!node) throw new Error(`The example has no node "${name}"; it has ${workflow.nodes.map((n) => `"${n.name}"`).join(', ')}`);
	return node;
}

function replaceInStrings(value: unknown, replace: Array<[string, string]>): unknown {
	if (typeof value === 'string') return replace.reduce((text, [from, to]) => text.split(from).join(to), value);
	if (Array.isArray(value)) return value.map((v) => replaceInStrings(v, replace));
	if (value && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceInStrings(v, replace)]));
	}
	return value;
}

/**
 * The example with the test's edits and a fresh id, so one n8n can import it more than once.
 * Every edit must hit: a credential type no node uses, a node that is not there or a text that
 * appears nowhere is an error, so an example that drifts from its test fails loudly.
 */
export function loadExample(name: ExampleName, edits: ExampleEdits = {}): ExampleWorkflow {
	const workflow = readExample(name);
	for (const [type, ref] of Object.entries(edits.credentials ?? {})) {
		const users = workflow.nodes.filter((node) => node.credentials?.[type]);
		if (!users.length) throw new Error(`No node of example "${name}" uses a ${type} credential`);
		for (const node of users) node.credentials![type] = ref;
	}
	for (const [nodeName, parameters] of Object.entries(edits.parameters ?? {})) {
		const node = exampleNode(workflow, nodeName);
		node.parameters = { ...node.parameters, ...parameters };
	}
	for (const [from] of edits.replace ?? []) {
		if (!JSON.stringify(workflow.nodes.map((node) => node.parameters)).includes(JSON.stringify(from).slice(1, -1))) {
			throw new Error(`Example "${name}" has no parameter containing "${from}"`);
		}
	}
	for (const node of workflow.nodes) node.parameters = replaceInStrings(node.parameters, edits.replace ?? []) as Record<string, unknown>;
	return { ...workflow, id: n8nId() };
}
