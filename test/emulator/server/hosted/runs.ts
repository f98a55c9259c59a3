/**
 * Runs submitted to the emulated hosted API, and how each looks when polled: `running` for
 * `hostedRunMs`, then finished as the behaviour at submit time said (success with files, error
 * with errorData, or never: stuck), or `cancelled` once a cancel arrived while it ran.
 *
 * A record has exactly the keys ViewComfy's official Python client handles: it turns them to
 * snake_case, deletes `created_at`, `workflow`, `client_id` and `user`, and passes the rest to
 * `PromptResult(**record)`, whose parameters are prompt_id, status, completed,
 * execution_time_seconds, prompt, outputs and error_data. A missing key is a KeyError there and
 * an extra one (such as `updatedAt`) a TypeError, so neither is sent.
 */
import type { ComfyWorkflow, OutputFile } from '../types';
import { withEcho } from '../echo';
import type { LinkSigner } from './links';

export type HostedOutcome = 'success' | 'error' | 'stuck';

export interface HostedRun {
	promptId: string;
	viewComfyApiUrl: string;
	/** The Client ID that submitted it (records name it; never the secret). */
	clientId: string;
	createdAtMs: number;
	durationMs: number;
	outcome: HostedOutcome;
	cancelledAtMs: number | null;
	/** The credentials the submit sent, quoted when `echoSecret` was on (else ''): they go into errorData. */
	errorEcho: string;
	prompt: ComfyWorkflow;
	outputs: OutputFile[];
}

/** One run as the status route answers it (camelCase, as the hosted API does). */
export interface HostedRunRecordJson {
	promptId: string;
	status: 'running' | 'success' | 'error' | 'cancelled';
	completed: boolean;
	executionTimeSeconds: number | null;
	prompt: ComfyWorkflow;
	outputs: Array<{ filename: string; contentType: string; size: number; filepath: string }>;
	errorData: unknown;
	createdAt: string;
	/** The deployment the run went to. */
	workflow: { viewComfyApiUrl: string };
	clientId: string;
	user: { id: string; email: string };
}

/** The account every emulated run belongs to. */
export const EMULATED_USER = { id: 'emulator-user', email: 'user@example.com' };

export class HostedRuns {
	private readonly byId = new Map<string, HostedRun>();

	has(promptId: string): boolean {
		return this.byId.has(promptId);
	}

	get(promptId: string): HostedRun | undefined {
		return this.byId.get(promptId);
	}

	add(run: HostedRun): void {
		this.byId.set(run.promptId, run);
	}

	/** Whether the run was still going (and is now cancelled). */
	cancel(run: HostedRun, nowMs: number): boolean {
		if (isOver(run, nowMs)) return false;
		run.cancelledAtMs = nowMs;
		return true;
	}
}

function isOver(run: HostedRun, nowMs: number): boolean {
	return run.cancelledAtMs !== null || (run.outcome !== 'stuck' && nowMs - run.createdAtMs >= run.durationMs);
}

export function runRecord(
	run: HostedRun,
	nowMs: number,
	link: { signer: LinkSigner; origin: string; ttlSeconds: number },
): HostedRunRecordJson {
	const base = {
		promptId: run.promptId,
		prompt: run.prompt,
		createdAt: new Date(run.createdAtMs).toISOString(),
		errorData: null,
		workflow: { viewComfyApiUrl: run.viewComfyApiUrl },
		clientId: run.clientId,
		user: EMULATED_USER,
	};
	if (run.cancelledAtMs !== null) {
		return {
			...base,
			status: 'cancelled',
			completed: true,
			executionTimeSeconds: (run.cancelledAtMs - run.createdAtMs) / 1000,
			outputs: [],
		};
	}
	if (!isOver(run, nowMs)) {
		return { ...base, status: 'running', completed: false, executionTimeSeconds: null, outputs: [] };
	}
	const finished = { executionTimeSeconds: run.durationMs / 1000 };
	if (run.outcome === 'error') {
		return {
			...base,
			...finished,
			status: 'error',
			completed: true,
			outputs: [],
			errorData: {
				errorType: 'ExecutionError',
				errorMsg: 'Error while running the workflow',
				errorDetails: withEcho('VAEDecode: simulated failure (ViewComfy emulator)', run.errorEcho),
			},
		};
	}
	return {
		...base,
		...finished,
		status: 'success',
		completed: true,
		outputs: run.outputs.map((output, index) => ({
			filename: output.filename,
			contentType: output.content_type,
			size: output.size,
			filepath: `${link.origin}${link.signer.sign(run.promptId, index, output.filename, link.ttlSeconds, nowMs)}`,
		})),
	};
}
