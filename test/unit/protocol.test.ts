import * as assert from 'node:assert/strict';
import {
  dispatch,
  isOpenableLink,
  parseWebviewMessage,
  type Handlers,
  type WebviewMessage,
} from '../../src/webview/protocol';

describe('webview protocol', () => {
  it('accepts well-formed messages', () => {
    const good: WebviewMessage[] = [
      { type: 'ready' },
      {
        type: 'chat/send',
        requestId: 'r',
        text: 'hi',
        context: [{ id: 'c', path: 'a.ts', startLine: 1, endLine: 2, language: 'ts', text: 'x' }],
        images: [{ id: 'i', name: 'a.png', mime: 'image/png', dataUrl: 'data:image/png;base64,AA==' }],
      },
      { type: 'chat/cancel', requestId: 'r' },
      { type: 'chat/regenerate', requestId: 'r', messageId: 'm' },
      { type: 'chat/editResend', requestId: 'r', messageId: 'm', text: 't' },
      { type: 'model/select', modelId: 'trinity-mini' },
      { type: 'history/rename', id: 'c', title: 't' },
      { type: 'code/apply', code: 'x', language: 'ts' },
      { type: 'error/action', action: 'retry', messageId: 'm' },
      { type: 'link/open', href: 'https://arcee.ai' },
      { type: 'tool/decide', requestId: 'r', messageId: 'm', callId: 'c', allow: true, always: false },
      { type: 'chat/logprobs', enabled: true },
      { type: 'chat/logprobs', enabled: false },
    ];
    for (const m of good) assert.deepEqual(parseWebviewMessage(m), m, m.type);
  });

  it('rejects malformed or unknown messages (webview input is untrusted)', () => {
    const bad: unknown[] = [
      null,
      'ready',
      { type: 'nope' },
      { type: 'chat/send', requestId: 'r', text: 'x' },
      { type: 'chat/send', requestId: 'r', text: 'x', context: [{ id: 1 }], images: [] },
      {
        type: 'chat/send',
        requestId: 'r',
        text: 'x',
        context: [],
        images: [{ id: 'i', name: 'n', mime: 'image/png', dataUrl: 'javascript:alert(1)' }],
      },
      { type: 'error/action', action: 'runShell', messageId: 'm' },
      { type: 'model/select', modelId: '   ' },
      { type: 'tool/decide', requestId: 'r', messageId: 'm', callId: 'c', allow: 'yes' },
      { type: 'tool/decide', requestId: 'r', messageId: 'm', allow: true },
      { type: 'code/apply', code: 'x' },
      { type: 'chat/logprobs' },
      { type: 'chat/logprobs', enabled: 'true' },
      { type: 'chat/logprobs', enabled: 1 },
    ];
    for (const m of bad) assert.equal(parseWebviewMessage(m), undefined, JSON.stringify(m));
  });

  it('only http(s) and mailto links are openable', () => {
    assert.equal(isOpenableLink('https://arcee.ai/x'), true);
    assert.equal(isOpenableLink('mailto:support@arcee.ai'), true);
    assert.equal(isOpenableLink('http://localhost:3000'), true);
    for (const href of [
      'javascript:alert(1)',
      'data:text/html,<b>',
      'file:///etc/passwd',
      'command:workbench.action.terminal.new',
      'vscode://x',
      'not a url',
    ]) {
      assert.equal(isOpenableLink(href), false, href);
    }
  });

  it('dispatch calls the handler for the type', async () => {
    const seen: string[] = [];
    const handlers = new Proxy({} as Handlers<WebviewMessage>, { get: (_t, key: string) => () => void seen.push(key) });
    await dispatch(handlers, { type: 'chat/new' });
    assert.deepEqual(seen, ['chat/new']);
  });
});
