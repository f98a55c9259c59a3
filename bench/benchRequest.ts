/**
 * What every benchmark row sends: the same credentials and the same `params` as the node under
 * test, so the reference clients download exactly the body the node downloads.
 */
import { FormData, request, type Dispatcher } from 'undici';

export const BENCH_CLIENT_ID = 'bench-client';
export const BENCH_CLIENT_SECRET = 'bench-secret';

/** A 64×64 image keeps the emulator's own PNG work out of the figures; the seed pins its bytes. */
export const BENCH_PARAMS = { '3-inputs-seed': 1, '5-inputs-width': 64, '5-inputs-height': 64 } as const;

export const credentialHeaders = { client_id: BENCH_CLIENT_ID, client_secret: BENCH_CLIENT_SECRET };

/** The multipart form the node sends for a run without files or workflow override. */
export function inferForm(logs: boolean): FormData {
	const form = new FormData();
	form.set('params', JSON.stringify(BENCH_PARAMS));
	form.set('logs', String(logs));
	return form;
}

/** POSTs one infer call with undici (as the node does) and checks it was answered 201. */
export async function postInfer(url: string, logs: boolean): Promise<Dispatcher.ResponseData> {
	const res = await request(url, { method: 'POST', headers: credentialHeaders, body: inferForm(logs) });
	if (res.statusCode !== 201) {
		const text = await res.body.text();
		throw new Error(`The emulator answered ${res.statusCode} instead of 201: ${text.slice(0, 300)}`);
	}
	return res;
}

/** The physical transfer floor: the whole answer downloaded and dropped. Returns its length. */
export async function downloadAndDiscard(url: string, logs: boolean): Promise<number> {
	const res = await postInfer(url, logs);
	let bytes = 0;
	for await (const chunk of res.body) bytes += (chunk as Buffer).length;
	return bytes;
}

/** `fetch`, as ViewComfy's official clients call the endpoint. */
export async function fetchInfer(url: string, logs: boolean): Promise<Response> {
	const res = await fetch(url, { method: 'POST', headers: credentialHeaders, body: fetchForm(logs) });
	if (res.status !== 201) throw new Error(`The emulator answered ${res.status} instead of 201: ${(await res.text()).slice(0, 300)}`);
	return res;
}

function fetchForm(logs: boolean): globalThis.FormData {
	const form = new globalThis.FormData();
	form.set('params', JSON.stringify(BENCH_PARAMS));
	form.set('logs', String(logs));
	return form;
}
