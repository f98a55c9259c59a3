/**
 * Command-line flags of `npm run emulator`, parsed into start options. Pure, so it is tested directly.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_HOST, DEFAULT_WORKFLOW_PATH, parseBehaviour } from './server';
import type { EmulatorBehaviour, StartEmulatorOptions } from './server';

export const DEFAULT_PORT = 8788;

export const USAGE = `Usage: npm run emulator -- [options]

  --port <n>             port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --host <address>       address to bind (default ${DEFAULT_HOST})
  --workflow <path>      workflow_api.json the deployment runs (default test/fixtures/workflows/txt2img.json)
  --client-id <id>       expected client_id header (default "${DEFAULT_CLIENT_ID}")
  --client-secret <s>    expected client_secret header (default "${DEFAULT_CLIENT_SECRET}")
  --latency <ms>         simulated run time of every call (default 0)
  --behaviour <json>     starting behaviour, e.g. '{"coldStart503": 2}' (see test/emulator/README.md)
  --help                 show this text`;

/** A flag the user got wrong; the message says which and how to fix it. */
export class CliUsageError extends Error {}

export type CliCommand = { help: true } | { help: false; options: StartEmulatorOptions & { port: number } };

function wholeNumber(flag: string, raw: string, max: number): number {
	const value = Number(raw);
	if (!/^\d+$/.test(raw) || value > max) {
		throw new CliUsageError(`--${flag} must be a whole number from 0 to ${max}, got "${raw}".`);
	}
	return value;
}

export function parseCliArgs(argv: string[]): CliCommand {
	let values;
	try {
		({ values } = parseArgs({
			args: argv,
			strict: true,
			allowPositionals: false,
			options: {
				port: { type: 'string' },
				host: { type: 'string' },
				workflow: { type: 'string' },
				'client-id': { type: 'string' },
				'client-secret': { type: 'string' },
				latency: { type: 'string' },
				behaviour: { type: 'string' },
				help: { type: 'boolean' },
			},
		}));
	} catch (error) {
		throw new CliUsageError(`${(error as Error).message}\n\n${USAGE}`);
	}
	if (values.help) return { help: true };

	let behaviour: Partial<EmulatorBehaviour> = {};
	if (values.behaviour !== undefined) {
		let parsed: unknown;
		try {
			parsed = JSON.parse(values.behaviour);
		} catch (error) {
			throw new CliUsageError(`--behaviour must be JSON such as '{"latencyMs": 500}': ${(error as Error).message}.`);
		}
		try {
			behaviour = parseBehaviour(parsed);
		} catch (error) {
			throw new CliUsageError(`--behaviour: ${(error as Error).message}`);
		}
	}
	if (values.latency !== undefined) behaviour.latencyMs = wholeNumber('latency', values.latency, 24 * 3600 * 1000);
	for (const flag of ['client-id', 'client-secret', 'host', 'workflow'] as const) {
		if (values[flag] !== undefined && values[flag].trim() === '') throw new CliUsageError(`--${flag} must not be empty.`);
	}

	return {
		help: false,
		options: {
			port: values.port === undefined ? DEFAULT_PORT : wholeNumber('port', values.port, 65535),
			host: values.host ?? DEFAULT_HOST,
			workflow: values.workflow ?? DEFAULT_WORKFLOW_PATH,
			clientId: values['client-id'] ?? DEFAULT_CLIENT_ID,
			clientSecret: values['client-secret'] ?? DEFAULT_CLIENT_SECRET,
			behaviour,
		},
	};
}
