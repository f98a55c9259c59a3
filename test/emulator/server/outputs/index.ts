/**
 * Runs a workflow without a GPU: every save node yields a deterministic file (same prompt and
 * uploads give the same bytes), uploads come back unchanged, and `outputBytes` adds a big file.
 */
import type { ComfyWorkflow, OutputFile } from '../types';
import type { UploadedFile } from '../multipart';
import { canonicalJson, sha256 } from './bytes';
import { imageGeometry } from './geometry';
import { largeOutput } from './large';
import { mediaBytes, type MediaFormat } from './media';
import { renderPng } from './png';
import { filenamePrefix, outputFilename, outputKind, type OutputKind } from './save-nodes';

/** Sizes of the stand-in media files: small, yet big enough to look like something. */
const MEDIA_SIZES: Record<MediaFormat, number> = {
	mp4: 24_576,
	mov: 24_576,
	webm: 24_576,
	gif: 8_192,
	webp: 8_192,
	flac: 12_288,
	mp3: 12_288,
	opus: 12_288,
	wav: 12_288,
	bin: 4_096,
};

export function toOutputFile(filename: string, contentType: string, data: Buffer): OutputFile {
	return { filename, content_type: contentType, size: data.length, base64: Buffer.from(data.toString('base64'), 'latin1') };
}

/** Identifies a run: the workflow that ran plus the bytes of every upload. */
export function runFingerprint(prompt: ComfyWorkflow, uploads: readonly UploadedFile[]): Buffer {
	return sha256(canonicalJson(prompt), ...uploads.map((u) => sha256(u.field, u.data)));
}

export function generateOutputs(prompt: ComfyWorkflow, uploads: readonly UploadedFile[], outputBytes: number | null): OutputFile[] {
	const fingerprint = runFingerprint(prompt, uploads);
	const counters = new Map<string, number>();
	const outputs: OutputFile[] = [];
	for (const [nodeId, node] of Object.entries(prompt)) {
		const k = outputKind(node);
		if (!k) continue;
		const prefix = filenamePrefix(node, fingerprint);
		const nodeSeed = sha256(fingerprint, nodeId);
		for (const data of renderNode(prompt, nodeId, k, nodeSeed)) {
			// ComfyUI counts files per prefix, so two savers sharing a prefix do not overwrite each other.
			const counterKey = `${prefix}.${k.extension}`;
			const counter = (counters.get(counterKey) ?? 0) + 1;
			counters.set(counterKey, counter);
			outputs.push(toOutputFile(outputFilename(prefix, counter, k), k.contentType, data));
		}
	}
	for (const upload of uploads) outputs.push(toOutputFile(upload.filename, upload.mimeType, upload.data));
	if (outputBytes) outputs.push(largeOutput(outputBytes));
	return outputs;
}

function renderNode(prompt: ComfyWorkflow, nodeId: string, k: OutputKind, seed: Buffer): Buffer[] {
	const node = prompt[nodeId];
	if (k.format === 'png') {
		const { width, height, batch } = imageGeometry(prompt, nodeId);
		const count = k.perBatchImage ? batch : 1;
		return Array.from({ length: count }, (_, i) => renderPng(width, height, sha256(seed, String(i))));
	}
	if (k.format === 'text') {
		const text = typeof node.inputs.text === 'string' ? node.inputs.text : `output of node ${nodeId} (${node.class_type})`;
		return [Buffer.from(`${text}\n${seed.toString('hex')}\n`, 'utf8')];
	}
	return [mediaBytes(k.format, MEDIA_SIZES[k.format], seed)];
}

/** The sampler step count shown in the progress logs. */
export function samplerSteps(prompt: ComfyWorkflow): number {
	for (const node of Object.values(prompt)) {
		const steps = node.inputs.steps;
		if (typeof steps === 'number' && Number.isInteger(steps) && steps > 0) return Math.min(steps, 1000);
	}
	return 20;
}
