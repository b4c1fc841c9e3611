import * as assert from 'node:assert/strict';
import { analyseCompletion, type CompletionContext } from '../../src/completions/postprocess';
import { limitLines, StreamedAnswer } from '../../src/completions/streamed';
import { seededRandom } from '../support/fakeServer';
import { loadCorpus } from '../support/completionsCorpus';

/** Splits `text` into pieces of 1..max characters, reproducibly for a seed. */
function pieces(text: string, seed: number, max: number): string[] {
  const rnd = seededRandom(seed);
  const out: string[] = [];
  for (let i = 0; i < text.length;) {
    const n = 1 + Math.floor(rnd() * max);
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

/** What the engine shows for an answer streamed in these pieces, and how much of it was read. */
function stream(ctx: CompletionContext, parts: string[], maxLines = 100): { text: string | undefined; read: number } {
  const s = new StreamedAnswer(ctx, maxLines);
  let read = 0;
  for (const p of parts) {
    read += p.length;
    const d = s.push(p);
    if (d.decided) return { text: d.text, read };
  }
  return { text: s.finish(), read };
}

describe('completions: a streamed answer, decided early', () => {
  const files = loadCorpus();
  // Deciding before the end must never change what is shown: every corpus case, streamed in random pieces
  // (one character at a time, and larger), gives the corpus's expected insertion.
  for (const file of files) {
    for (const c of file.cases) {
      it(`${file.language}: ${c.name}`, () => {
        const ctx: CompletionContext = {
          prefix: c.prefix,
          suffix: c.suffix,
          languageId: c.languageId,
          mode: c.mode,
          indent: c.indent ?? file.indent,
        };
        for (const [seed, max] of [
          [1, 1],
          [2, 7],
          [3, 40],
        ]) {
          assert.equal(
            stream(ctx, pieces(c.answer, seed, max)).text ?? null,
            c.expected,
            `pieces of up to ${max} characters`,
          );
        }
      });
    }
  }

  const ts = (prefix: string, suffix: string, mode: 'line' | 'block'): CompletionContext => ({
    prefix,
    suffix,
    languageId: 'typescript',
    mode,
    indent: { useTabs: false, size: 2 },
  });

  it('line mode: decided at the first line break, before the rest arrives', () => {
    const answer = 'items.reduce((a, b) => a + b, 0);\nconsole.log(total);\nreturn total;\n';
    const got = stream(ts('const total = ', '\n', 'line'), pieces(answer, 4, 3));
    assert.equal(got.text, 'items.reduce((a, b) => a + b, 0);');
    assert.ok(got.read < answer.indexOf('console.log') + 3, `read ${got.read} of ${answer.length} characters`);
  });

  it('line mode: a fence or a lead-in alone is not yet an answer', () => {
    const s = new StreamedAnswer(ts('const total = ', '\n', 'line'), 10);
    assert.equal(s.push('```ts\n').decided, false);
    assert.deepEqual(s.push('0;\n'), { decided: true, text: '0;' });
    const prose = new StreamedAnswer(ts('const total = ', '\n', 'line'), 10);
    assert.equal(prose.push("Here's the completion:\n").decided, false);
    assert.deepEqual(prose.push('0;\n'), { decided: true, text: '0;' });
  });

  it('block mode: decided when the block ends, not at its first line', () => {
    const prefix = 'function sum(xs: number[]): number {\n  ';
    const suffix = '\n}\n\nexport const x = 1;\n';
    const s = new StreamedAnswer(ts(prefix, suffix, 'block'), 20);
    assert.equal(s.push('let t = 0;\n').decided, false);
    assert.equal(s.push('for (const x of xs) t += x;\n').decided, false);
    assert.equal(s.push('return t;\n').decided, false);
    // The dedent that closes the function ends the block: what the model writes after it is never shown.
    assert.deepEqual(s.push('}\n'), { decided: true, text: 'let t = 0;\n  for (const x of xs) t += x;\n  return t;' });
  });

  it('block mode: a closed fence decides; maxLines decides and cuts', () => {
    const s = new StreamedAnswer(ts('function f() {\n  ', '\n}\n', 'block'), 20);
    assert.equal(s.push('```ts\nconst a = 1;\nconst b = 2;\n').decided, false);
    assert.deepEqual(s.push('```\nMore prose after the fence.\n'), {
      decided: true,
      text: 'const a = 1;\n  const b = 2;',
    });
    const capped = new StreamedAnswer(ts('function f() {\n  ', '\n}\n', 'block'), 2);
    assert.equal(capped.push('a();\n').decided, false);
    assert.deepEqual(capped.push('b();\n'), { decided: true, text: 'a();\n  b();' });
  });

  it('reset forgets text that turned out to be reasoning', () => {
    const s = new StreamedAnswer(ts('const total = ', '\n', 'line'), 10);
    assert.equal(s.push('I think the sum').decided, false);
    s.reset();
    assert.deepEqual(s.push('0;\n'), { decided: true, text: '0;' });
  });

  it('finish decides on a whole answer without a final line break, and on nothing', () => {
    const s = new StreamedAnswer(ts('const total = ', '\n', 'line'), 10);
    s.push('0;');
    assert.equal(s.finish(), '0;');
    assert.equal(new StreamedAnswer(ts('const total = ', '\n', 'line'), 10).finish(), undefined);
  });

  it('analyseCompletion: a lone lead-in line is prose, not code', () => {
    assert.deepEqual(analyseCompletion("Here's the completion:", ts('const total = ', '\n', 'line')), {
      text: undefined,
      ended: false,
    });
  });

  it('limitLines keeps at most n lines and never returns blank text', () => {
    assert.equal(limitLines('a\nb\nc', 2), 'a\nb');
    assert.equal(limitLines('a\nb', 2), 'a\nb');
    assert.equal(limitLines(' \nb', 1), undefined);
    assert.equal(limitLines(undefined, 3), undefined);
  });
});
