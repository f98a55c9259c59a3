/**
 * Image size and batch size for a save node, read from the workflow the way the graph wires them:
 * the nearest upstream node with literal width/height inputs (e.g. EmptyLatentImage).
 */
import type { ComfyWorkflow } from '../types';
import { isLink } from '../workflow';
import { MAX_IMAGE_SIDE } from './png';

export const DEFAULT_SIDE = 512;
export const MAX_BATCH = 8;

export interface ImageGeometry {
	width: number;
	height: number;
	batch: number;
}

const clamp = (value: number, max: number) => Math.min(max, Math.max(1, Math.round(value)));
const isSize = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

export function imageGeometry(workflow: ComfyWorkflow, saveNodeId: string): ImageGeometry {
	const seen = new Set<string>();
	const queue = [saveNodeId];
	while (queue.length) {
		const id = queue.shift() as string;
		if (seen.has(id) || !workflow[id]) continue;
		seen.add(id);
		const inputs = workflow[id].inputs;
		if (isSize(inputs.width) && isSize(inputs.height)) {
			return {
				width: clamp(inputs.width, MAX_IMAGE_SIDE),
				height: clamp(inputs.height, MAX_IMAGE_SIDE),
				batch: isSize(inputs.batch_size) ? clamp(inputs.batch_size, MAX_BATCH) : 1,
			};
		}
		for (const value of Object.values(inputs)) if (isLink(value)) queue.push(value[0]);
	}
	return { width: DEFAULT_SIDE, height: DEFAULT_SIDE, batch: 1 };
}
