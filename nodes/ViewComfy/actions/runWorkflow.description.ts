import type { INodeProperties } from 'n8n-workflow';

/**
 * The pasted JSON's text without the values of its literal inputs (titles and classes kept) and
 * without white space. Two native replaces: the editor resolves this on every change in the panel,
 * keystrokes in a field included, so it must not walk the workflow in the expression sandbox.
 */
const WORKFLOW_INPUT_SET_EXPRESSION =
	'={{ String($parameter.workflowJson ?? "").replace(/("(?!(?:title|class_type)")(?:[^"\\\\]|\\\\.)*"\\s*:)\\s*(?:"(?:[^"\\\\]|\\\\.)*"|[-+.\\deE]+|true|false|null)/g, "$1").replace(/\\s+/g, "") }}';

const showForRun = { operation: ['runWorkflow'] };
/** Output and options apply wherever files come back. */
const showForResults = { operation: ['runWorkflow', 'getResults'] };
/** Inside the Options collection, paths to top-level parameters start with a slash. */
const onlyForRun = { show: { '/operation': ['runWorkflow'] } };

export const runWorkflowProperties: INodeProperties[] = [
	{
		displayName: 'Send as Override',
		name: 'sendWorkflowOverride',
		type: 'boolean',
		default: false,
		description:
			'Whether to send this workflow as workflow_api so it replaces the deployed one for this run. Leave off to run the deployed workflow and only send the parameters.',
		displayOptions: { show: { ...showForRun, workflowSource: ['paste', 'viewComfyApp', 'binary'] } },
	},
	{
		displayName: 'File Inputs',
		name: 'fileInputs',
		placeholder: 'Add File Input',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		description:
			'Send binary data of the input item as a file for a parameter such as 10-inputs-image (a Load Image node)',
		displayOptions: { show: showForRun },
		options: [
			{
				name: 'file',
				displayName: 'File',
				values: [
					{
						displayName: 'Parameter Key',
						name: 'key',
						type: 'string',
						default: '',
						placeholder: '10-inputs-image',
						description: 'The flattened key of the file input',
					},
					{
						displayName: 'Input Binary Property',
						name: 'binaryProperty',
						type: 'string',
						default: 'data',
						description:
							'Binary property of the input item that holds the file, or the file\'s http(s) URL (fetched without the ViewComfy credentials)',
					},
					{
						displayName: 'Mask Binary Property',
						name: 'maskBinaryProperty',
						type: 'string',
						default: '',
						description:
							'Optional binary property (or http(s) URL) with a mask for this image, sent as &lt;key&gt;-viewcomfymask',
					},
				],
			},
		],
	},
	{
		displayName: 'Mode',
		name: 'resultMode',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Wait for Result',
				value: 'wait',
				description: 'One request that returns when the run is done',
			},
			{
				name: 'Stream Logs',
				value: 'stream',
				description:
					"Receive ComfyUI's console output while the run progresses, into the output and n8n's log. Direct deployment only: with the hosted API the run waits for the result instead (its logs are only sent over Socket.IO).",
			},
		],
		default: 'wait',
		displayOptions: { show: showForRun },
	},
	{
		displayName:
			'Stream Logs needs a direct deployment credential. With the ViewComfy hosted API the node waits for the result and notes this in the n8n log.',
		name: 'streamLogsHostedNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { ...showForRun, resultMode: ['stream'] } },
	},
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: true,
		description:
			'Whether to wait for the run and output its files. Off (hosted API only): output the prompt_id at once and let the run go on; fetch its files later with Get Results.',
		displayOptions: { show: { ...showForRun, resultMode: ['wait'] } },
	},
	{
		displayName: 'Workflow Inputs',
		name: 'workflowInputSet',
		type: 'hidden',
		// What the fields are made of (node ids, classes, titles and literal input names), resolved by
		// the editor. The field list depends on this instead of the JSON text, because n8n reloads
		// (and empties) a resource mapper whenever a parameter it depends on changes its value: editing
		// a value inside the pasted JSON leaves this unchanged, so the fields stay as they are.
		default: WORKFLOW_INPUT_SET_EXPRESSION,
		displayOptions: { show: { ...showForRun, workflowSource: ['paste'] } },
	},
	{
		displayName: 'Offer All Workflow Parameters',
		name: 'allWorkflowParameters',
		type: 'boolean',
		noDataExpression: true,
		default: false,
		description:
			'Whether the field menu ("Add parameter") of a large workflow (over 40 inputs) offers every literal input. Off: it lists only the likely fields (prompts, seeds, images, size, steps), which keeps typing quick and the saved workflow small. Small workflows always list every input.',
		displayOptions: { show: { ...showForRun, workflowSource: ['paste'] } },
	},
	{
		displayName: 'Workflow Parameters',
		name: 'parameters',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		required: true,
		typeOptions: {
			loadOptionsDependsOn: ['workflowInputSet', 'allWorkflowParameters'],
			resourceMapper: {
				resourceMapperMethod: 'getWorkflowParameters',
				mode: 'add',
				valuesLabel: 'Workflow Parameters',
				fieldWords: { singular: 'parameter', plural: 'parameters' },
				addAllFields: true,
				multiKeyMatch: false,
				supportAutoMap: false,
				noFieldsError:
					'No parameters found: paste a workflow exported with "Export (API)" in the field above',
			},
		},
		description:
			'The literal inputs of the pasted workflow, prefilled with their values (large workflows list the likely ones: prompts, seeds, images, size, steps; turn on Offer All Workflow Parameters to add any other). Only the fields you change are sent; an emptied or removed field keeps the workflow’s value.',
		displayOptions: { show: { ...showForRun, workflowSource: ['paste'] } },
	},
	{
		displayName: 'App Inputs',
		name: 'appInputs',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		required: true,
		typeOptions: {
			loadOptionsDependsOn: ['viewComfyJson', 'appWorkflow'],
			resourceMapper: {
				resourceMapperMethod: 'getAppInputs',
				mode: 'add',
				valuesLabel: 'App Inputs',
				fieldWords: { singular: 'input', plural: 'inputs' },
				addAllFields: true,
				multiKeyMatch: false,
				supportAutoMap: false,
				noFieldsError: 'No inputs found: paste the view_comfy.json of your ViewComfy app in the field above',
			},
		},
		description:
			"The app's form: basic inputs, then advanced ones. Only the inputs you change are sent; an empty input keeps the app's value. Image, video and audio inputs take the name of the input item's binary property to send, or an http(s) URL to fetch the file from.",
		displayOptions: { show: { ...showForRun, workflowSource: ['viewComfyApp'] } },
	},
	{
		displayName: 'Parameters',
		name: 'parameterValues',
		placeholder: 'Add Parameter',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		description:
			'Parameter overrides as flattened keys such as 6-inputs-text (node ID, "-inputs-", input name). Use the List Workflow Parameters operation to discover the keys.',
		displayOptions: { show: { ...showForRun, workflowSource: ['deployed', 'binary'] } },
		options: [
			{
				name: 'parameter',
				displayName: 'Parameter',
				values: [
					{
						displayName: 'Key',
						name: 'key',
						type: 'string',
						default: '',
						placeholder: '6-inputs-text',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
					},
				],
			},
		],
	},
	{
		displayName: 'Additional Parameters (JSON)',
		name: 'additionalParameters',
		type: 'json',
		default: '{}',
		description:
			'Any other parameter keys as a JSON object, e.g. {"3-inputs-steps": 30}. These win over the fields above.',
		displayOptions: { show: showForRun },
	},
	{
		displayName: 'Output',
		name: 'outputMode',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'One Item per File',
				value: 'itemPerFile',
				description: 'Each generated file becomes its own item, in binary property "data"',
			},
			{
				name: 'All Files on One Item',
				value: 'allOnOneItem',
				description: 'One item per run, with binary properties data_0, data_1, …',
			},
		],
		default: 'itemPerFile',
		displayOptions: { show: showForResults },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: showForResults },
		options: [
			{
				displayName: 'Batch Concurrency',
				name: 'concurrency',
				displayOptions: onlyForRun,
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 64 },
				default: 1,
				description:
					'How many input items run at the same time. Outputs always come back in input order.',
			},
			{
				displayName: 'Download Files',
				name: 'downloadFiles',
				type: 'boolean',
				default: true,
				description:
					'Whether to download the output files as binary data. Off: nothing is downloaded; each item gets the file\'s pre-signed link with its name, type, size and, when the link says, when it expires. Anyone with the link can fetch the file until it expires. Hosted API only: a direct deployment sends its files inside its answer, so turning this off with a direct credential fails the run.',
			},
			{
				displayName: 'Include Executed Workflow',
				name: 'includePrompt',
				type: 'boolean',
				default: false,
				description: 'Whether to add the workflow that ViewComfy ran to the output as "prompt"',
			},
			{
				displayName: 'Include Logs',
				name: 'includeLogs',
				displayOptions: onlyForRun,
				type: 'boolean',
				default: true,
				description: 'Whether to add the streamed log lines to the output as "logs" (Stream Logs mode)',
			},
			{
				displayName: 'Max Input Size (MB)',
				name: 'maxInputSizeMb',
				displayOptions: onlyForRun,
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 512,
				description:
					'Largest file a file input given as a URL may have; a larger one fails its item before the run starts',
			},
			{
				displayName: 'Max Output Size (MB)',
				name: 'maxOutputSizeMb',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 2048,
				description:
					'Fail cleanly when one run returns more than this, before the n8n server runs out of memory',
			},
			{
				displayName: 'Max Poll Interval (Seconds)',
				name: 'maxPollIntervalSeconds',
				type: 'number',
				typeOptions: { minValue: 0.1, numberPrecision: 1 },
				default: 30,
				description:
					'Hosted API: the wait between two status checks grows from Poll Interval up to this, so long runs cost few requests',
			},
			{
				displayName: 'Max Retries',
				name: 'maxRetries',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 8,
				description:
					'Retries for cold starts (502/503/504), rate limits (429) and refused connections. Other errors are never retried, because the generation may already have run. Hosted API: also every server error while checking status or downloading (repeating those changes nothing).',
			},
			{
				displayName: 'Max Total Retry Wait (Seconds)',
				name: 'maxRetryWaitSeconds',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 600,
				description:
					'Upper bound of the time spent waiting between retries; the default covers cold starts of several minutes',
			},
			{
				displayName: 'Output Binary Property',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				description:
					'Name of the binary property for the files (with All Files on One Item: name_0, name_1, …)',
			},
			{
				displayName: 'Poll Interval (Seconds)',
				name: 'pollIntervalSeconds',
				type: 'number',
				typeOptions: { minValue: 0.1, numberPrecision: 1 },
				default: 2,
				description:
					'Hosted API: how long to wait before the first status check of a run; later waits grow by half each time, up to Max Poll Interval',
			},
			{
				displayName: 'Randomize Seed',
				name: 'randomizeSeed',
				displayOptions: onlyForRun,
				type: 'options',
				options: [
					{
						name: 'When Nothing Else Is Set',
						value: 'whenEmpty',
						description:
							'Give seed inputs a new random value only if no parameter was set, so each run differs',
					},
					{
						name: 'Always',
						value: 'always',
						description: 'Every seed input you did not set gets a new random value on each run',
					},
					{
						name: 'Never',
						value: 'never',
						description: 'Keep the seeds of the workflow',
					},
				],
				default: 'whenEmpty',
				description: 'Applies to every seed-like input (seed, noise_seed, rand_seed)',
			},
			{
				displayName: 'Retry Interrupted Streams',
				name: 'retryInterruptedStreams',
				displayOptions: onlyForRun,
				type: 'boolean',
				default: false,
				description:
					'Whether to run the workflow again when the connection breaks after ViewComfy started answering. Off by default: the first run may have completed and been billed, so a retry can cost a second generation.',
			},
			{
				displayName: 'Timeout (Minutes)',
				name: 'timeoutMinutes',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 40,
				description:
					'How long one run may take in total, cold start included. ViewComfy runs can take many minutes. Hosted API: how long to wait for the runs to finish; downloading their files may take as long again.',
			},
		],
	},
];
