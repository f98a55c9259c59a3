/** The authored view_comfy.json fixtures and the generated large template (test/fixtures). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ComfyWorkflow } from '../../../nodes/ViewComfy/helpers/interfaces';
import { parseViewComfyFile, selectAppWorkflow, type ViewComfyApp } from '../../../nodes/ViewComfy/helpers/viewComfyApp';
import { parseWorkflowJson } from '../../../nodes/ViewComfy/helpers/workflow';

const FIXTURES = join(__dirname, '../../fixtures');

export function appFixtureText(name: string): string {
	return readFileSync(join(FIXTURES, 'apps', name), 'utf8');
}

/** `studio.view_comfy.json`: three workflows covering every valueType, hidden and deleted inputs. */
export function studioApp(title = ''): ViewComfyApp {
	return selectAppWorkflow(parseViewComfyFile(appFixtureText('studio.view_comfy.json'), 'studio'), title, 'studio');
}

export function largeWorkflowText(): string {
	return readFileSync(join(FIXTURES, 'large', 'consistent_character.workflow_api.json'), 'utf8');
}

export function largeWorkflow(): ComfyWorkflow {
	return parseWorkflowJson(largeWorkflowText(), 'large');
}

export function largeAppText(): string {
	return readFileSync(join(FIXTURES, 'large', 'consistent_character.view_comfy.json'), 'utf8');
}
