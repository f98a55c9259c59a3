import { fileMetadata, planOutputItems, type OutputFileInfo } from '../../../nodes/ViewComfy/helpers/outputPlan';

const files: OutputFileInfo[] = [
	{ index: 0, fileName: 'ComfyUI_00001_.png', mimeType: 'image/png', fileSize: 1234 },
	{ index: 1, fileName: 'fox-run.mp4', mimeType: 'video/mp4', fileSize: 99_000_000 },
	{ index: 3, fileName: 'notes', mimeType: 'text/plain', fileSize: 0 },
];

describe('planOutputItems', () => {
	it('itemPerFile: one item per file, each on the binary property', () => {
		expect(planOutputItems(files, 'itemPerFile', 'data')).toEqual([
			{ files: [{ property: 'data', file: files[0] }] },
			{ files: [{ property: 'data', file: files[1] }] },
			{ files: [{ property: 'data', file: files[2] }] },
		]);
	});

	it('allOnOneItem: one item with numbered properties in file order', () => {
		expect(planOutputItems(files, 'allOnOneItem', 'image')).toEqual([
			{
				files: [
					{ property: 'image_0', file: files[0] },
					{ property: 'image_1', file: files[1] },
					{ property: 'image_2', file: files[2] },
				],
			},
		]);
	});

	it.each(['itemPerFile', 'allOnOneItem'] as const)('%s: no files → one item without binaries', (mode) => {
		expect(planOutputItems([], mode, 'data')).toEqual([{ files: [] }]);
	});

	it('uses "data" when the property name is blank, and trims it', () => {
		expect(planOutputItems(files.slice(0, 1), 'itemPerFile', '  ')[0].files[0].property).toBe('data');
		expect(planOutputItems(files.slice(0, 1), 'allOnOneItem', '')[0].files[0].property).toBe('data_0');
		expect(planOutputItems(files.slice(0, 1), 'itemPerFile', ' out ')[0].files[0].property).toBe('out');
	});
});

describe('fileMetadata', () => {
	it('describes a file without its bytes, with the extension when there is one', () => {
		expect(fileMetadata(files[1])).toEqual({
			index: files[1].index,
			fileName: 'fox-run.mp4',
			mimeType: 'video/mp4',
			fileSize: 99_000_000,
			fileExtension: 'mp4',
		});
		expect(fileMetadata(files[2])).toEqual({
			index: files[2].index,
			fileName: 'notes',
			mimeType: 'text/plain',
			fileSize: 0,
		});
		expect(JSON.parse(JSON.stringify(fileMetadata(files[0])))).toEqual(fileMetadata(files[0]));
	});
});

describe('fileMetadata of a file shown by its link', () => {
	const link = 'https://storage.example/out/a.png?X-Amz-Date=20261208T001500Z&X-Amz-Expires=3600&X-Amz-Signature=abc';

	it('adds the url and, when the link says, when it expires', () => {
		expect(fileMetadata({ index: 0, fileName: 'a.png', mimeType: 'image/png', fileSize: 10, link })).toEqual({
			index: 0,
			fileName: 'a.png',
			mimeType: 'image/png',
			fileSize: 10,
			fileExtension: 'png',
			url: link,
			expiresAt: '2026-12-08T01:15:00.000Z',
		});
	});

	it('leaves out what is unknown: the size the API did not declare, the expiry a plain link does not state', () => {
		expect(fileMetadata({ index: 2, fileName: 'b', mimeType: 'application/octet-stream', link: 'https://cdn.example/b' })).toEqual({
			index: 2,
			fileName: 'b',
			mimeType: 'application/octet-stream',
			url: 'https://cdn.example/b',
		});
	});
});
