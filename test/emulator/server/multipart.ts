/**
 * Reads a request body the way FastAPI's form parser does: multipart/form-data or
 * application/x-www-form-urlencoded, via busboy. Other bodies are drained and yield an empty form,
 * so the caller reports the missing fields like FastAPI would.
 */
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';

export interface UploadedFile {
	/** The part name: a parameter key or `<key>-viewcomfymask`. */
	field: string;
	filename: string;
	mimeType: string;
	data: Buffer;
}

export interface ParsedForm {
	/** Non-file fields in arrival order (a name may repeat). */
	fields: Array<[string, string]>;
	files: UploadedFile[];
}

/** The body claimed to be a form but could not be parsed. */
export class FormParseError extends Error {}

// workflow_api can be a big JSON document; busboy's 1 MB default field limit would silently truncate it.
const FIELD_SIZE_LIMIT = 1024 * 1024 * 1024;

const FORM_TYPES = ['multipart/form-data', 'application/x-www-form-urlencoded'];

export function isFormContentType(contentType: string | undefined): boolean {
	const base = (contentType ?? '').split(';')[0].trim().toLowerCase();
	return FORM_TYPES.includes(base);
}

export async function readForm(req: IncomingMessage): Promise<ParsedForm> {
	if (!isFormContentType(req.headers['content-type'])) {
		await drain(req);
		return { fields: [], files: [] };
	}
	let parser: busboy.Busboy;
	try {
		parser = busboy({ headers: req.headers, limits: { fieldSize: FIELD_SIZE_LIMIT } });
	} catch (error) {
		await drain(req);
		throw new FormParseError(`There was an error parsing the body: ${(error as Error).message}`);
	}
	return new Promise<ParsedForm>((resolve, reject) => {
		const form: ParsedForm = { fields: [], files: [] };
		const pendingFiles: Array<Promise<void>> = [];
		parser.on('field', (name, value, info) => {
			if (info.valueTruncated) {
				reject(new FormParseError(`Field "${name}" is larger than ${FIELD_SIZE_LIMIT} bytes.`));
				return;
			}
			form.fields.push([name, value]);
		});
		parser.on('file', (field, stream, info) => {
			// Pushed now, filled at the end, so files keep the order they were sent in.
			const file: UploadedFile = { field, filename: info.filename ?? field, mimeType: info.mimeType, data: Buffer.alloc(0) };
			form.files.push(file);
			const chunks: Buffer[] = [];
			pendingFiles.push(
				new Promise<void>((done, fail) => {
					stream.on('data', (chunk: Buffer) => chunks.push(chunk));
					stream.on('error', fail);
					stream.on('end', () => {
						file.data = Buffer.concat(chunks);
						done();
					});
				}),
			);
		});
		parser.on('error', (error: Error) => {
			req.unpipe(parser);
			req.resume();
			reject(new FormParseError(`There was an error parsing the body: ${error.message}`));
		});
		parser.on('close', () => {
			Promise.all(pendingFiles).then(() => resolve(form), reject);
		});
		req.on('error', reject);
		req.pipe(parser);
	});
}

function drain(req: IncomingMessage): Promise<void> {
	return new Promise((resolve, reject) => {
		req.on('end', resolve);
		req.on('error', reject);
		req.resume();
	});
}
