/**
 * The multipart body of an infer call. Built with undici's own FormData: the global one is a
 * different class that undici 7's `request()` cannot serialise ("action is not a function").
 * A fresh form per attempt: a streamed body cannot be sent twice.
 */
import { File } from 'node:buffer';
import { FormData } from 'undici';
import type { InferRequest } from '../helpers/interfaces';

export function buildInferForm(req: InferRequest): FormData {
	const form = new FormData();
	form.append('params', JSON.stringify(req.params));
	form.append('logs', req.logs ? 'true' : 'false');
	// The TypeScript client omits the field when unused; an empty one would be read as a workflow.
	if (req.workflowApi !== undefined) form.append('workflow_api', req.workflowApi);
	for (const file of req.files) {
		form.append(file.key, new File([file.data], file.fileName, { type: file.mimeType }));
	}
	return form;
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
