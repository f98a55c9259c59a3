import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	ICredentials,
	IHttpRequestOptions,
	INodeCredentialsDetails,
	INodeProperties,
} from 'n8n-workflow';
import { ICredentialsHelper, UnexpectedError } from 'n8n-workflow';

/**
 * Hands nodes the decrypted credential data of a run, as n8n's CredentialsHelper does after
 * decryption: the stored fields over the credential type's defaults. Encryption, OAuth and
 * credential storage are outside what the ViewComfy node uses, so those calls fail loudly.
 */
export class HarnessCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly types: Record<string, ICredentialType>,
		private readonly data: Record<string, ICredentialDataDecryptedObject>,
	) {
		super();
	}

	async getDecrypted(
		_additionalData: unknown,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = this.data[type];
		if (!stored) throw new UnexpectedError(`The harness run has no "${type}" credential`);
		const withDefaults: ICredentialDataDecryptedObject = {};
		for (const property of this.getCredentialsProperties(type)) {
			withDefaults[property.name] = property.default as ICredentialDataDecryptedObject[string];
		}
		return { ...withDefaults, ...stored };
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.types[type]?.properties ?? [];
	}

	getParentTypes(): string[] {
		return [];
	}

	/**
	 * What n8n's CredentialsHelper does for a credential whose `authenticate` is a function: it
	 * calls it with the decrypted data and the request, and sends what it returns.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const authenticate = this.types[typeName]?.authenticate;
		if (typeof authenticate !== 'function') {
			throw new UnexpectedError(`The harness only applies authenticate functions ("${typeName}")`);
		}
		return await authenticate(credentials, requestOptions);
	}

	async preAuthentication(): Promise<undefined> {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new UnexpectedError('getCredentials() is not available in the test harness');
	}

	async updateCredentials(): Promise<void> {
		throw new UnexpectedError('updateCredentials() is not available in the test harness');
	}

	async updateCredentialsOauthTokenData(): Promise<void> {
		throw new UnexpectedError('updateCredentialsOauthTokenData() is not available in the test harness');
	}
}
