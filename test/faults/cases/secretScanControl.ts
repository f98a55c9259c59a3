/**
 * The control row for the secret scan: a marker put where the node legitimately echoes user
 * input must be found, in the outputs and in an error, or "secret in no output" proves nothing.
 */
import { freshEmulator } from '../support/emulators';
import { faultCase } from '../support/faultCase';
import { deployedParameter, mappedFields, runNode } from '../support/nodeRun';
import { secretLeaks } from '../support/secretScan';

const MARKER = 'SCAN-CONTROL-MARKER-81d4';

export function registerSecretScanControl(): void {
	faultCase(
		{
			fault: 'Secret scan control: a marker the node echoes on purpose',
			mode: 'wait',
			expected: 'the scan finds the marker in the output items, the error and the n8n record',
		},
		async (ctx) => {
			const emulator = await freshEmulator();
			const echoed = await runNode({
				endpointUrl: emulator.url,
				mode: 'wait',
				parameters: mappedFields({ '6-inputs-text': MARKER }),
			});
			const failed = await runNode({
				endpointUrl: emulator.url,
				mode: 'wait',
				parameters: deployedParameter(`${MARKER}-inputs-text`, 'x'),
			});
			const foundInOutput = secretLeaks(echoed, MARKER);
			const foundInError = secretLeaks(failed, MARKER);
			ctx.observe(`found in: ${foundInOutput.join(', ')} / ${foundInError.join(', ')}`);
			expect(foundInOutput).toEqual(expect.arrayContaining(['output items', 'execution record']));
			expect(foundInError).toEqual(expect.arrayContaining(['error message', 'error as n8n stored it']));
		},
	);
}
