/**
 * The multipart body of a hosted submit: the direct protocol's fields without `logs`, plus the
 * run's `prompt_id` (made by the client, so the run can be found or cancelled even when the answer
 * is lost) and the deployment as `view_comfy_api_url`. A spec FormData, fresh per attempt.
 */
import type { InferRequest } from '../../helpers/interfaces';
import { appendFiles } from '../direct/inferForm';

export type HostedSubmitRequest = Omit<InferRequest, 'logs'> & {
	/** The Socket.IO id that gets the run's live events (Stream Logs); absent, the run is only polled. */
	sid?: string;
};

export function buildHostedSubmitForm(req: HostedSubmitRequest, promptId: string, deploymentUrl: string): FormData {
	const form = new FormData();
	form.append('prompt_id', promptId);
	form.append('view_comfy_api_url', deploymentUrl);
	form.append('params', JSON.stringify(req.params));
	if (req.workflowApi !== undefined) form.append('workflow_api', req.workflowApi);
	if (req.sid) form.append('sid', req.sid);
	appendFiles(form, req.files);
	return form;
}

/** Python client's spelling; the TypeScript client's camelCase one is not sent. */
export function buildCancelBody(promptId: string, deploymentUrl: string): string {
	return JSON.stringify({ prompt_id: promptId, view_comfy_api_url: deploymentUrl });
}
