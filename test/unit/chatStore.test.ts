import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ConversationStore,
  conversationToMarkdown,
  emptyConversation,
  titleFrom,
  type StoreFiles,
} from '../../src/chat/store';
import type { ChatMessageView, ConversationView } from '../../src/webview/protocol';

/** The store's files in a real temp folder, written atomically like the extension's adapter. */
function tempFiles(): { files: StoreFiles; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arcee-store-'));
  return {
    dir,
    files: {
      read: (name) =>
        Promise.resolve(
          fs.existsSync(path.join(dir, name)) ? fs.readFileSync(path.join(dir, name), 'utf8') : undefined,
        ),
      write: (name, data) => {
        const tmp = path.join(dir, `${name}.tmp`);
        fs.writeFileSync(tmp, data);
        fs.renameSync(tmp, path.join(dir, name));
        return Promise.resolve();
      },
      delete: (name) => {
        fs.rmSync(path.join(dir, name), { force: true });
        return Promise.resolve();
      },
    },
  };
}

const msg = (role: 'user' | 'assistant', content: string, extra: Partial<ChatMessageView> = {}): ChatMessageView => ({
  id: `${role}-${content.length}-${Math.random()}`,
  role,
  content,
  state: 'done',
  createdAt: 1,
  ...extra,
});

function conv(title: string, messages: ChatMessageView[], updatedAt: number): ConversationView {
  return { ...emptyConversation(updatedAt), title, messages, updatedAt };
}

describe('ConversationStore', () => {
  it('saves, lists newest first, reads back, renames and deletes', async () => {
    const { files, dir } = tempFiles();
    const store = new ConversationStore(files);
    const a = conv('first', [msg('user', 'hi'), msg('assistant', 'hello')], 100);
    const b = conv('second', [msg('user', 'yo')], 200);
    await store.save(a);
    await store.save(b);
    assert.deepEqual(
      (await store.list()).map((s) => s.title),
      ['second', 'first'],
    );
    // A new store instance (a reloaded window) sees the same history.
    const again = new ConversationStore(files);
    assert.deepEqual(await again.get(a.id), a);
    await again.rename(a.id, '  renamed  ');
    assert.equal((await again.get(a.id))?.title, 'renamed');
    await again.delete(b.id);
    assert.deepEqual(
      (await again.list()).map((s) => s.title),
      ['renamed'],
    );
    assert.equal(await again.get(b.id), undefined);
    assert.deepEqual(fs.readdirSync(dir).sort(), [`${a.id}.json`, 'index.json']);
  });

  it('keeps token probabilities with the conversation, but never in the Markdown export', async () => {
    const { files } = tempFiles();
    const logprobs = [
      {
        token: 'Sure',
        logprob: -0.01,
        top: [
          { token: 'Sure', logprob: -0.01 },
          { token: 'ZQXJV', logprob: -4.6 },
        ],
      },
      { token: '!', logprob: -100 },
    ];
    const c = conv('lp', [msg('user', 'q'), msg('assistant', 'Sure!', { logprobs })], 100);
    await new ConversationStore(files).save(c);
    assert.deepEqual((await new ConversationStore(files).get(c.id))?.messages[1].logprobs, logprobs);
    const md = conversationToMarkdown(c);
    assert.match(md, /Sure!/);
    assert.doesNotMatch(md, /ZQXJV|logprob|-100/);
  });

  it('does not save an empty conversation', async () => {
    const { files } = tempFiles();
    const store = new ConversationStore(files);
    await store.save(emptyConversation());
    assert.deepEqual(await store.list(), []);
  });

  it('serialises concurrent saves so the index keeps every conversation', async () => {
    const { files } = tempFiles();
    const store = new ConversationStore(files);
    const all = Array.from({ length: 20 }, (_, i) => conv(`c${i}`, [msg('user', `q${i}`)], i));
    await Promise.all(all.map((c) => store.save(c)));
    assert.equal((await new ConversationStore(files).list()).length, 20);
  });

  it('notifies listeners with the new history', async () => {
    const { files } = tempFiles();
    const store = new ConversationStore(files);
    const seen: number[] = [];
    store.onDidChange((h) => seen.push(h.length));
    await store.save(conv('x', [msg('user', 'q')], 1));
    assert.deepEqual(seen, [1]);
  });

  it('survives a damaged index or conversation file without throwing', async () => {
    const { files, dir } = tempFiles();
    fs.writeFileSync(path.join(dir, 'index.json'), '{not json');
    const store = new ConversationStore(files);
    assert.deepEqual(await store.list(), []);
    fs.writeFileSync(path.join(dir, 'c-bad.json'), '{');
    assert.equal(await store.get('c-bad'), undefined);
    await assert.rejects(store.get('../escape'), /Bad conversation id/);
  });

  it('titles from the first line, shortened', () => {
    assert.equal(titleFrom('  How do I sort?\nmore'), 'How do I sort?');
    assert.equal(titleFrom(''), 'New chat');
    assert.equal(titleFrom('x'.repeat(200)).length, 80);
  });

  it('a conversation saved mid-request comes back finished: streaming → stopped, waiting tool calls answered', async () => {
    const { files } = tempFiles();
    const store = new ConversationStore(files);
    const waiting = {
      id: 'c1',
      name: 'read_file',
      arguments: '{"path":"a"}',
      complete: true,
      status: 'pending' as const,
    };
    const c = conv(
      'Interrupted',
      [
        msg('user', 'q'),
        msg('assistant', '', {
          state: 'done',
          toolCalls: [waiting, { ...waiting, id: 'c2', status: 'done', result: 'ok' }],
        }),
        msg('assistant', 'half', { state: 'streaming' }),
      ],
      5,
    );
    await store.save(c);
    const back = await store.get(c.id);
    assert.deepEqual(
      back?.messages.map((m) => m.state),
      ['done', 'done', 'stopped'],
    );
    assert.deepEqual(
      back?.messages[1].toolCalls?.map((t) => [t.status, t.result]),
      [
        ['denied', 'The request was interrupted (VS Code closed) before this tool call ran.'],
        ['done', 'ok'],
      ],
    );
  });

  it('exports Markdown with reasoning folded, context fenced safely, errors noted', () => {
    const c = conv(
      'Sorting',
      [
        msg('user', 'Explain', {
          context: [{ id: 'k', path: 'src/a.ts', startLine: 3, endLine: 5, language: 'ts', text: 'const s = "```";' }],
        }),
        msg('assistant', 'It sorts.', { reasoning: 'think', model: 'trinity-mini' }),
        msg('assistant', 'partial', {
          state: 'error',
          error: { kind: 'network', message: 'Could not reach x', actions: [] },
        }),
      ],
      Date.parse('2026-11-26T12:00:00Z'),
    );
    const md = conversationToMarkdown(c);
    assert.match(md, /^# Sorting\n/);
    assert.match(md, /`src\/a\.ts` lines 3–5:\n\n````ts\nconst s = "```";\n````/);
    assert.match(
      md,
      /## Arcee \(trinity-mini\)\n\n<details><summary>Reasoning<\/summary>\n\nthink\n\n<\/details>\n\nIt sorts\./,
    );
    assert.match(md, /> Error: Could not reach x/);
  });

  it('exports tool calls with what they read, their status and their result, fenced', () => {
    const c = conv(
      'Tools',
      [
        msg('user', 'Port?'),
        msg('assistant', '', {
          toolCalls: [
            {
              id: 'c1',
              name: 'read_file',
              arguments: '{"path":"a.ts"}',
              complete: true,
              status: 'done',
              summary: 'Read a.ts',
              result: '1  const s = "```";',
            },
            { id: 'c2', name: 'list_files', arguments: '{}', complete: true, status: 'skipped', summary: 'List files' },
          ],
        }),
      ],
      1,
    );
    const md = conversationToMarkdown(c);
    assert.match(
      md,
      /Tool call `read_file` \(Read a\.ts\): done\n\n```json\n\{"path":"a\.ts"\}\n```\n\n````\n1 {2}const s = "```";\n````/,
    );
    assert.match(md, /Tool call `list_files` \(List files\): skipped\n\n```json\n\{\}\n```\n*$/);
  });
});

describe('ConversationStore coalescing', () => {
  it('saves still waiting collapse into one write with the newest snapshot', async () => {
    const writes: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const files: StoreFiles = {
      read: () => Promise.resolve(undefined),
      write: async (name, data) => {
        writes.push(`${name}:${(JSON.parse(data) as { messages?: unknown[] }).messages?.length ?? 'index'}`);
        await gate;
      },
      delete: () => Promise.resolve(),
    };
    const store = new ConversationStore(files);
    const c = conv('x', [msg('user', 'q')], 1);
    const first = store.save(c);
    await new Promise((r) => setTimeout(r, 0)); // the first write has started and waits on the gate
    c.messages.push(msg('assistant', 'a'));
    const second = store.save(c);
    c.messages.push(msg('assistant', 'bb'));
    const third = store.save(c); // joins the second
    release();
    await Promise.all([first, second, third]);
    const conversationWrites = writes.filter((w) => !w.startsWith('index'));
    assert.deepEqual(
      conversationWrites.map((w) => w.split(':')[1]),
      ['1', '3'],
      writes.join(', '),
    );
  });
});
