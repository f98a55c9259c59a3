/**
 * Rows for hostile or incomplete output metadata: file names that climb directories, are
 * absolute, hide NUL bytes or run to 300 characters, and outputs without a content type.
 *
 * The emulator gives NUL and long names (through a workflow filename_prefix) and a generic
 * content type (through an echoed upload). Names with `/` and a missing `content_type` come
 * from a scripted server: the emulator keeps only the last segment of a prefix, and busboy
 * strips directories from upload names before they could be echoed.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { freshEmulator } from '../support/emulators';
import { faultCase } from '../support/faultCase';
import { RESULT_MODES, img2imgJson, mappedFields, runNode, type ResultMode } from '../support/nodeRun';
import { errorSummary } from '../support/observe';
import { startScriptedServer, tinyPng, type ScriptedOutput } from '../support/scriptedServer';

const fileNames = (items: readonly INodeExecutionData[]) => items.map((item) => item.binary?.data?.fileName);
const mimeTypes = (items: readonly INodeExecutionData[]) => items.map((item) => item.binary?.data?.mimeType);
const shown = (names: ReadonlyArray<string | undefined>) => names.map((n) => JSON.stringify(n)).join(', ');

/** A base name a file system will take as is, in the current directory. */
function isSafeBaseName(name: string | undefined): boolean {
	return (
		typeof name === 'string' &&
		name.length > 0 &&
		name.length <= 200 &&
		!/[\\/]/.test(name) &&
		![...name].some((c) => c.charCodeAt(0) < 0x20) &&
		!name.startsWith('.')
	);
}

async function runScripted(mode: ResultMode, outputs: ScriptedOutput[]) {
	const server = await startScriptedServer([{ kind: 'result', mode, outputs }]);
	try {
		return await runNode({ endpointUrl: server.url, mode });
	} finally {
		await server.close();
	}
}

export function registerFileCases(): void {
	describe('output file names and types', () => {
		for (const mode of RESULT_MODES) {
			faultCase(
				{
					fault: 'Output names ../../x.png, /etc/passwd, ..\\..\\win.png, C:\\…\\evil.dll, "..", "" (scripted server)',
					mode,
					expected: 'each sanitised to a safe base name (fallback output_<n> when nothing is left), bytes intact',
				},
				async (ctx) => {
					const png = tinyPng();
					const hostile = ['../../x.png', '/etc/passwd', '..\\..\\win.png', 'C:\\Windows\\System32\\evil.dll', '..', ''];
					const run = await runScripted(
						mode,
						hostile.map((filename) => ({ filename, contentType: 'image/png', data: png })),
					);
					ctx.observe(`names became ${shown(fileNames(run.items))}`);
					expect(errorSummary(run)).toBe('no error');
					expect(fileNames(run.items)).toEqual(['x.png', 'passwd', 'win.png', 'evil.dll', 'output_4', 'output_5']);
					for (const item of run.items) {
						expect((item.json.file as { fileName: string }).fileName).toBe(item.binary?.data?.fileName);
						expect((await run.binaryBuffer(item)).equals(png)).toBe(true);
					}
				},
			);

			faultCase(
				{
					fault: 'Output name with a NUL byte (workflow filename_prefix)',
					mode,
					expected: 'NUL removed, a safe base name',
				},
				async (ctx) => {
					const emulator = await freshEmulator();
					const run = await runNode({
						endpointUrl: emulator.url,
						mode,
						parameters: mappedFields({ '9-inputs-filename_prefix': 'evil\u0000name' }),
					});
					const names = fileNames(run.items);
					ctx.observe(`"evil\\u0000name_00001_.png" became ${shown(names)}`);
					expect(errorSummary(run)).toBe('no error');
					expect(names).toEqual(['evilname_00001_.png']);
				},
			);

			faultCase(
				{
					fault: 'Output name of 311 characters (300-character filename_prefix)',
					mode,
					expected: 'shortened to at most 200 characters, extension kept',
				},
				async (ctx) => {
					const emulator = await freshEmulator();
					const prefix = 'p'.repeat(300);
					const run = await runNode({
						endpointUrl: emulator.url,
						mode,
						parameters: mappedFields({ '9-inputs-filename_prefix': prefix }),
					});
					const [name] = fileNames(run.items);
					ctx.observe(`${prefix.length + '_00001_.png'.length} characters became ${name?.length ?? 'none'}, ending "${name?.slice(-8)}"`);
					expect(errorSummary(run)).toBe('no error');
					expect(isSafeBaseName(name)).toBe(true);
					expect(name).toMatch(/^p+.*\.png$/);
				},
			);

			faultCase(
				{
					fault: 'Outputs without content_type (scripted server)',
					mode,
					expected: 'type inferred from the extension, else application/octet-stream',
				},
				async (ctx) => {
					const data = tinyPng();
					const run = await runScripted(mode, [
						{ filename: 'render.webp', data },
						{ filename: 'clip.MP4', data },
						{ filename: 'weights.unknownext', data },
						{ filename: 'README', data },
					]);
					ctx.observe(`types ${shown(mimeTypes(run.items))}`);
					expect(errorSummary(run)).toBe('no error');
					expect(mimeTypes(run.items)).toEqual(['image/webp', 'video/mp4', 'application/octet-stream', 'application/octet-stream']);
				},
			);

			faultCase(
				{
					fault: 'Output with the generic type application/octet-stream (echoed upload photo.webp)',
					mode,
					expected: 'type inferred from the extension: image/webp; bytes echoed intact',
				},
				async (ctx) => {
					const emulator = await freshEmulator();
					const upload = Buffer.concat([Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1'), Buffer.alloc(64, 7)]);
					const run = await runNode({
						endpointUrl: emulator.url,
						mode,
						parameters: {
							workflowJson: img2imgJson(),
							sendWorkflowOverride: true,
							fileInputs: { file: [{ key: '10-inputs-image', binaryProperty: 'data' }] },
						},
						input: [{ json: {}, binary: { data: { data: upload, fileName: 'photo.webp', mimeType: 'application/octet-stream' } } }],
					});
					const echoed = run.items.find((item) => item.binary?.data?.fileName === 'photo.webp');
					ctx.observe(`upload sent as ${JSON.stringify(emulator.requests[0]?.files[0]?.mimeType)}, output type ${JSON.stringify(echoed?.binary?.data?.mimeType)}`);
					expect(errorSummary(run)).toBe('no error');
					expect(emulator.requests[0].files[0].mimeType).toBe('application/octet-stream');
					expect(echoed?.binary?.data?.mimeType).toBe('image/webp');
					expect((await run.binaryBuffer(echoed!)).equals(upload)).toBe(true);
				},
			);
		}
	});
}
