import type { ILoadOptionsFunctions } from 'n8n-workflow';

/** A json parameter as text: the json field hands back an object when an expression produced one. */
export function jsonParameterText(ctx: ILoadOptionsFunctions, name: string): string {
	const raw = ctx.getNodeParameter(name, '') as unknown;
	return typeof raw === 'string' ? raw : JSON.stringify(raw ?? '');
}
