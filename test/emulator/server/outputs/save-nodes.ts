/**
 * Which nodes write files and what they write: format, MIME type and ComfyUI-style file name.
 */
import type { ComfyNode } from '../types';
import type { MediaFormat } from './media';

export interface OutputKind {
	format: MediaFormat | 'png' | 'text';
	extension: string;
	contentType: string;
	/** ComfyUI's savers name files `prefix_00001_.ext`; Video Helper Suite drops the last underscore. */
	trailingUnderscore: boolean;
	/** One file per image of the batch (SaveImage, PreviewImage). */
	perBatchImage: boolean;
}

const kind = (
	format: OutputKind['format'],
	extension: string,
	contentType: string,
	extra: Partial<OutputKind> = {},
): OutputKind => ({ format, extension, contentType, trailingUnderscore: true, perBatchImage: false, ...extra });

const PNG_BATCH = kind('png', 'png', 'image/png', { perBatchImage: true });

const BY_CLASS: Record<string, OutputKind> = {
	SaveImage: PNG_BATCH,
	PreviewImage: PNG_BATCH,
	SaveAnimatedPNG: kind('png', 'png', 'image/png'),
	SaveAnimatedWEBP: kind('webp', 'webp', 'image/webp'),
	SaveWEBM: kind('webm', 'webm', 'video/webm'),
	SaveAudio: kind('flac', 'flac', 'audio/flac'),
	SaveAudioMP3: kind('mp3', 'mp3', 'audio/mpeg'),
	SaveAudioOpus: kind('opus', 'opus', 'audio/opus'),
};

/** Video Helper Suite's `format` input to the file it writes. */
const VHS_FORMATS: Record<string, OutputKind> = {
	'image/gif': kind('gif', 'gif', 'image/gif'),
	'image/webp': kind('webp', 'webp', 'image/webp'),
	'video/webm': kind('webm', 'webm', 'video/webm'),
	'video/vp9-webm': kind('webm', 'webm', 'video/webm'),
	'video/av1-webm': kind('webm', 'webm', 'video/webm'),
	'video/ProRes': kind('mov', 'mov', 'video/quicktime'),
};

const MP4 = kind('mp4', 'mp4', 'video/mp4');

export function outputKind(node: ComfyNode): OutputKind | null {
	const cls = node.class_type;
	if (BY_CLASS[cls]) return BY_CLASS[cls];
	if (cls === 'VHS_VideoCombine') {
		const format = String(node.inputs.format ?? 'video/h264-mp4');
		return { ...(VHS_FORMATS[format] ?? MP4), trailingUnderscore: false };
	}
	if (cls === 'SaveVideo') return node.inputs.format === 'webm' ? BY_CLASS.SaveWEBM : MP4;
	if (!cls.startsWith('Save')) return null;
	if (/Image/i.test(cls)) return kind('png', 'png', 'image/png');
	if (/Video|Animat/i.test(cls)) return MP4;
	if (/Audio/i.test(cls)) return BY_CLASS.SaveAudio;
	if (/Text|String/i.test(cls)) return kind('text', 'txt', 'text/plain');
	return kind('bin', 'bin', 'application/octet-stream');
}

/** The prefix a saver names its files with (only the last path segment; ViewComfy returns bare names). */
export function filenamePrefix(node: ComfyNode, fingerprint: Buffer): string {
	if (node.class_type === 'PreviewImage') {
		// ComfyUI gives previews a random `ComfyUI_temp_xxxxx` prefix; here it follows the run's fingerprint.
		const letters = Array.from(fingerprint.subarray(0, 5), (b) => String.fromCharCode(97 + (b % 26))).join('');
		return `ComfyUI_temp_${letters}`;
	}
	const raw = typeof node.inputs.filename_prefix === 'string' ? node.inputs.filename_prefix : 'ComfyUI';
	const last = raw.split(/[\\/]/).filter(Boolean).pop();
	return last ?? 'ComfyUI';
}

export function outputFilename(prefix: string, counter: number, k: OutputKind): string {
	return `${prefix}_${String(counter).padStart(5, '0')}${k.trailingUnderscore ? '_' : ''}.${k.extension}`;
}
