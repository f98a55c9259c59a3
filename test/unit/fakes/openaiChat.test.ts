/**
 * The local OpenAI-compatible chat server the agent e2e test points n8n's OpenAI Chat Model at:
 * it records what it was sent and answers tool calls or text, plain or streamed, in the shapes
 * OpenAI's chat completions API uses.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';

import { startFakeChatServer, toolMessages, type ChatReply, type FakeChatServer } from '../../fakes/openaiChat';

const TOOLS = [{ type: 'function', function: { name: 'Generate_Image', description: 'Makes an image', parameters: { type: 'object', properties: { prompt: { type: 'string' } } } } }];

let server: FakeChatServer;
let reply: ChatReply;

beforeAll(async () => {
	server = await startFakeChatServer(() => reply);
});
afterAll(() => server.close());

async function complete(body: Record<string, unknown>): Promise<Response> {
	return await fetch(`${server.baseUrl}/chat/completions`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
		body: JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: 'a fox' }], tools: TOOLS, ...body }),
	});
}

async function events(res: Response): Promise<string[]> {
	const data: string[] = [];
	const parser = createParser({ onEvent: (event: EventSourceMessage) => data.push(event.data) });
	parser.feed(await res.text());
	return data;
}

it('answers a tool call as one chat completion, and records the tools offered', async () => {
	reply = { toolCalls: [{ name: 'Generate_Image', arguments: { prompt: 'a red fox' } }] };
	const res = await complete({});
	expect(res.status).toBe(200);
	const body = (await res.json()) as { choices: Array<{ message: { tool_calls: Array<{ id: string; function: { name: string; arguments: string } }> }; finish_reason: string }> };
	expect(body.choices[0].finish_reason).toBe('tool_calls');
	const [call] = body.choices[0].message.tool_calls;
	expect(call.function).toEqual({ name: 'Generate_Image', arguments: '{"prompt":"a red fox"}' });
	expect(call.id).toMatch(/^call_/);
	expect(server.calls.at(-1)?.tools).toEqual(TOOLS);
});

it('streams a tool call as chunks ending in [DONE], with usage when asked', async () => {
	reply = { toolCalls: [{ name: 'Generate_Image', arguments: { prompt: 'a red fox' } }] };
	const res = await complete({ stream: true, stream_options: { include_usage: true } });
	expect(res.headers.get('content-type')).toBe('text/event-stream');
	const data = await events(res);
	expect(data.at(-1)).toBe('[DONE]');
	const chunks = data.slice(0, -1).map((text) => JSON.parse(text) as { choices: Array<{ delta: { tool_calls?: Array<{ index: number; function: { arguments: string } }> }; finish_reason: string | null }>; usage?: unknown });
	const toolCall = chunks.flatMap((chunk) => chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []));
	expect(toolCall).toHaveLength(1);
	expect(toolCall[0]).toMatchObject({ index: 0, function: { arguments: '{"prompt":"a red fox"}' } });
	expect(chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason))).toContain('tool_calls');
	expect(chunks.at(-1)?.usage).toBeDefined();
	expect(server.calls.at(-1)?.stream).toBe(true);
});

it('answers text, and records the tool message it was sent', async () => {
	reply = { content: 'Here it is.' };
	const res = await complete({
		messages: [
			{ role: 'user', content: 'a fox' },
			{ role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'Generate_Image', arguments: '{}' } }] },
			{ role: 'tool', tool_call_id: 'call_1', content: '[{"status":"success"}]' },
		],
	});
	const body = (await res.json()) as { choices: Array<{ message: { content: string }; finish_reason: string }> };
	expect(body.choices[0]).toMatchObject({ message: { content: 'Here it is.' }, finish_reason: 'stop' });
	expect(toolMessages(server.calls.at(-1)!)).toEqual([{ role: 'tool', tool_call_id: 'call_1', content: '[{"status":"success"}]' }]);
});

it('lists a model, and refuses and records any other path', async () => {
	const models = (await (await fetch(`${server.baseUrl}/models`)).json()) as { data: Array<{ id: string }> };
	expect(models.data.map((model) => model.id)).toEqual(['fake-model']);
	const res = await fetch(`${server.baseUrl}/responses`, { method: 'POST', body: '{}' });
	expect(res.status).toBe(404);
	expect(server.unhandled).toEqual(['POST /v1/responses']);
});
