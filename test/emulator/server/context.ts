/** Everything a request handler needs from the running emulator. */
import type { BehaviourState } from './behaviour';
import type { LinkSigner } from './hosted/links';
import type { HostedRuns } from './hosted/runs';
import type { HostedSocketHub } from './hosted/socket';
import type { InputFiles } from './input-files';
import type { PendingResults } from './pending-results';
import type { RequestLog } from './record';
import type { ComfyWorkflow } from './types';

export interface EmulatorContext {
	state: BehaviourState;
	/** The deployed workflow (a `workflow_api` field overrides it per call). */
	workflow: ComfyWorkflow;
	clientId: string;
	clientSecret: string;
	pending: PendingResults;
	log: RequestLog;
	/** Aborted on close, so sleeping handlers stop instead of keeping the process alive. */
	signal: AbortSignal;
	/** The hosted API's runs, the signer of their download links, and its Socket.IO endpoint. */
	hosted: { runs: HostedRuns; signer: LinkSigner; sockets: HostedSocketHub };
	/** Files served for file inputs given as URLs (input-files.ts). */
	inputFiles: InputFiles;
}
