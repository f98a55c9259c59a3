import { buildCancelBody, buildHostedSubmitForm } from '../../../nodes/ViewComfy/transport/hosted/hostedForm';

describe('buildHostedSubmitForm', () => {
	it('prompt_id, view_comfy_api_url, params (JSON), workflow_api only when given, then the files; never logs', async () => {
		const form = buildHostedSubmitForm(
			{
				params: { '6-inputs-text': 'a cat', '3-inputs-seed': 7 },
				workflowApi: '{"3":{}}',
				files: [
					{ key: '10-inputs-image', fileName: 'in.png', mimeType: 'image/png', data: Buffer.from('png') },
					{ key: '10-inputs-image-viewcomfymask', fileName: 'mask.png', mimeType: 'image/png', data: Buffer.from('mask') },
				],
			},
			'id-1',
			'https://deployment/',
		);
		const entries = [...(form as unknown as { entries(): IterableIterator<[string, FormDataEntryValue]> }).entries()];
		expect(entries.map(([name]) => name)).toEqual([
			'prompt_id',
			'view_comfy_api_url',
			'params',
			'workflow_api',
			'10-inputs-image',
			'10-inputs-image-viewcomfymask',
		]);
		expect(form.get('prompt_id')).toBe('id-1');
		expect(form.get('view_comfy_api_url')).toBe('https://deployment/');
		expect(JSON.parse(String(form.get('params')))).toEqual({ '6-inputs-text': 'a cat', '3-inputs-seed': 7 });
		const mask = form.get('10-inputs-image-viewcomfymask') as unknown as File;
		expect(mask.name).toBe('mask.png');
		expect(mask.type).toBe('image/png');
		expect(Buffer.from(await mask.arrayBuffer()).toString()).toBe('mask');
	});

	it('leaves workflow_api out when there is no override', () => {
		const form = buildHostedSubmitForm({ params: { a: 1 }, files: [] }, 'id', 'https://d/');
		expect([...(form as unknown as { keys(): IterableIterator<string> }).keys()]).toEqual(['prompt_id', 'view_comfy_api_url', 'params']);
	});
});

describe('buildCancelBody', () => {
	it("is the Python client's snake_case JSON", () => {
		expect(JSON.parse(buildCancelBody('id-1', 'https://d/'))).toEqual({ prompt_id: 'id-1', view_comfy_api_url: 'https://d/' });
	});
});
