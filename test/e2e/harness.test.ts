/**
 * The harness the other e2e scenarios and the demo stand on, checked against n8n's own nodes:
 * CLI import/execute and its JSON, credential import, the secret scan, and a server that
 * starts, serves the public API and webhooks, and leaves nothing behind when stopped.
 */
import { connect } from 'node:net';
import { N8nInstance } from '../../scripts/n8n/instance';
import { nodeOutput } from '../../scripts/n8n/run-data';
import { n8nInstall, SCENARIO_TIMEOUT_MS, SETUP_TIMEOUT_MS } from './helpers/n8n-setup';
import { chainWorkflow, codeNode, forPublicApi, manualTrigger } from './helpers/workflow-builder';

const CANARY = 'harness-CANARY-5f0c2a9e17';
const CREDENTIAL_SECRET = 'harness-SMTP-SECRET-77b1e0';

function portAnswers(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = connect(port, '127.0.0.1');
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

function groupAlive(pgid: number): boolean {
	try {
		process.kill(-pgid, 0);
		return true;
	} catch {
		return false;
	}
}

describe('n8n harness', () => {
	let instance: N8nInstance;

	beforeAll(async () => {
		instance = await N8nInstance.create({ install: await n8nInstall() });
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		await instance?.dispose();
	}, SCENARIO_TIMEOUT_MS);

	it(
		'imports a workflow and executes it from the CLI, returning each node’s items',
		async () => {
			const id = await instance.importWorkflow(
				chainWorkflow('harness: code', [
					manualTrigger(),
					codeNode('Squares', `return [1, 2, 3].map((i) => ({ json: { i, square: i * i, canary: '${CANARY}' } }));`),
				]),
			);
			const result = await instance.execute(id);
			expect(result.ok).toBe(true);
			const items = nodeOutput(result.run!.data, 'Squares');
			expect(items.map((item) => item.json.square)).toEqual([1, 4, 9]);
		},
		SCENARIO_TIMEOUT_MS,
	);

	it(
		'reports a failing workflow as not ok, with n8n’s error message in the output',
		async () => {
			const id = await instance.importWorkflow(
				chainWorkflow('harness: failing', [manualTrigger(), codeNode('Boom', "throw new Error('harness says no');")]),
			);
			const result = await instance.execute(id);
			expect(result.ok).toBe(false);
			expect(result.output).toContain('harness says no');
		},
		SCENARIO_TIMEOUT_MS,
	);

	it(
		'imports credentials given as plain values, which n8n can decrypt again',
		async () => {
			await instance.importCredentials([
				{
					id: 'HarnessSmtpCred1',
					name: 'harness smtp',
					type: 'smtp',
					data: { user: 'someone', password: CREDENTIAL_SECRET, host: '127.0.0.1', port: 25, secure: false },
				},
			]);
			const listed = await instance.cli(['export:credentials', '--all', '--decrypted', `--output=${instance.root}/creds-check.json`]);
			expect(listed.code).toBe(0);
			const { readFileSync, rmSync } = await import('node:fs');
			const exported = JSON.parse(readFileSync(`${instance.root}/creds-check.json`, 'utf8')) as Array<{ id: string; data: { password: string } }>;
			rmSync(`${instance.root}/creds-check.json`);
			expect(exported.find((c) => c.id === 'HarnessSmtpCred1')?.data.password).toBe(CREDENTIAL_SECRET);
		},
		SCENARIO_TIMEOUT_MS,
	);

	it(
		'serves the public API and webhooks, then stops with its whole process group',
		async () => {
			const client = await instance.startServer();
			const created = await client.api<{ id: string }>(
				'POST',
				'/workflows',
				forPublicApi(
					chainWorkflow('harness: webhook', [
						{
							name: 'Webhook',
							type: 'n8n-nodes-base.webhook',
							typeVersion: 2,
							parameters: { httpMethod: 'POST', path: 'harness-echo', responseMode: 'lastNode' },
							webhookId: '0f4c9d36-7b5e-4a8e-9a51-2d0c55e7c001',
						},
						codeNode('Echo', 'return [{ json: { echoed: $input.first().json.body.word } }];'),
					]),
				),
			);
			await client.activateWorkflow(created.id);
			const answer = await fetch(`${instance.server!.baseUrl}/webhook/harness-echo`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ word: 'marco' }),
			});
			expect(answer.status).toBe(200);
			expect(await answer.json()).toEqual({ echoed: 'marco' });

			const executions = await client.api<{ data: Array<{ workflowId: string; status: string }> }>(
				'GET',
				`/executions?workflowId=${created.id}&includeData=true`,
			);
			expect(executions.data.map((e) => e.status)).toEqual(['success']);

			const pgid = instance.server!.pid!;
			expect(groupAlive(pgid)).toBe(true);
			await instance.stopServer();
			expect(groupAlive(pgid)).toBe(false);
			expect(await portAnswers(instance.port)).toBe(false);
		},
		SCENARIO_TIMEOUT_MS,
	);

	it(
		'finds a value n8n recorded (so a clean secret scan means something) and not the encrypted credential',
		async () => {
			const canaryHits = await instance.findSecret(CANARY);
			expect(canaryHits.map((hit) => hit.where)).toContain('database rows');
			expect(await instance.findSecret(CREDENTIAL_SECRET)).toEqual([]);
		},
		SCENARIO_TIMEOUT_MS,
	);
});
