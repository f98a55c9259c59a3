/**
 * The connection settings of a call, and the check of the values the credential sends as headers. Pure.
 * Pasted values often carry stray spaces or line breaks; a clear error beats the HTTP
 * client's "invalid character in header content".
 */
import { UserInputError } from '../../helpers/userInputError';

export interface InferConnection {
	/** The deployment endpoint URL as the ViewComfy dashboard shows it. */
	endpointUrl: string;
	clientId: string;
	clientSecret: string;
}

/**
 * The Client ID and Secret as the credential sends them (trimmed; see its `authenticate` block),
 * checked first: a value n8n could not put in a header gets an error that names the field.
 */
export function checkedCredentials(conn: InferConnection): { clientId: string; clientSecret: string } {
	return {
		clientId: checkedHeaderValue('Client ID', conn.clientId),
		clientSecret: checkedHeaderValue('Client Secret', conn.clientSecret),
	};
}

/** Visible ASCII and spaces: what an HTTP header value can carry unencoded. */
const HEADER_SAFE = /^[\x20-\x7e]*$/;

function checkedHeaderValue(field: string, value: string): string {
	const trimmed = (value ?? '').trim();
	const hint = `Copy the ${field} again from the API tab of the ViewComfy dashboard into the ViewComfy credential.`;
	if (!trimmed) throw new UserInputError(`The ${field} of the ViewComfy credential is empty`, { field, hint });
	if (!HEADER_SAFE.test(trimmed)) {
		// Never quote the value: it may be the secret.
		throw new UserInputError(
			`The ${field} of the ViewComfy credential contains a line break or a character that cannot be sent in an HTTP header`,
			{ field, hint },
		);
	}
	return trimmed;
}
