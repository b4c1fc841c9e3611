import * as assert from 'node:assert/strict';
import type { ChatResult, ModelInfo } from '../../src/providers/api';
import {
  estimateTokenCount,
  finishedToolCalls,
  IMAGE_TOKENS,
  modelOptionFields,
  ROLE_ASSISTANT,
  ROLE_SYSTEM,
  ROLE_USER,
  toApiMessages,
  toolFields,
} from '../../src/lm/mapping';
import { DEFAULT_CONTEXT_LENGTH, DEFAULT_MAX_OUTPUT, modelInformation } from '../../src/lm/modelInfo';

// Plain stand-ins for VS Code's part classes: the mapping recognises parts by shape.
const text = (value: string) => ({ value });
const call = (callId: string, name: string, input: object) => ({ callId, name, input });
const result = (callId: string, content: unknown[]) => ({ callId, content });
const data = (mimeType: string, bytes: string | Uint8Array) => ({
  mimeType,
  data: typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes,
});
const model = (over: Partial<ModelInfo>): ModelInfo => ({
  id: 'm',
  name: 'M',
  inputModalities: [],
  outputModalities: [],
  supportedParameters: [],
  supportedFeatures: [],
  ...over,
});

describe('lm mapping: model information', () => {
  it('takes name, limits and capabilities from the catalogue entry', () => {
    const info = modelInformation(
      model({
        id: 'arcee-ai/trinity-large',
        name: 'Trinity Large',
        description: 'Big',
        contextLength: 131072,
        maxOutputTokens: 16384,
        inputModalities: ['text', 'image'],
        supportedParameters: ['tools', 'temperature'],
      }),
    );
    assert.deepEqual(info, {
      id: 'arcee-ai/trinity-large',
      name: 'Trinity Large',
      family: 'trinity-large',
      version: 'arcee-ai/trinity-large',
      tooltip: 'Big',
      detail: '128K context',
      maxInputTokens: 131072 - 16384,
      maxOutputTokens: 16384,
      capabilities: { toolCalling: true, imageInput: true },
    });
  });

  it('reads tool support from supported_features too; a silent catalogue means unknown (yes), a declared parameter list without tools means no', () => {
    assert.equal(modelInformation(model({ supportedFeatures: ['reasoning', 'tools'] })).capabilities.toolCalling, true);
    assert.equal(modelInformation(model({ supportedParameters: ['temperature'] })).capabilities.toolCalling, false);
    assert.equal(
      modelInformation(model({ supportedParameters: ['temperature'], supportedFeatures: ['function_calling'] }))
        .capabilities.toolCalling,
      true,
    );
    // Arcee's supported_features is often null and local servers list only ids: VS Code's agent mode needs tools.
    assert.equal(modelInformation(model({})).capabilities.toolCalling, true);
    assert.equal(modelInformation(model({ supportedFeatures: ['reasoning'] })).capabilities.toolCalling, true);
    // Images are different: sending one to a text-only model fails, so unknown stays no.
    assert.equal(modelInformation(model({})).capabilities.imageInput, false);
  });

  it('falls back to sensible limits when the catalogue gives none', () => {
    const info = modelInformation(model({}));
    assert.equal(info.maxOutputTokens, DEFAULT_MAX_OUTPUT);
    assert.equal(info.maxInputTokens, DEFAULT_CONTEXT_LENGTH - DEFAULT_MAX_OUTPUT);
    const small = modelInformation(model({ contextLength: 4096 }));
    assert.deepEqual([small.maxInputTokens, small.maxOutputTokens], [3072, 1024]);
  });
});

describe('lm mapping: messages', () => {
  it('maps system, user and assistant text, joining text parts', () => {
    assert.deepEqual(
      toApiMessages([
        { role: ROLE_SYSTEM, content: [text('Be brief.')], name: undefined },
        { role: ROLE_USER, content: [text('Hello '), text('there')], name: undefined },
        { role: ROLE_ASSISTANT, content: [text('Hi.')], name: undefined },
      ]),
      [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello there' },
        { role: 'assistant', content: 'Hi.' },
      ],
    );
  });

  it('maps a tool-call round trip: assistant tool_calls, then tool messages before the user text', () => {
    const out = toApiMessages([
      { role: ROLE_USER, content: [text('Read a.ts')], name: undefined },
      {
        role: ROLE_ASSISTANT,
        content: [call('call_1', 'read_file', { path: 'a.ts' }), call('call_2', 'list_files', {})],
        name: undefined,
      },
      {
        role: ROLE_USER,
        content: [
          result('call_1', [text('const a = 1;')]),
          result('call_2', [text('a.ts\n'), text('b.ts')]),
          text('Now explain.'),
        ],
        name: undefined,
      },
    ]);
    assert.deepEqual(out, [
      { role: 'user', content: 'Read a.ts' },
      {
        role: 'assistant',
        // A string, never null, and reasoning fields though VS Code gives no reasoning back (platform notes).
        content: '',
        reasoning_content: '',
        reasoning: '',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"a.ts"}' } },
          { id: 'call_2', type: 'function', function: { name: 'list_files', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'const a = 1;' },
      { role: 'tool', tool_call_id: 'call_2', content: 'a.ts\nb.ts' },
      { role: 'user', content: 'Now explain.' },
    ]);
  });

  it('strips tool XML a model leaked into its answer, but not an answer that talks about tools', () => {
    const out = toApiMessages([
      {
        role: ROLE_ASSISTANT,
        content: [
          text('Reading it.\n<function=read_file>\n<parameter=path>\na.ts\n</parameter>\n</function>\n</tool_call>'),
          call('c', 'read_file', { path: 'a.ts' }),
        ],
        name: undefined,
      },
      { role: ROLE_ASSISTANT, content: [text('Call `read_file` with <parameter=path> set.')], name: undefined },
    ]);
    assert.equal(out[0].content, 'Reading it.');
    assert.deepEqual(out[1], { role: 'assistant', content: 'Call `read_file` with <parameter=path> set.' });
  });

  it('maps images to image_url data URLs, and text-like data to text', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    const out = toApiMessages([
      {
        role: ROLE_USER,
        content: [
          text('What is this?'),
          data('image/png', png),
          data('text/plain', ' (a logo)'),
          data('cache_control', 'ephemeral'),
        ],
        name: undefined,
      },
    ]);
    assert.deepEqual(out, [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw==' } },
          { type: 'text', text: ' (a logo)' },
        ],
      },
    ]);
  });

  it('moves an image returned by a tool into a user message after the tool messages', () => {
    const out = toApiMessages([
      {
        role: ROLE_USER,
        content: [result('c1', [text('screenshot:'), data('image/jpeg', new Uint8Array([1, 2, 3]))])],
        name: undefined,
      },
    ]);
    assert.deepEqual(out, [
      { role: 'tool', tool_call_id: 'c1', content: 'screenshot:' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Images returned by the tool calls above:' },
          { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,AQID' } },
        ],
      },
    ]);
  });

  it("sends the thinking VS Code kept from an answer back as the tool turn's reasoning, never as its text", () => {
    const out = toApiMessages([
      {
        role: ROLE_ASSISTANT,
        content: [{ thinking: 'The port is in ' }, { thinking: 'the config.' }, call('c', 'read_file', { path: 'a' })],
        name: undefined,
      },
      { role: ROLE_ASSISTANT, content: [{ thinking: 'Just answer.' }, text('It is 8123.')], name: undefined },
    ]);
    assert.deepEqual(out, [
      {
        role: 'assistant',
        content: '',
        reasoning_content: 'The port is in the config.',
        reasoning: 'The port is in the config.',
        tool_calls: [{ id: 'c', type: 'function', function: { name: 'read_file', arguments: '{"path":"a"}' } }],
      },
      // Outside tool loops reasoning is not sent back (as in the Arcee chat).
      { role: 'assistant', content: 'It is 8123.' },
    ]);
  });

  it('keeps assistant text beside tool calls, and a user name', () => {
    const out = toApiMessages([
      { role: ROLE_ASSISTANT, content: [text('Let me look.'), call('c', 'f', { a: [1] })], name: undefined },
      { role: ROLE_USER, content: [text('hi')], name: 'ann' },
    ]);
    assert.deepEqual(out, [
      {
        role: 'assistant',
        content: 'Let me look.',
        reasoning_content: '',
        reasoning: '',
        tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"a":[1]}' } }],
      },
      { role: 'user', content: 'hi', name: 'ann' },
    ]);
  });
});

describe('lm mapping: tools and options', () => {
  it('sends tools with auto or required choice, and nothing without tools', () => {
    assert.deepEqual(toolFields(undefined, 1), {});
    assert.deepEqual(toolFields([], 2), {});
    const schema = { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] };
    assert.deepEqual(toolFields([{ name: 'read_file', description: 'Reads', inputSchema: schema }], 1), {
      tools: [{ type: 'function', function: { name: 'read_file', description: 'Reads', parameters: schema } }],
      tool_choice: 'auto',
    });
    const required = toolFields([{ name: 'x', description: '' }], 2);
    assert.equal(required.tool_choice, 'required');
    assert.deepEqual(required.tools?.[0].function.parameters, { type: 'object', properties: {} });
  });

  it("passes a large tool list (VS Code's agent sends about 40) with nested JSON schemas through intact", () => {
    const tools = Array.from({ length: 48 }, (_, i) => ({
      name: `tool_${i}`,
      description: `Tool ${i} — does ${'many things '.repeat(i % 5)}`.trim(),
      inputSchema: {
        type: 'object',
        properties: {
          filePath: { type: 'string', description: 'An absolute path' },
          edits: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                oldString: { type: 'string' },
                newString: { type: 'string' },
                at: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] },
              },
              required: ['oldString', 'newString'],
            },
          },
          mode: { enum: ['a', 'b', `c${i}`], default: 'a' },
        },
        required: ['filePath'],
        additionalProperties: false,
      },
    }));
    const out = toolFields(tools, 1);
    assert.equal(out.tools?.length, 48);
    out.tools?.forEach((t, i) => {
      assert.equal(t.function.name, tools[i].name);
      assert.equal(t.function.description, tools[i].description);
      assert.deepEqual(t.function.parameters, tools[i].inputSchema);
    });
    // Serialised as the request body does, nothing is lost either.
    const sent = JSON.parse(JSON.stringify(out.tools)) as { function: { parameters: unknown } }[];
    assert.deepEqual(
      sent.map((t) => t.function.parameters),
      tools.map((t) => t.inputSchema),
    );
  });

  it('passes only API request fields from modelOptions', () => {
    assert.deepEqual(
      modelOptionFields({ temperature: 0.2, max_tokens: 100, model: 'evil', stream: false, messages: [], foo: 1 }),
      { temperature: 0.2, max_tokens: 100 },
    );
    assert.deepEqual(modelOptionFields(undefined), {});
  });
});

describe('lm mapping: answer and tokens', () => {
  const answer = (calls: ChatResult['choices'][number]['tool_calls'], content = ''): ChatResult => ({
    id: 'x',
    model: 'm',
    usage: null,
    choices: [{ index: 0, content, reasoning: '', tool_calls: calls, finish_reason: 'tool_calls', logprobs: null }],
  });

  it('emits only complete tool calls, with parsed input', () => {
    const { calls, dropped } = finishedToolCalls(
      answer([
        { index: 0, id: 'call_abc', name: 'read_file', arguments: '{"path": "src/a.ts"}', complete: true },
        { index: 1, id: null, name: 'list_files', arguments: '', complete: true },
        { index: 2, id: 'c3', name: 'cut', arguments: '{"pa', complete: false },
        { index: 3, id: 'c4', name: 'bare', arguments: '42', complete: true },
      ]),
    );
    assert.deepEqual(calls, [
      { callId: 'call_abc', name: 'read_file', input: { path: 'src/a.ts' } },
      { callId: 'call_1', name: 'list_files', input: {} },
      { callId: 'c4', name: 'bare', input: { value: 42 } },
    ]);
    assert.deepEqual(dropped, ['cut']);
    assert.deepEqual(finishedToolCalls({ id: null, model: null, usage: null, choices: [] }), {
      calls: [],
      dropped: [],
    });
  });

  it('estimates tokens for text, messages, tool calls and images', () => {
    assert.equal(estimateTokenCount(''), 0);
    assert.equal(estimateTokenCount('abcdefgh'), 2);
    assert.equal(estimateTokenCount({ role: ROLE_USER, content: [text('abcdefgh')], name: undefined }), 4 + 2);
    assert.equal(
      estimateTokenCount({ role: ROLE_USER, content: [data('image/png', new Uint8Array(10_000))], name: undefined }),
      4 + IMAGE_TOKENS,
    );
    const withCall = estimateTokenCount({
      role: ROLE_ASSISTANT,
      content: [call('c', 'read_file', { path: 'a.ts' })],
      name: undefined,
    });
    assert.equal(withCall, 4 + Math.ceil(('read_file'.length + '{"path":"a.ts"}'.length) / 4));
    const withResult = estimateTokenCount({
      role: ROLE_USER,
      content: [result('c', [text('x'.repeat(400))])],
      name: undefined,
    });
    assert.equal(withResult, 4 + 4 + 100);
    // A long text grows linearly, about 4 characters per token.
    assert.equal(estimateTokenCount('x'.repeat(40_000)), 10_000);
  });
});
