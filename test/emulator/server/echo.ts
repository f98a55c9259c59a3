/**
 * The `echoSecret` fault: a server that quotes the credentials it was sent back in its texts
 * (error bodies, log lines, error events, a run's errorData), as a careless proxy or debug
 * handler does. The client must redact them wherever they surface.
 */
import type { IncomingHttpHeaders } from 'node:http';

import type { EmulatorContext } from './context';

/** With `echoSecret` on, the credential headers of this request as text; '' when off. */
export function echoedCredentials(ctx: EmulatorContext, headers: IncomingHttpHeaders): string {
	if (!ctx.state.current.echoSecret) return '';
	return `request headers: client_id=${String(headers.client_id ?? '')} client_secret=${String(headers.client_secret ?? '')}`;
}

/** `text`, followed by the echoed credentials when the fault is on. */
export function withEcho(text: string, echo: string): string {
	return echo ? `${text} (${echo})` : text;
}
