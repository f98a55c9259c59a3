/**
 * `npm run emulator`: runs the ViewComfy emulator until SIGINT/SIGTERM.
 */
import { resolve } from 'node:path';
import { CliUsageError, parseCliArgs, USAGE } from './cli-args';
import { DEFAULT_CLIENT_SECRET, startEmulator, WorkflowFormatError } from './server';

async function main(): Promise<number> {
	let command;
	try {
		command = parseCliArgs(process.argv.slice(2));
	} catch (error) {
		if (error instanceof CliUsageError) {
			console.error(`viewcomfy-emulator: ${error.message}`);
			return 2;
		}
		throw error;
	}
	if (command.help) {
		console.log(USAGE);
		return 0;
	}
	const { options } = command;
	// npm runs scripts from the package root; a relative --workflow means relative to where the user typed it.
	if (typeof options.workflow === 'string') options.workflow = resolve(process.env.INIT_CWD ?? process.cwd(), options.workflow);
	let emulator;
	try {
		emulator = await startEmulator(options);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'EADDRINUSE') console.error(`viewcomfy-emulator: port ${options.port} is in use; pick another with --port.`);
		else if (code === 'EADDRNOTAVAIL') console.error(`viewcomfy-emulator: cannot bind to host ${options.host}; use e.g. --host 127.0.0.1.`);
		else if (error instanceof WorkflowFormatError) console.error(`viewcomfy-emulator: ${error.message}`);
		else throw error;
		return 1;
	}
	const secretNote =
		options.clientSecret === DEFAULT_CLIENT_SECRET ? `the default "${DEFAULT_CLIENT_SECRET}"` : 'as given (not shown)';
	console.log(`ViewComfy emulator listening on ${emulator.url}`);
	console.log(`  workflow: ${options.workflow}`);
	console.log(`  client_id: ${options.clientId}; client_secret: ${secretNote}`);
	console.log(`  control API: ${emulator.origin}/__emulator/ (see test/emulator/README.md); Ctrl+C stops`);

	await new Promise<NodeJS.Signals>((resolveSignal) => {
		process.once('SIGINT', resolveSignal);
		process.once('SIGTERM', resolveSignal);
	});
	await emulator.close();
	console.log('ViewComfy emulator stopped.');
	return 0;
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error('viewcomfy-emulator: unexpected failure:', (error as Error).message);
		process.exit(1);
	},
);
