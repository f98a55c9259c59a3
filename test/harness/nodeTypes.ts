import type { IDataObject, INodeType, INodeTypes, IVersionedNodeType } from 'n8n-workflow';
import { NodeHelpers, UnexpectedError } from 'n8n-workflow';

/** The node types one harness workflow can use, by the type name written in its nodes. */
export class HarnessNodeTypes implements INodeTypes {
	private readonly types = new Map<string, INodeType | IVersionedNodeType>();

	register(typeName: string, type: INodeType | IVersionedNodeType): this {
		this.types.set(typeName, type);
		return this;
	}

	getByName(typeName: string): INodeType | IVersionedNodeType {
		const type = this.types.get(typeName);
		if (!type) throw new UnexpectedError(`Unknown node type "${typeName}" in the test harness`);
		return type;
	}

	getByNameAndVersion(typeName: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(typeName), version);
	}

	getKnownTypes(): IDataObject {
		return Object.fromEntries([...this.types.keys()].map((name) => [name, {}]));
	}
}
