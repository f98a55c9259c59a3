/**
 * Runs submitted to the emulated hosted API, and how each looks when polled: `running` for
 * `hostedRunMs`, then finished as the behaviour at submit time said (success with files, error
 * with errorData, or never: stuck), or `cancelled` once a cancel arrived while it ran.
 */
import type { ComfyWorkflow, OutputFile } from '../types';
import { withEcho } from '../echo';
import type { LinkSigner } from './links';

export type HostedOutcome = 'success' | 'error' | 'stuck';

export interface HostedRun {
	promptId: string;
	viewComfyApiUrl: string;
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
	updatedAt: string;
}

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
	const base = { promptId: run.promptId, prompt: run.prompt, createdAt: new Date(run.createdAtMs).toISOString(), errorData: null };
	if (run.cancelledAtMs !== null) {
		return {
			...base,
			status: 'cancelled',
			completed: true,
			executionTimeSeconds: (run.cancelledAtMs - run.createdAtMs) / 1000,
			outputs: [],
			updatedAt: new Date(run.cancelledAtMs).toISOString(),
		};
	}
	if (!isOver(run, nowMs)) {
		return { ...base, status: 'running', completed: false, executionTimeSeconds: null, outputs: [], updatedAt: base.createdAt };
	}
	const finished = { executionTimeSeconds: run.durationMs / 1000, updatedAt: new Date(run.createdAtMs + run.durationMs).toISOString() };
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
