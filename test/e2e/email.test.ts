/**
 * Scenario 4: examples/email-attachment.workflow.json: ViewComfy → Send Email (SMTP credential)
 * to a real SMTP server on loopback. The mail carries the generated image as an attachment, byte
 * for byte what ViewComfy answered.
 */
import type { ParsedMail } from 'mailparser';
import { nodeOutput, readBinary, type Item } from '../../scripts/n8n/run-data';
import { SCENARIO_TIMEOUT_MS, SETUP_TIMEOUT_MS } from './helpers/n8n-setup';
import { closeScenario, expectSecretNowhere, inferRequests, openScenario, pngSize, replayInfer, runToCompletion, sha256, type Scenario } from './helpers/scenario';
import { startSmtp, type LocalSmtp } from './helpers/smtp';
import { loadExample } from './helpers/examples';
import { CREDENTIAL_REF } from './helpers/viewcomfy';

const SMTP_USER = 'n8n-mailer';
const SMTP_PASSWORD = 'e2e-smtp-password-3a9c';
const SMTP_CREDENTIAL = { id: 'E2eSmtpCredentl1', name: 'Local SMTP' };

describe('e2e: image sent by email', () => {
	let smtp: LocalSmtp;
	let scenario: Scenario;
	let results: Item[];
	let mail: ParsedMail;

	beforeAll(async () => {
		smtp = await startSmtp(SMTP_USER, SMTP_PASSWORD);
		scenario = await openScenario({
			workflow: 'txt2img',
			credentials: [
				{
					...SMTP_CREDENTIAL,
					type: 'smtp',
					data: { user: SMTP_USER, password: SMTP_PASSWORD, host: '127.0.0.1', port: smtp.port, secure: false, disableStartTls: true },
				},
			],
		});
		// The example as imported; only the credentials are the ones this n8n has.
		const data = await runToCompletion(
			scenario,
			loadExample('email-attachment', { credentials: { viewComfyApi: CREDENTIAL_REF, smtp: SMTP_CREDENTIAL } }),
		);
		results = nodeOutput(data, 'ViewComfy');
		[mail] = await smtp.waitFor(1);
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		await closeScenario(scenario);
		await smtp?.close();
	}, SCENARIO_TIMEOUT_MS);

	it('delivers one mail with the image attached, byte-identical to what ViewComfy answered', async () => {
		expect(results).toHaveLength(1);
		expect(smtp.messages).toHaveLength(1);
		const fileName = results[0].binary!.data.fileName!;
		expect(mail.subject).toBe(`Your image: ${fileName}`);
		// n8n appends its attribution footer after the text.
		expect(mail.text?.startsWith(`Prompt id ${String(results[0].json.prompt_id)}\n`)).toBe(true);
		expect(mail.attachments).toHaveLength(1);
		const [attachment] = mail.attachments;
		expect(attachment.filename).toBe(fileName);
		expect(attachment.contentType).toBe('image/png');

		const [answered] = await replayInfer(scenario.emulator, inferRequests(scenario.emulator)[0]);
		expect(sha256(attachment.content)).toBe(sha256(answered.data));
		expect(sha256(attachment.content)).toBe(sha256(readBinary(scenario.instance.userFolder, results[0].binary!.data)));
		expect(pngSize(attachment.content)).toEqual({ width: 512, height: 512 });
	});

	it('leaves the client secret nowhere in n8n’s records, files or logs', () => expectSecretNowhere(scenario), SCENARIO_TIMEOUT_MS);
});
