import { randomUUID } from 'node:crypto';
import { Container } from '@n8n/di';
import { ExecutionLifecycleHooks, ExternalSecretsProxy, WorkflowExecute, type BinaryDataService } from 'n8n-core';
import type {
	ExecutionStatus,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	IRun,
	ITaskData,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { UnexpectedError, Workflow, createRunExecutionData } from 'n8n-workflow';

import { formatLogLines, type LogLine } from './capturingLogger';
import { HarnessCredentialsHelper } from './credentialsHelper';
import { INPUT_ITEMS_NODE_TYPE, InputItemsNode, parkInputItems, type InputItem } from './inputItemsNode';
import { n8nRuntime, useBinaryMode, type BinaryMode } from './n8nRuntime';
import { HarnessNodeTypes } from './nodeTypes';

const INPUT_NODE = 'Input';
let runsInFlight = 0;
let modeInFlight: BinaryMode = 'default';
const inputItemsNode = new InputItemsNode();

export interface NodeUnderTest {
	/** Type name as written in workflow JSON, e.g. `n8n-nodes-viewcomfy.viewComfy`. */
	typeName: string;
	type: INodeType;
	/** Node name in the workflow (what `$('…')` and error messages use). */
	name: string;
	typeVersion?: number;
}

export interface RunOptions {
	node: NodeUnderTest;
	/** The node's parameters as in workflow JSON; missing ones get their defaults. */
	parameters?: INodeParameters;
	/** Credential data by credential type name; each is attached to the node. */
	credentials?: Record<string, { type: ICredentialType; data: ICredentialDataDecryptedObject }>;
	/** Items the preceding node emits; default one empty item, like a Manual Trigger. */
	input?: InputItem[];
	/** The node setting "On Error: Continue (regular output)". */
	continueOnFail?: boolean;
	/** Default `default` (in-memory base64), as in the n8n editor without S3/filesystem config. */
	binaryMode?: BinaryMode;
	/** Aborting it stops the execution the way n8n's "Stop execution" does. */
	signal?: AbortSignal;
}

export interface RunResult {
	/** Items on the node's first output (empty when it threw). */
	items: INodeExecutionData[];
	/** Every output of the node. */
	outputs: INodeExecutionData[][];
	/** The error the node threw, as thrown (class and fields intact). */
	error?: Error;
	/** The execution's status as n8n records it: success, error, canceled, … */
	status: ExecutionStatus;
	/** n8n's own record of the node's run, error included as n8n stores it. */
	taskData?: ITaskData;
	run: IRun;
	/** Log lines emitted during this run (n8n's logger and LoggerProxy, every level). */
	logs: LogLine[];
	/** The log lines as one text, metadata included, for substring checks. */
	logText: string;
	/** Bytes of a binary property of an output item, read back through n8n's BinaryDataService. */
	binaryBuffer(item: INodeExecutionData, property?: string): Promise<Buffer>;
	/** Deletes this execution's filesystem binary data (benchmarks with large outputs). */
	dispose(): Promise<void>;
}

/**
 * Runs `Input → node under test` through n8n-core's WorkflowExecute, the engine n8n itself uses:
 * real parameter defaults and expressions, real binary data helpers, real Continue On Fail and
 * paired items, and the execution's abort signal wired to `signal`.
 */
export async function runWorkflowNode(options: RunOptions): Promise<RunResult> {
	const { logger } = n8nRuntime();
	const binaryMode = options.binaryMode ?? 'default';
	// n8n's binary helpers find the service through one process-wide container entry.
	if (runsInFlight > 0 && binaryMode !== modeInFlight) {
		throw new UnexpectedError(
			`A harness run in binary mode "${modeInFlight}" is still in flight; concurrent runs must share one mode`,
		);
	}
	modeInFlight = binaryMode;
	const logStart = logger.lines.length;
	runsInFlight++;
	try {
		return await execute(options, () => logger.lines.slice(logStart));
	} finally {
		// A benchmark runs thousands of executions: keep only what runs still in flight may need.
		if (--runsInFlight === 0) logger.lines.length = 0;
	}
}

async function execute(options: RunOptions, takeLogs: () => LogLine[]): Promise<RunResult> {
	const binaryService = await useBinaryMode(options.binaryMode ?? 'default');

	let thrown: Error | undefined;
	const nodeTypes = new HarnessNodeTypes()
		.register(INPUT_ITEMS_NODE_TYPE, inputItemsNode)
		.register(options.node.typeName, recordThrownError(options.node.type, (error) => (thrown = error)));

	const parked = parkInputItems(options.input ?? [{ json: {} }]);
	const workflowData = buildWorkflowData(options, parked.key);
	const workflow = new Workflow({
		id: workflowData.id,
		name: workflowData.name,
		nodes: workflowData.nodes,
		connections: workflowData.connections,
		active: false,
		nodeTypes,
		settings: workflowData.settings,
	});

	const executionId = randomUUID();
	const additionalData = buildAdditionalData(executionId, workflowData, options.credentials ?? {});
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{ node: workflow.getNode(INPUT_NODE)!, data: { main: [[{ json: {} }]] }, source: null },
			],
		},
	});

	const execution = new WorkflowExecute(additionalData, 'manual', runExecutionData).processRunExecutionData(
		workflow,
	);
	const cancel = () => execution.cancel();
	if (options.signal?.aborted) cancel();
	options.signal?.addEventListener('abort', cancel, { once: true });

	let run: IRun;
	try {
		run = await execution;
	} finally {
		options.signal?.removeEventListener('abort', cancel);
		parked.release();
	}

	const taskData = run.data.resultData.runData[options.node.name]?.[0];
	const outputs = (taskData?.data?.main ?? []).map((output) => output ?? []);
	const logs = takeLogs();
	return {
		items: outputs[0] ?? [],
		outputs,
		error: thrown,
		status: run.status,
		taskData,
		run,
		logs,
		logText: formatLogLines(logs),
		binaryBuffer: async (item, property = 'data') => await readBinary(binaryService, item, property),
		dispose: async () =>
			await binaryService.deleteMany([{ type: 'execution', workflowId: workflowData.id, executionId }]),
	};
}

function buildWorkflowData(options: RunOptions, itemsKey: string): IWorkflowBase {
	const { node } = options;
	const credentials = Object.fromEntries(
		Object.keys(options.credentials ?? {}).map((type) => [type, { id: `${type}-1`, name: `${type} (harness)` }]),
	);
	const nodes: INode[] = [
		{
			id: randomUUID(),
			name: INPUT_NODE,
			type: INPUT_ITEMS_NODE_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: { itemsKey },
		},
		{
			id: randomUUID(),
			name: node.name,
			type: node.typeName,
			typeVersion: node.typeVersion ?? 1,
			position: [200, 0],
			// Workflow's constructor fills in defaults in place; keep the caller's object intact.
			parameters: structuredClone(options.parameters ?? {}),
			...(Object.keys(credentials).length ? { credentials } : {}),
			...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
		},
	];
	return {
		id: 'harness-workflow',
		name: 'Harness workflow',
		active: false,
		activeVersionId: null,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes,
		connections: { [INPUT_NODE]: { main: [[{ node: node.name, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

function buildAdditionalData(
	executionId: string,
	workflowData: IWorkflowBase,
	credentials: NonNullable<RunOptions['credentials']>,
): IWorkflowExecuteAdditionalData {
	const types = Object.fromEntries(Object.entries(credentials).map(([name, { type }]) => [name, type]));
	const data = Object.fromEntries(Object.entries(credentials).map(([name, entry]) => [name, entry.data]));
	const unsupported = (what: string) => () => {
		throw new UnexpectedError(`${what} is not available in the test harness`);
	};
	return {
		executionId,
		credentialsHelper: new HarnessCredentialsHelper(types, data),
		hooks: new ExecutionLifecycleHooks('manual', executionId, workflowData),
		externalSecretsProxy: Container.get(ExternalSecretsProxy),
		currentNodeExecutionIndex: 0,
		variables: {},
		restApiUrl: 'http://127.0.0.1/rest',
		instanceBaseUrl: 'http://127.0.0.1/',
		formWaitingBaseUrl: 'http://127.0.0.1/form-waiting',
		webhookBaseUrl: 'http://127.0.0.1/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1/webhook-test',
		executeWorkflow: unsupported('Sub-workflow execution'),
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: unsupported('Task runners'),
	};
}

/** The node type as registered, except that it remembers what its execute threw. */
function recordThrownError(type: INodeType, record: (error: Error) => void): INodeType {
	const execute = type.execute;
	if (!execute) return type;
	return Object.assign(Object.create(type) as INodeType, {
		async execute(this: IExecuteFunctions) {
			try {
				return await execute.call(this);
			} catch (error) {
				record(error as Error);
				throw error;
			}
		},
	});
}

async function readBinary(service: BinaryDataService, item: INodeExecutionData, property: string): Promise<Buffer> {
	const binary = item.binary?.[property];
	if (!binary) {
		throw new UnexpectedError(
			`Output item has no binary property "${property}" (has: ${Object.keys(item.binary ?? {}).join(', ') || 'none'})`,
		);
	}
	return await service.getAsBuffer(binary);
}
