/**
 * Runs the ViewComfy emulators of a benchmark in their own process, so their memory (the cached
 * base64 of the big output, the response buffers) is never counted against the node's.
 *
 * Two emulators: `large` answers with the output being measured (`outputBytes`), `small` with
 * the workflow's tiny PNG only, for warm-up calls that must not touch the big cached body.
 * Sends `{ small, large }` (their URLs) to the parent over IPC, then runs until the parent
 * disconnects or sends SIGTERM.
 */
import { startEmulator } from '../test/emulator/server';
import { BENCH_CLIENT_ID, BENCH_CLIENT_SECRET } from './benchRequest';

async function main(): Promise<void> {
	const options = { port: 0, clientId: BENCH_CLIENT_ID, clientSecret: BENCH_CLIENT_SECRET };
	const small = await startEmulator(options);
	const large = await startEmulator(options);
	const stop = async () => {
		await Promise.all([small.close(), large.close()]);
		process.exit(0);
	};
	process.once('SIGTERM', () => void stop());
	process.once('disconnect', () => void stop());
	process.send?.({ small: small.url, large: large.url });
}

main().catch((error: unknown) => {
	process.stderr.write(`bench emulator failed to start: ${(error as Error).message}\n`);
	process.exit(1);
});
