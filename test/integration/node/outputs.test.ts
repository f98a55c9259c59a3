/**
 * How generated files become items: one per file or all on one item, with the file names and
 * content types ViewComfy reports, for a video workflow with subgraph node ids.
 */
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { InputItem, RunResult } from '../../harness';
import {
	expectSuccess,
	fixtureJson,
	inferRequests,
	mappedFields,
	runAgainst,
	sentParams,
	sha256,
	useEmulator,
} from './support';


// An MP4 and a WAV header are enough: the emulator echoes uploads without decoding them.
const clip = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(300, 7)]);
const voice = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4, 0), Buffer.from('WAVEfmt '), Buffer.alloc(200, 3)]);

const input: InputItem[] = [
	{
		json: { idea: 'a fox in the snow' },
		binary: {
			clip: { data: clip, fileName: 'input-clip.mp4', mimeType: 'video/mp4' },
			voice: { data: voice, fileName: 'voice-over.wav', mimeType: 'audio/wav' },
		},
	},
];

/** video_subgraph plus a Preview Image of the sampler's frames, sent as the override. */
function workflowWithPreview(): string {
	const workflow = fixtureJson('video_subgraph') as Record<string, unknown>;
	workflow['70'] = { inputs: { images: ['54:73', 0] }, class_type: 'PreviewImage', _meta: { title: 'Preview Image' } };
	return JSON.stringify(workflow);
}

const parameters = (outputMode: string, options: INodeParameters = {}): INodeParameters => ({
	operation: 'runWorkflow',
	workflowSource: 'paste',
	workflowJson: workflowWithPreview(),
	sendWorkflowOverride: true,
	parameters: mappedFields({ '54:71-inputs-text': '={{ $json.idea }}' }),
	fileInputs: {
		file: [
			{ key: '12-inputs-video', binaryProperty: 'clip' },
			{ key: '20-inputs-audio', binaryProperty: 'voice' },
		],
	},
	outputMode,
	options,
});

async function filesOf(result: RunResult, item: INodeExecutionData) {
	return await Promise.all(
		Object.entries(item.binary ?? {}).map(async ([property, binary]) => ({
			property,
			fileName: binary.fileName,
			mimeType: binary.mimeType,
			sha256: sha256(await result.binaryBuffer(item, property)),
		})),
	);
}

const env = useEmulator('video_subgraph');

it('gives one item per file: the video, the preview image and the echoed uploads, typed', async () => {
	const result = await runAgainst(env.emulator, { input, parameters: parameters('itemPerFile') });
	const items = expectSuccess(result);
	const request = inferRequests(env.emulator)[0];
	expect(sentParams(request)).toEqual({ '54:71-inputs-text': 'a fox in the snow' });
	expect(request.files.map((file) => file.field)).toEqual(['12-inputs-video', '20-inputs-audio']);

	const files = (await Promise.all(items.map((item) => filesOf(result, item)))).flat();
	expect(files.every((file) => file.property === 'data')).toBe(true);
	const byName = Object.fromEntries(files.map((file) => [file.fileName, file]));
	expect(byName['fox-run_00001.mp4']?.mimeType).toBe('video/mp4');
	const preview = files.find((file) => /^ComfyUI_temp_[a-z]{5}_00001_\.png$/.test(file.fileName ?? ''));
	expect(preview?.mimeType).toBe('image/png');
	expect(byName['voice-over.wav']).toMatchObject({ mimeType: 'audio/wav', sha256: sha256(voice) });
	expect(byName['input-clip.mp4']).toMatchObject({ mimeType: 'video/mp4', sha256: sha256(clip) });
	expect(items).toHaveLength(4);
	expect(items.map((item) => (item.json.file as { index: number }).index)).toEqual([0, 1, 2, 3]);
	for (const item of items) {
		expect(item.json.file).toMatchObject({ fileName: item.binary?.data.fileName, mimeType: item.binary?.data.mimeType });
	}
});

it('puts every file on one item as data_0, data_1, … with All Files on One Item', async () => {
	const perFile = expectSuccess(await runAgainst(env.emulator, { input, parameters: parameters('itemPerFile') }));
	const result = await runAgainst(env.emulator, { input, parameters: parameters('allOnOneItem') });
	const items = expectSuccess(result);
	expect(items).toHaveLength(1);
	const [item] = items;
	expect(Object.keys(item.binary ?? {})).toEqual(['data_0', 'data_1', 'data_2', 'data_3']);
	expect(item.pairedItem).toEqual({ item: 0 });
	// Same files, same order as in item-per-file mode.
	expect((await filesOf(result, item)).map((file) => file.fileName)).toEqual(
		perFile.map((single) => single.binary?.data.fileName),
	);
	const listed = item.json.files as Array<{ fileName: string; mimeType: string }>;
	expect(listed.map((file) => file.fileName)).toEqual(Object.values(item.binary!).map((binary) => binary.fileName));
	expect(item.json.file).toBeUndefined();
});

it('names the binary properties after Output Binary Property', async () => {
	const result = await runAgainst(env.emulator, {
		input,
		parameters: parameters('allOnOneItem', { binaryPropertyName: 'media' }),
	});
	const [item] = expectSuccess(result);
	expect(Object.keys(item.binary ?? {})).toEqual(['media_0', 'media_1', 'media_2', 'media_3']);
});
