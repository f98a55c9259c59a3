import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface LocalSmtp {
	port: number;
	/** Every message accepted, parsed. */
	messages: ParsedMail[];
	/** Resolves once `count` messages have arrived. */
	waitFor(count: number, timeoutMs?: number): Promise<ParsedMail[]>;
	close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 that accepts one user's login and keeps what it receives. */
export async function startSmtp(user: string, password: string): Promise<LocalSmtp> {
	const messages: ParsedMail[] = [];
	const waiting: Array<() => void> = [];
	const server = new SMTPServer({
		secure: false,
		// Loopback only: no certificate to trust, so plain login without STARTTLS.
		disabledCommands: ['STARTTLS'],
		allowInsecureAuth: true,
		authMethods: ['PLAIN', 'LOGIN'],
		logger: false,
		onAuth(auth, _session, callback) {
			if (auth.username === user && auth.password === password) callback(null, { user });
			else callback(new Error('Invalid username or password'));
		},
		onData(stream, _session, callback) {
			simpleParser(stream)
				.then((mail) => {
					messages.push(mail);
					waiting.splice(0).forEach((wake) => wake());
					callback();
				})
				.catch((error: Error) => callback(error));
		},
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const port = (server.server.address() as AddressInfo).port;
	return {
		port,
		messages,
		async waitFor(count, timeoutMs = 30_000) {
			const deadline = Date.now() + timeoutMs;
			while (messages.length < count) {
				if (Date.now() > deadline) throw new Error(`Only ${messages.length} of ${count} mails arrived within ${timeoutMs / 1000} s`);
				await new Promise<void>((resolve) => {
					waiting.push(resolve);
					setTimeout(resolve, 500);
				});
			}
			return messages;
		},
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
