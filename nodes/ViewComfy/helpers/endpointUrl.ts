import { UserInputError } from './userInputError';
import { truncate } from './text';

/** The credential's Endpoint URL as a URL, or a clear error that says how to fix it. */
export function parseEndpointUrl(value: unknown): URL {
	const text = typeof value === 'string' ? value.trim() : '';
	const hint =
		'Copy the full deployment URL (starting with https://) from the API tab of the ViewComfy dashboard into the Endpoint URL of the ViewComfy credential.';
	if (!text) {
		throw new UserInputError('The Endpoint URL of the ViewComfy credential is empty', {
			field: 'Endpoint URL',
			hint,
		});
	}
	const url = parseUrl(text);
	if (!url) {
		throw new UserInputError(`The Endpoint URL "${truncate(text, 80)}" is not a valid URL`, {
			field: 'Endpoint URL',
			hint,
		});
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new UserInputError(
			`The Endpoint URL must start with https:// or http://, not ${url.protocol}//`,
			{ field: 'Endpoint URL', hint },
		);
	}
	if (url.username || url.password) {
		throw new UserInputError('The Endpoint URL must not contain a user name or password', {
			field: 'Endpoint URL',
			hint: 'Put the Client ID and Client Secret in their own fields of the credential.',
		});
	}
	return url;
}

/** `text` as a URL (relative to `base` when given), or undefined when it is not one. */
export function parseUrl(text: string, base?: string | URL): URL | undefined {
	const baseText = base === undefined ? undefined : String(base);
	return URL.canParse(text, baseText) ? new URL(text, baseText) : undefined;
}
