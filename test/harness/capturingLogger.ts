import { inspect } from 'node:util';
import type { LogMetadata, Logger } from 'n8n-workflow';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface LogLine {
	level: LogLevel;
	message: string;
	/** The metadata as n8n would print it, errors with their message and stack. */
	metadata: string;
}

/**
 * Stands in for n8n's winston logger (both the DI `Logger` and `LoggerProxy`), keeping every line
 * at every level so tests can scan all of it, e.g. for a leaked secret. Set HARNESS_LOG=1 to also
 * print the lines while debugging a test.
 */
export class CapturingLogger implements Logger {
	readonly lines: LogLine[] = [];

	private readonly echo = process.env.HARNESS_LOG === '1';

	error(message: string, metadata?: LogMetadata): void {
		this.record('error', message, metadata);
	}

	warn(message: string, metadata?: LogMetadata): void {
		this.record('warn', message, metadata);
	}

	info(message: string, metadata?: LogMetadata): void {
		this.record('info', message, metadata);
	}

	debug(message: string, metadata?: LogMetadata): void {
		this.record('debug', message, metadata);
	}

	/** n8n's Logger hands out scoped children; one shared sink is all the harness needs. */
	scoped(): this {
		return this;
	}

	private record(level: LogLevel, message: string, metadata?: LogMetadata): void {
		const line: LogLine = {
			level,
			message: String(message),
			metadata: metadata === undefined ? '' : inspect(metadata, { depth: 6, breakLength: Infinity }),
		};
		this.lines.push(line);
		if (this.echo) process.stderr.write(`[${level}] ${line.message} ${line.metadata}\n`);
	}
}

/** One line per log entry, metadata included, for substring checks. */
export function formatLogLines(lines: readonly LogLine[]): string {
	return lines.map((line) => `${line.level} ${line.message} ${line.metadata}`.trimEnd()).join('\n');
}
