/**
 * The emulators of the fault matrix: one shared instance, reset before every row, plus extra
 * ones a row starts itself (a second origin, a port that starts listening late). All are closed
 * by `closeEmulators`, also when a row failed halfway.
 */
import { startEmulator, type EmulatorHandle, type StartEmulatorOptions } from '../../emulator/server';
import { FAULT_CLIENT_ID, FAULT_SECRET } from './nodeRun';

const started = new Set<EmulatorHandle>();
let shared: EmulatorHandle | undefined;

export async function startFaultEmulator(options: StartEmulatorOptions = {}): Promise<EmulatorHandle> {
	const emulator = await startEmulator({ clientId: FAULT_CLIENT_ID, clientSecret: FAULT_SECRET, ...options });
	started.add(emulator);
	return emulator;
}

/** The shared emulator, back to its defaults with an empty record. */
export async function freshEmulator(): Promise<EmulatorHandle> {
	shared ??= await startFaultEmulator();
	shared.resetBehaviour();
	shared.clearRequests();
	return shared;
}

export async function closeEmulators(): Promise<void> {
	await Promise.all([...started].map((emulator) => emulator.close()));
	started.clear();
	shared = undefined;
}
