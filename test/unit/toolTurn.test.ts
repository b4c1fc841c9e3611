import * as assert from 'node:assert/strict';
import { StreamToView } from '../../src/chat/streamToView';
import {
  answerToolCalls,
  CUT_TOOL_TURN,
  DENIED_RESULT,
  holdCutToolCalls,
  skipToolCalls,
  STOPPED_RESULT,
  wantsToolRound,
  type Decision,
  type ToolTurnDeps,
} from '../../src/chat/toolTurn';
import type { ToolPreflight } from '../../src/tools/definitions';
import type { ChatMessageView, ToolCallView } from '../../src/webview/protocol';
import { sseFixture } from '../support/paths';
import { replay } from '../support/replay';

const call = (name: string, args: string, extra: Partial<ToolCallView> = {}): ToolCallView => ({
  id: null,
  name,
  arguments: args,
  complete: true,
  ...extra,
});
const answer = (calls: ToolCallView[], state: ChatMessageView['state'] = 'done'): ChatMessageView => ({
  id: 'a1',
  role: 'assistant',
  content: '',
  state,
  createdAt: 0,
  toolCalls: calls,
});

interface Harness {
  deps: ToolTurnDeps;
  /** Each run with the preflight it was given. */
  checks: ToolPreflight[];
  ran: string[];
  asked: string[];
  snapshots: string[];
  controller: AbortController;
}

function harness(
  decide: (id: string) => Decision | Promise<Decision>,
  auto = false,
  preflight: (name: string, args: string) => Promise<ToolPreflight> = () => Promise.resolve({}),
): Harness {
  const h: Harness = {
    checks: [],
    ran: [],
    asked: [],
    snapshots: [],
    controller: new AbortController(),
    deps: undefined as unknown as ToolTurnDeps,
  };
  const m = { current: undefined as ChatMessageView | undefined };
  h.deps = {
    autoApprove: () => auto,
    preflight,
    approve: async (c) => {
      h.asked.push(c.id);
      return decide(c.id);
    },
    run: (name, args, _signal, checked) => {
      h.ran.push(`${name} ${args}`);
      h.checks.push(checked);
      if (name === 'search_text') return Promise.reject(new Error('"(" is not a valid regular expression'));
      return Promise.resolve(`result of ${name}`);
    },
    changed: () => h.snapshots.push(JSON.stringify(m.current?.toolCalls?.map((c) => c.status))),
    signal: h.controller.signal,
  };
  return Object.assign(h, { bind: (msg: ChatMessageView) => (m.current = msg) });
}

describe('tool turn: approval and results', () => {
  it('asks for each call in order and runs only the allowed ones; a denial still answers the model', async () => {
    const h = harness((id) => (id.endsWith('_1') ? 'deny' : 'allow'));
    const m = answer([
      call('read_file', '{"path":"a.ts"}'),
      call('list_files', '{}'),
      call('get_diagnostics', '{}', { id: 'given-id' }),
    ]);
    await answerToolCalls(m, h.deps);
    assert.deepEqual(h.asked, ['call_a1_0', 'call_a1_1', 'given-id'], 'ids assigned where the server gave none');
    assert.deepEqual(h.ran, ['read_file {"path":"a.ts"}', 'get_diagnostics {}']);
    assert.deepEqual(
      m.toolCalls!.map((c) => [c.status, c.result, c.summary]),
      [
        ['done', 'result of read_file', 'Read a.ts'],
        ['denied', DENIED_RESULT, 'List files'],
        ['done', 'result of get_diagnostics', 'Get problems in the workspace'],
      ],
    );
  });

  it('with auto-approve runs without asking; a failing tool gives the error as its result', async () => {
    const h = harness(() => assert.fail('must not ask'), true);
    const m = answer([call('search_text', '{"query":"("}'), call('read_file', '{"path":"b"}')]);
    await answerToolCalls(m, h.deps);
    assert.deepEqual(h.asked, []);
    assert.equal(m.toolCalls![0].status, 'error');
    assert.equal(m.toolCalls![0].result, 'Error: "(" is not a valid regular expression');
    assert.equal(m.toolCalls![1].status, 'done');
  });

  it('never runs a cut-off call, and gives it no result (it is not sent back)', async () => {
    const h = harness(() => 'allow', true);
    const m = answer([call('read_file', '{"path":"a', { complete: false }), call('list_files', '{}')]);
    await answerToolCalls(m, h.deps);
    assert.deepEqual(h.ran, ['list_files {}']);
    assert.equal(m.toolCalls![0].status, 'invalid');
    assert.equal(m.toolCalls![0].result, undefined);
  });

  it('a stop while a call waits answers it and every later call with "stopped", and runs nothing', async () => {
    let release: (d: Decision) => void = () => undefined;
    const h = harness(() => new Promise<Decision>((r) => (release = r)));
    const m = answer([call('read_file', '{"path":"a"}'), call('list_files', '{}')]);
    const done = answerToolCalls(m, h.deps);
    await new Promise((r) => setImmediate(r));
    assert.equal(m.toolCalls![0].status, 'pending');
    h.controller.abort();
    await done;
    release('allow');
    assert.deepEqual(h.ran, []);
    assert.deepEqual(
      m.toolCalls!.map((c) => [c.status, c.result]),
      [
        ['denied', STOPPED_RESULT],
        ['denied', STOPPED_RESULT],
      ],
    );
  });

  describe('the preflight: links out refused, secrets always asked for, links shown', () => {
    const SECRET = '.env may hold secrets (keys, passwords, tokens), so this call needs your Allow.';
    const OUT = '"vendor/notes/secret.txt" leads outside the workspace; only files inside the workspace can be read.';
    const preflight = (_name: string, args: string): Promise<ToolPreflight> => {
      if (args.includes('.env')) return Promise.resolve({ needsApproval: SECRET });
      if (args.includes('vendor/notes')) return Promise.resolve({ refused: OUT });
      if (args.includes('src/link.ts')) return Promise.resolve({ path: 'src/link.ts', realPath: 'lib/real.ts' });
      return Promise.resolve({});
    };

    it('with auto-approve on, a file that may hold secrets is still asked for, with the reason; others are not', async () => {
      const seen: (ToolCallView & { id: string })[] = [];
      const h = harness(() => 'allow', true, preflight);
      h.deps.approve = (c) => {
        seen.push({ ...c });
        return Promise.resolve('allow');
      };
      const m = answer([call('read_file', '{"path":"src/a.ts"}'), call('read_file', '{"path":".env"}')]);
      await answerToolCalls(m, h.deps);
      assert.deepEqual(
        seen.map((c) => [c.id, c.status, c.askReason]),
        [['call_a1_1', 'pending', SECRET]],
        'only the secret file is asked for',
      );
      assert.deepEqual(h.ran, ['read_file {"path":"src/a.ts"}', 'read_file {"path":".env"}']);
      assert.deepEqual(h.checks, [{}, { needsApproval: SECRET }], 'each run gets its preflight');
      assert.deepEqual(
        m.toolCalls!.map((c) => c.status),
        ['done', 'done'],
      );
    });

    it('a denied secret file is not run, and the model hears it was declined', async () => {
      const h = harness(() => 'deny', true, preflight);
      const m = answer([call('get_diagnostics', '{"path":".env"}')]);
      await answerToolCalls(m, h.deps);
      assert.deepEqual(h.asked, ['call_a1_0']);
      assert.deepEqual(h.ran, []);
      assert.deepEqual([m.toolCalls![0].status, m.toolCalls![0].result], ['denied', DENIED_RESULT]);
    });

    it('a path that leads outside is refused without asking or running; the reason is the result', async () => {
      for (const auto of [false, true]) {
        const h = harness(() => 'allow', auto, preflight);
        const m = answer([call('read_file', '{"path":"vendor/notes/secret.txt"}'), call('list_files', '{}')]);
        await answerToolCalls(m, h.deps);
        assert.deepEqual(h.asked, auto ? [] : ['call_a1_1'], `auto-approve ${auto}: only list_files may be asked for`);
        assert.deepEqual(h.ran, ['list_files {}']);
        assert.deepEqual([m.toolCalls![0].status, m.toolCalls![0].result], ['refused', OUT]);
      }
    });

    it('a link inside the workspace shows where it leads before the user is asked', async () => {
      let shown: ToolCallView['link'];
      const h = harness(() => 'allow', false, preflight);
      h.deps.approve = (c) => {
        shown = c.link;
        return Promise.resolve('allow');
      };
      const m = answer([call('read_file', '{"path":"src/link.ts"}')]);
      await answerToolCalls(m, h.deps);
      assert.deepEqual(shown, { path: 'src/link.ts', realPath: 'lib/real.ts' });
      assert.equal(m.toolCalls![0].askReason, undefined);
      assert.deepEqual(h.checks, [{ path: 'src/link.ts', realPath: 'lib/real.ts' }]);
    });

    it('a preflight that fails answers the call with its error and runs nothing; later calls go on', async () => {
      const h = harness(
        () => 'allow',
        true,
        (toolName) => (toolName === 'read_file' ? Promise.reject(new Error('realpath exploded')) : Promise.resolve({})),
      );
      const m = answer([call('read_file', '{"path":"a"}'), call('list_files', '{}')]);
      await answerToolCalls(m, h.deps);
      assert.deepEqual(h.ran, ['list_files {}']);
      assert.deepEqual([m.toolCalls![0].status, m.toolCalls![0].result], ['error', 'Error: realpath exploded']);
    });

    it('a stop while the preflight runs answers the call with "stopped"', async () => {
      const h = harness(
        () => assert.fail('must not ask'),
        false,
        () => new Promise<ToolPreflight>(() => undefined),
      );
      const m = answer([call('read_file', '{"path":"a"}')]);
      const done = answerToolCalls(m, h.deps);
      await new Promise((r) => setImmediate(r));
      h.controller.abort();
      await done;
      assert.deepEqual(h.ran, []);
      assert.deepEqual([m.toolCalls![0].status, m.toolCalls![0].result], ['denied', STOPPED_RESULT]);
    });
  });

  it('reports each change, so the chat shows waiting → running → done', async () => {
    const h = harness(() => 'allow') as Harness & { bind(m: ChatMessageView): void };
    const m = answer([call('read_file', '{"path":"a"}')]);
    h.bind(m);
    await answerToolCalls(m, h.deps);
    assert.deepEqual(h.snapshots, ['[null]', '["pending"]', '["running"]', '["done"]']);
  });

  it('wantsToolRound: only finished answers with a complete call', () => {
    assert.equal(wantsToolRound(answer([call('read_file', '{}')])), true);
    assert.equal(wantsToolRound(answer([call('read_file', '{', { complete: false })])), false);
    assert.equal(wantsToolRound(answer([call('read_file', '{}')], 'stopped')), false);
    assert.equal(wantsToolRound(answer([])), false);
  });

  it('skipToolCalls marks calls past the round limit as not run, without results', () => {
    const m = answer([call('read_file', '{"path":"a"}'), call('x', '{', { complete: false })]);
    skipToolCalls(m);
    assert.deepEqual(
      m.toolCalls!.map((c) => [c.status, c.result]),
      [
        ['skipped', undefined],
        ['invalid', undefined],
      ],
    );
  });

  it('an answer cut by the length limit runs none of its calls, marks the finished ones apart and says why', () => {
    const m: ChatMessageView = { id: 'a9', role: 'assistant', content: '', state: 'streaming', createdAt: 0 };
    const view = new StreamToView(
      'r9',
      m,
      () => undefined,
      () => undefined,
      0,
    );
    for (const ev of replay([sseFixture('tool-calls-length-after-complete')]).events) view.apply(ev);
    view.finish();
    assert.deepEqual(
      m.toolCalls?.map((c) => c.complete),
      [true, true, false],
      'the client reports the finished calls complete',
    );
    assert.equal(wantsToolRound(m), false);
    assert.equal(holdCutToolCalls(m), CUT_TOOL_TURN);
    assert.deepEqual(
      m.toolCalls?.map((c) => [c.name, c.status]),
      [
        ['read_file', 'cut'],
        ['list_files', 'cut'],
        ['search_text', 'invalid'],
      ],
    );
    assert.ok(
      m.toolCalls?.every((c) => c.id && c.result === undefined),
      'ids given, nothing run or sent back',
    );
    assert.equal(
      holdCutToolCalls({ ...answer([call('read_file', '{"path":"a"}')]), finishReason: 'tool_calls' }),
      undefined,
    );
    assert.equal(holdCutToolCalls({ ...answer([]), finishReason: 'length' }), undefined);
  });
});
