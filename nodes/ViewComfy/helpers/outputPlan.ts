/**
 * Which n8n item and binary property each output file goes to. Only the plan: the node fills it
 * with the real binary data.
 */
import { fileExtension } from './fileName';
import { linkExpiry } from './inputFile';

export interface OutputFileInfo {
	/** Position in the result's `outputs`. */
	index: number;
	fileName: string;
	mimeType: string;
	/** Unknown for a file that was not downloaded and whose size the hosted API did not declare. */
	fileSize?: number;
	/** The hosted API's pre-signed link, when the item is to show it (Download Files off, or as a tool). */
	link?: string;
}

export type OutputMode = 'itemPerFile' | 'allOnOneItem';

export interface PlannedItem {
	files: Array<{ property: string; file: OutputFileInfo }>;
}

export const DEFAULT_BINARY_PROPERTY = 'data';

/**
 * `itemPerFile`: one item per file, each on `binaryProperty` (DEFAULT_BINARY_PROPERTY when blank).
 * `allOnOneItem`: a single item with `<binaryProperty>_0`, `_1`, … in file order.
 * No files: one item without binary data, so the run's metadata still flows on.
 */
export function planOutputItems(files: OutputFileInfo[], mode: OutputMode, binaryProperty: string | undefined): PlannedItem[] {
	const property = (typeof binaryProperty === 'string' ? binaryProperty.trim() : '') || DEFAULT_BINARY_PROPERTY;
	if (files.length === 0) return [{ files: [] }];
	if (mode === 'itemPerFile') return files.map((file) => ({ files: [{ property, file }] }));
	return [{ files: files.map((file, position) => ({ property: `${property}_${position}`, file })) }];
}

/** A type alias, not an interface, so that it fits n8n's IDataObject as it is. */
export type OutputFileMetadata = {
	/** Position among the run's outputs, in ViewComfy's order. */
	index: number;
	fileName: string;
	mimeType: string;
	fileSize?: number;
	fileExtension?: string;
	/** Pre-signed link: anyone who has it can fetch the file until it expires. */
	url?: string;
	/** When the link stops working (ISO time), if its query says. */
	expiresAt?: string;
};

/** What the item JSON says about one output file (no bytes). */
export function fileMetadata(file: OutputFileInfo): OutputFileMetadata {
	const metadata: OutputFileMetadata = { index: file.index, fileName: file.fileName, mimeType: file.mimeType };
	if (file.fileSize !== undefined) metadata.fileSize = file.fileSize;
	const extension = fileExtension(file.fileName);
	if (extension !== undefined) metadata.fileExtension = extension;
	if (file.link !== undefined) {
		metadata.url = file.link;
		const expiresAt = linkExpiry(file.link);
		if (expiresAt) metadata.expiresAt = expiresAt;
	}
	return metadata;
}
