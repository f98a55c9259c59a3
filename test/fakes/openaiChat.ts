/**
 * A local OpenAI-compatible chat server for tests that run n8n's AI Agent: n8n's OpenAI Chat
 * Model node (credential Base URL pointed here) calls POST /v1/chat/completions, plain or
 * streamed. Every call is recorded (the tools offered, the messages sent, among them the tool
 * messages carrying what a tool returned) and answered by the test's script: either tool calls
 * or a final text. Listens on 127.0.0.1 only.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatTool {
	type: 'function';
	function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

export interface ChatMessage {
	role: 'system' | 'user' | 'assistant' | 'tool' | string;
	content?: string | Array<{ type: string; text?: string }> | null;
	tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
	tool_call_id?: string;
}

/** One POST /v1/chat/completions as received. */
export interface ChatCall {
	model: string;
	stream: boolean;
	tools: ChatTool[];
	messages: ChatMessage[];
	/** The raw JSON body, for assertions on anything else n8n sent. */
	body: Record<string, unknown>;
	headers: IncomingMessage['headers'];
}

export type ChatReply =
	| { toolCalls: Array<{ name: string; arguments: Record<string, unknown> }> }
	| { content: string };

/** Decides the answer to a call; it sees the call and every earlier one. */
export type ChatScript = (call: ChatCall, earlier: readonly ChatCall[]) => ChatReply;

export interface FakeChatServer {
	/** Base URL to put into the openAiApi credential's `url` (ends in /v1). */
	baseUrl: string;
	calls: readonly ChatCall[];
	/** Requests to paths this server does not serve, so a test can see what it was asked for. */
	unhandled: readonly string[];
	close(): Promise<void>;
}

/** The text of a message, whether content is a string or a list of parts. */
export function messageText(message: ChatMessage): string {
	if (typeof message.content === 'string') return message.content;
	return (message.content ?? []).map((part) => part.text ?? '').join('');
}

/** The tool messages of a call: what the agent sent back as tool results. */
export function toolMessages(call: ChatCall): ChatMessage[] {
	return call.messages.filter((message) => message.role === 'tool');
}

export async function startFakeChatServer(script: ChatScript): Promise<FakeChatServer> {
	const calls: ChatCall[] = [];
	const unhandled: string[] = [];
	let completionCount = 0;

	const server = createServer((req, res) => {
		void handle(req, res).catch((error: unknown) => {
			if (!res.headersSent) sendJson(res, 500, { error: { message: String(error), type: 'fake_server_error' } });
			else res.end();
		});
	});

	async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '');
		if (req.method === 'GET' && path.endsWith('/models')) {
			sendJson(res, 200, { object: 'list', data: [{ id: 'fake-model', object: 'model', created: 0, owned_by: 'test' }] });
			return;
		}
		if (req.method !== 'POST' || !path.endsWith('/chat/completions')) {
			unhandled.push(`${req.method} ${req.url}`);
			sendJson(res, 404, { error: { message: `The fake chat server does not serve ${req.method} ${path}`, type: 'invalid_request_error' } });
			return;
		}
		const body = JSON.parse(await readBody(req)) as Record<string, unknown>;
		const call: ChatCall = {
			model: String(body.model ?? ''),
			stream: body.stream === true,
			tools: (body.tools as ChatTool[] | undefined) ?? [],
			messages: (body.messages as ChatMessage[] | undefined) ?? [],
			body,
			headers: req.headers,
		};
		const reply = script(call, [...calls]);
		calls.push(call);
		completionCount += 1;
		const id = `chatcmpl-fake-${completionCount}`;
		const toolCalls =
			'toolCalls' in reply
				? reply.toolCalls.map((toolCall, index) => ({
						id: `call_${completionCount}_${index}`,
						type: 'function' as const,
						function: { name: toolCall.name, arguments: JSON.stringify(toolCall.arguments) },
					}))
				: undefined;
		const content = 'content' in reply ? reply.content : null;
		const finishReason = toolCalls ? 'tool_calls' : 'stop';
		const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };

		if (!call.stream) {
			sendJson(res, 200, {
				id,
				object: 'chat.completion',
				created: Math.floor(Date.now() / 1000),
				model: call.model,
				choices: [{ index: 0, message: { role: 'assistant', content, ...(toolCalls ? { tool_calls: toolCalls } : {}) }, finish_reason: finishReason, logprobs: null }],
				usage,
			});
			return;
		}
		res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
		const chunk = (delta: Record<string, unknown>, finish: string | null, extra: Record<string, unknown> = {}) =>
			res.write(
				`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: call.model, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }], ...extra })}\n\n`,
			);
		chunk({ role: 'assistant', content: toolCalls ? null : '' }, null);
		if (toolCalls) chunk({ tool_calls: toolCalls.map((toolCall, index) => ({ index, ...toolCall })) }, null);
		else chunk({ content }, null);
		chunk({}, finishReason);
		const streamOptions = body.stream_options as { include_usage?: boolean } | undefined;
		if (streamOptions?.include_usage) {
			res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: call.model, choices: [], usage })}\n\n`);
		}
		res.end('data: [DONE]\n\n');
	}

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const port = (server.address() as AddressInfo).port;
	let closed: Promise<void> | undefined;
	return {
		baseUrl: `http://127.0.0.1:${port}/v1`,
		calls,
		unhandled,
		close: () => {
			closed ??= new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
			return closed;
		},
	};
}

async function readBody(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
	res.end(text);
}
