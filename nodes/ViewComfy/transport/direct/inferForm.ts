/**
 * The multipart body of an infer call: a spec FormData, which n8n's request helper hands to
 * axios as multipart/form-data. A fresh form per attempt: a streamed body cannot be sent twice.
 */
import type { FilePart, InferRequest } from '../../helpers/interfaces';

export function buildInferForm(req: InferRequest): FormData {
	const form = new FormData();
	form.append('params', JSON.stringify(req.params));
	form.append('logs', req.logs ? 'true' : 'false');
	// The TypeScript client omits the field when unused; an empty one would be read as a workflow.
	if (req.workflowApi !== undefined) form.append('workflow_api', req.workflowApi);
	appendFiles(form, req.files);
	return form;
}

/** One part per file, named by its parameter key, with the real file name and type. */
export function appendFiles(form: FormData, files: readonly FilePart[]): void {
	for (const file of files) {
		const bytes = new Uint8Array(file.data.buffer as ArrayBuffer, file.data.byteOffset, file.data.length);
		form.append(file.key, new Blob([bytes], { type: file.mimeType }), file.fileName);
	}
}

/**
 * A request every deployment refuses with 422 before running anything (empty `params`),
 * so the credentials can be checked without spending GPU time.
 */
export function buildCredentialsProbeForm(): FormData {
	const form = new FormData();
	form.append('params', '');
	form.append('logs', 'false');
	return form;
}
