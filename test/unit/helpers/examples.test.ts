/** The example workflows for each field source open with the fields they map, and those values build. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toAppMapperFields, toMapperFields } from '../../../nodes/ViewComfy/helpers/mapperFields';
import { buildParams } from '../../../nodes/ViewComfy/helpers/params';
import { parseViewComfyFile, readAppFieldValues, selectAppWorkflow } from '../../../nodes/ViewComfy/helpers/viewComfyApp';
import { parseWorkflowJson } from '../../../nodes/ViewComfy/helpers/workflow';

/** The ViewComfy node's parameters that these tests read, as an example file stores them. */
interface ExampleParameters {
	workflowSource?: string;
	viewComfyJson: string;
	appWorkflow: string;
	appInputs: { value: Record<string, unknown> };
	workflowJson: string;
	parameters: { value: Record<string, unknown> };
}

function viewComfyNode(file: string): ExampleParameters {
	const workflow = JSON.parse(readFileSync(join(__dirname, '../../../examples', file), 'utf8')) as { nodes: Array<{ type: string; parameters: ExampleParameters }> };
	return workflow.nodes.find((node) => node.type === 'n8n-nodes-viewcomfy.viewComfy')!.parameters;
}

describe('examples', () => {
	it('view-comfy-app.json: the mapped prompt is a shown App Input and is sent', () => {
		const parameters = viewComfyNode('view-comfy-app.json');
		expect(parameters.workflowSource).toBe('viewComfyApp');
		const app = selectAppWorkflow(parseViewComfyFile(parameters.viewComfyJson, 'example'), parameters.appWorkflow, 'example');
		const mapped = Object.keys(parameters.appInputs.value);
		expect(mapped).toEqual(['6-inputs-text']);
		expect(toAppMapperFields(app).map((field) => field.id)).toEqual(expect.arrayContaining(mapped));
		const values = readAppFieldValues(app, { '6-inputs-text': 'a fox' }, 'App Inputs');
		expect(buildParams({ workflow: app.workflow, fields: values.fields, seedKeys: values.seedKeys, seedMode: 'whenEmpty' }).params).toEqual({ '6-inputs-text': 'a fox' });
	});

	it('large-workflow-short-list.json: the mapped prompt is the first of at most 30 shown fields', () => {
		const parameters = viewComfyNode('large-workflow-short-list.json');
		const fields = toMapperFields(parseWorkflowJson(parameters.workflowJson, 'example'));
		const shown = fields.filter((field) => !field.removed);
		expect(shown.length).toBeLessThanOrEqual(30);
		expect(shown[0].id).toBe(Object.keys(parameters.parameters.value)[0]);
	});
});
