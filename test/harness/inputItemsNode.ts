import type {
	IBinaryKeyData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

/** One binary property of an input item: bytes (or UTF-8 text) and what n8n should call them. */
export interface InputBinary {
	data: Buffer | string;
	fileName?: string;
	/** Omitted: n8n infers it from the file name or the bytes, as for a downloaded file. */
	mimeType?: string;
}

/** An item as a preceding node would emit it. */
export interface InputItem {
	json?: IDataObject;
	binary?: Record<string, InputBinary>;
}

export const INPUT_ITEMS_NODE_TYPE = 'harness.inputItems';

// Items are handed over in memory by key, so large test files never pass through a parameter.
const pendingItems = new Map<string, InputItem[]>();
let nextKey = 0;

/** Parks items for one run; the node reads them by the returned key. */
export function parkInputItems(items: InputItem[]): { key: string; release: () => void } {
	const key = `items-${++nextKey}`;
	pendingItems.set(key, items);
	return { key, release: () => pendingItems.delete(key) };
}

/**
 * Test-only node that plays "the node before": it emits the parked items, turning each binary
 * into n8n binary data with the real `prepareBinaryData`, so the next node sees exactly what a
 * Read File or HTTP Request node would hand it in the current binary data mode.
 */
export class InputItemsNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Harness Input Items',
		name: INPUT_ITEMS_NODE_TYPE,
		group: ['transform'],
		version: 1,
		description: 'Emits items parked by the test harness',
		defaults: { name: 'Input' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [{ displayName: 'Items Key', name: 'itemsKey', type: 'string', default: '' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const key = this.getNodeParameter('itemsKey', 0) as string;
		const items = pendingItems.get(key);
		if (!items) throw new Error(`No input items parked under "${key}"`);
		const output: INodeExecutionData[] = [];
		for (const item of items) {
			const binary: IBinaryKeyData = {};
			for (const [property, file] of Object.entries(item.binary ?? {})) {
				const bytes = typeof file.data === 'string' ? Buffer.from(file.data, 'utf8') : file.data;
				binary[property] = await this.helpers.prepareBinaryData(bytes, file.fileName, file.mimeType);
			}
			output.push({
				json: item.json ?? {},
				...(item.binary ? { binary } : {}),
				pairedItem: { item: 0 },
			});
		}
		return [output];
	}
}
