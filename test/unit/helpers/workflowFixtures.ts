/** Test helpers shared by the helper tests: the sample workflows and catching a thrown error. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ComfyWorkflow } from '../../../nodes/ViewComfy/helpers/interfaces';
import { UserInputError } from '../../../nodes/ViewComfy/helpers/userInputError';
import { parseWorkflowJson } from '../../../nodes/ViewComfy/helpers/workflow';

export const WORKFLOW_DIR = join(__dirname, '../../fixtures/workflows');

export function fixtureNames(): string[] {
	return readdirSync(WORKFLOW_DIR)
		.filter((name) => name.endsWith('.json'))
		.sort();
}

export function fixtureText(name: string): string {
	return readFileSync(join(WORKFLOW_DIR, name), 'utf8');
}

export function loadWorkflow(name: string): ComfyWorkflow {
	return parseWorkflowJson(fixtureText(name), name);
}

/** The UserInputError `run` throws; fails the test when it throws nothing or something else. */
export function userErrorOf(run: () => unknown): UserInputError {
	try {
		run();
	} catch (error) {
		if (error instanceof UserInputError) return error;
		throw new Error(`expected a UserInputError, got ${String(error)}`);
	}
	throw new Error('expected a UserInputError, but nothing was thrown');
}
