import * as assert from 'node:assert/strict';
import { fenceFor, formatContext, toApiMessages } from '../../src/chat/prompt';
import type { ChatMessageView } from '../../src/webview/protocol';

const m = (role: 'user' | 'assistant', content: string, extra: Partial<ChatMessageView> = {}): ChatMessageView => ({
  id: 'x',
  role,
  content,
  state: 'done',
  createdAt: 0,
  ...extra,
});

describe('chat prompt', () => {
  it('system first, then the turns; reasoning never sent back; empty failed turns skipped', () => {
    const out = toApiMessages(
      [
        m('user', 'q1'),
        m('assistant', 'a1', { reasoning: 'secret thoughts' }),
        m('user', 'q2'),
        m('assistant', '', { state: 'error' }),
        m('user', 'q3'),
      ],
      'SYS',
    );
    assert.deepEqual(out, [
      { role: 'system', content: 'SYS' },
      { role: 'user', content: 'q1' },
      { role: 'assistant', content: 'a1' },
      { role: 'user', content: 'q2' },
      { role: 'user', content: 'q3' },
    ]);
  });

  it('never sends token probabilities back', () => {
    const out = toApiMessages(
      [
        m('user', 'q'),
        m('assistant', 'a', { logprobs: [{ token: 'a', logprob: -0.5, top: [{ token: 'b', logprob: -1 }] }] }),
      ],
      '',
    );
    assert.deepEqual(out, [
      { role: 'user', content: 'q' },
      { role: 'assistant', content: 'a' },
    ]);
  });

  it('keeps a stopped partial answer', () => {
    assert.deepEqual(toApiMessages([m('user', 'q'), m('assistant', 'half', { state: 'stopped' })], '')[1], {
      role: 'assistant',
      content: 'half',
    });
  });

  it('sends context fenced with its path and lines, before the question', () => {
    const [, user] = toApiMessages([
      m('user', 'What does it do?', {
        context: [
          { id: 'c', path: 'src/x.py', startLine: 2, endLine: 4, language: 'python', text: 'def f():\n    return 1' },
        ],
      }),
    ]);
    assert.equal(user.content, 'src/x.py (lines 2-4):\n```python\ndef f():\n    return 1\n```\n\nWhat does it do?');
  });

  it('a fence is longer than any backtick run in the code', () => {
    assert.equal(fenceFor('no ticks'), '```');
    assert.equal(fenceFor('has ```` four'), '`````');
    assert.match(
      formatContext({ id: 'c', path: 'a.md', startLine: 1, endLine: 1, language: 'md', text: '```js\nx\n```' }),
      /^a\.md \(line 1\):\n````md\n/,
    );
  });

  it('images become image_url parts after the text', () => {
    const [, user] = toApiMessages([
      m('user', 'What is this?', {
        images: [{ id: 'i', name: 'a.png', mime: 'image/png', dataUrl: 'data:image/png;base64,AAAA' }],
      }),
    ]);
    assert.deepEqual(user.content, [
      { type: 'text', text: 'What is this?' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
    ]);
  });

  it('a tool turn goes back with content "" (not null), its reasoning under both names, its answered calls, then one tool message each', () => {
    const out = toApiMessages(
      [
        m('user', 'What does main do?'),
        m('assistant', '', {
          reasoning: 'I should read the file.',
          toolCalls: [
            {
              id: 'call_1',
              name: 'read_file',
              arguments: '{"path":"src/main.ts"}',
              complete: true,
              status: 'done',
              result: '1  main()',
            },
            {
              id: 'call_2',
              name: 'list_files',
              arguments: '{}',
              complete: true,
              status: 'denied',
              result: 'The user declined.',
            },
            { id: 'call_3', name: 'read_file', arguments: '{"pa', complete: false, status: 'invalid' },
          ],
        }),
        m('assistant', 'It calls main.', { reasoning: 'done thinking' }),
      ],
      '',
    );
    assert.deepEqual(out, [
      { role: 'user', content: 'What does main do?' },
      {
        role: 'assistant',
        content: '',
        reasoning_content: 'I should read the file.',
        reasoning: 'I should read the file.',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"src/main.ts"}' } },
          { id: 'call_2', type: 'function', function: { name: 'list_files', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '1  main()' },
      { role: 'tool', tool_call_id: 'call_2', content: 'The user declined.' },
      { role: 'assistant', content: 'It calls main.' },
    ]);
  });

  it('a tool turn without reasoning still carries reasoning_content (and reasoning) as ""', () => {
    const call = {
      id: 'call_1',
      name: 'list_files',
      arguments: '{}',
      complete: true,
      status: 'done' as const,
      result: 'a.ts',
    };
    const [, turn] = toApiMessages([m('user', 'q'), m('assistant', '', { toolCalls: [call] })], '');
    assert.deepEqual(turn, {
      role: 'assistant',
      content: '',
      reasoning_content: '',
      reasoning: '',
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'list_files', arguments: '{}' } }],
    });
  });

  it('strips leaked tool XML from the reasoning and content it sends back, not prose about tools', () => {
    const leaked =
      'I need the file.\n<function=read_file>\n<parameter=path>\na.ts\n</parameter>\n</function>\n</tool_call>';
    const call = {
      id: 'call_1',
      name: 'read_file',
      arguments: '{"path":"a.ts"}',
      complete: true,
      status: 'done' as const,
      result: '1  x',
    };
    const out = toApiMessages(
      [
        m('user', 'q'),
        m('assistant', 'Reading it.\n</tool_call>', { reasoning: leaked, toolCalls: [call] }),
        m('assistant', 'It uses `read_file` and <parameter=path> tags.\n</function>\n</tool_call>', {
          state: 'stopped',
        }),
      ],
      '',
    );
    assert.deepEqual(out[1], {
      role: 'assistant',
      content: 'Reading it.',
      reasoning_content: 'I need the file.',
      reasoning: 'I need the file.',
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"a.ts"}' } }],
    });
    assert.deepEqual(out[3], { role: 'assistant', content: 'It uses `read_file` and <parameter=path> tags.' });
  });

  it('calls that never got a result (skipped at the round limit, or still streaming) are not sent', () => {
    const out = toApiMessages(
      [
        m('user', 'q'),
        m('assistant', 'Partial words', {
          toolCalls: [{ id: 'c', name: 'read_file', arguments: '{}', complete: true, status: 'skipped' }],
        }),
      ],
      '',
    );
    assert.deepEqual(out[1], { role: 'assistant', content: 'Partial words' });
  });
});
