import * as assert from 'node:assert/strict';
import { runCli, runCliMerged, useCliServer } from '../support/cliRun';
import { jsonReply, sseReply } from '../support/fakeServer';
import { sseFixture } from '../support/paths';

const KEY = 'rcai-cli-test-key-0123456789';
const ESC = '\x1b';

/** The reasoning fixture as a terminal shows it: thinking, then the answer, each under its marker. */
const SHOWN = '--- thinking ---\nLet me think about it. Done.\n--- answer ---\nThe answer is 42.\n';

/** The in-band error fixture: "Partial " then an `{"error": …}` chunk, with no finish reason. */
function inbandErrorPieces(): string[] {
  const text = sseFixture('inband-error').toString('utf8');
  const cut = text.indexOf('data: {"error"');
  return [text.slice(0, cut), text.slice(cut)];
}

describe('terminal client: plain output (node dist/cli.js)', () => {
  const fx = useCliServer(KEY);

  it('keeps the thinking apart from the answer: markers between them, only the answer on stdout, no ANSI on a pipe', async () => {
    fx.server.enqueue(
      '/chat/completions',
      sseReply(sseFixture('reasoning'), { randomSplit: { seed: 3, maxPiece: 7 } }),
    );
    const merged = await runCliMerged(['q'], fx.env);
    assert.equal(merged.code, 0, merged.output);
    assert.equal(merged.output, SHOWN);
    fx.server.enqueue('/chat/completions', sseReply(sseFixture('reasoning')));
    const r = await runCli(['q'], fx.env);
    assert.equal(r.stdout, 'The answer is 42.\n');
    assert.equal(r.stderr, '--- thinking ---\nLet me think about it. Done.\n--- answer ---\n');
  });

  it('dims the thinking for a terminal (FORCE_COLOR stands in for one), never the answer, and not with NO_COLOR', async () => {
    fx.server.enqueue('/chat/completions', sseReply(sseFixture('reasoning')));
    const color = await runCli(['q'], { ...fx.env, FORCE_COLOR: '1' });
    assert.equal(color.code, 0, color.stderr);
    assert.ok(color.stderr.includes(`${ESC}[2mLet me think`), JSON.stringify(color.stderr));
    assert.equal(
      color.stderr.replaceAll(`${ESC}[2m`, '').replaceAll(`${ESC}[22m`, ''),
      '--- thinking ---\nLet me think about it. Done.\n--- answer ---\n',
    );
    assert.equal(color.stdout, 'The answer is 42.\n');

    fx.server.enqueue('/chat/completions', sseReply(sseFixture('reasoning')));
    const plain = await runCli(['q'], { ...fx.env, FORCE_COLOR: '1', NO_COLOR: '1' });
    assert.equal(plain.stderr, '--- thinking ---\nLet me think about it. Done.\n--- answer ---\n');
  });

  it('--no-stream prints the reasoning as the stream does, and --json --no-stream keeps it', async () => {
    const answer = {
      model: 'trinity-large-thinking',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            reasoning_content: 'Let me think about it. Done.',
            content: 'The answer is 42.',
          },
          finish_reason: 'stop',
        },
      ],
    };
    fx.server.enqueue('/chat/completions', jsonReply(200, answer));
    const merged = await runCliMerged(['--no-stream', 'q'], fx.env);
    assert.equal(merged.code, 0, merged.output);
    assert.equal(merged.output, SHOWN);
    assert.equal((fx.server.requestsTo('/chat/completions')[0].json as { stream: boolean }).stream, false);

    fx.server.enqueue('/chat/completions', jsonReply(200, answer));
    const j = await runCli(['--json', '--no-stream', 'q'], fx.env);
    const out = JSON.parse(j.stdout) as { choices: { content: string; reasoning: string }[] };
    assert.deepEqual(
      out.choices.map((c) => [c.reasoning, c.content]),
      [['Let me think about it. Done.', 'The answer is 42.']],
    );
  });

  it('a mid-stream error starts on its own line on stderr; the partial text stays on stdout', async () => {
    // The error after the text has been shown, and in the same read as the text (never shown before the error).
    const replies = [sseReply(inbandErrorPieces(), { pieceDelayMs: 50 }), sseReply(inbandErrorPieces().join(''))];
    for (const reply of replies) {
      fx.server.enqueue('/chat/completions', reply);
      const merged = await runCliMerged(['q'], fx.env);
      assert.equal(merged.code, 1);
      assert.match(merged.output, /^Partial \nerror \(stream_error\): [^\n]*Upstream provider overloaded[^\n]*\n$/);
      fx.server.enqueue('/chat/completions', reply);
      const r = await runCli(['q'], fx.env);
      assert.equal(r.stdout, 'Partial \n');
      assert.match(r.stderr, /^error \(stream_error\): /);
      assert.ok(!r.stderr.includes(KEY));
    }
  });

  it("prints each tool call's name, id and arguments after the text", async () => {
    fx.server.enqueue('/chat/completions', sseReply(sseFixture('tool-calls')));
    const r = await runCli(['q'], fx.env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      '--- tool call read_file (call_abc) ---\n{"path": "src/a.ts"}\n--- tool call list_files (x7) ---\n{}\n',
    );
  });
});
