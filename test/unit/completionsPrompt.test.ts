import * as assert from 'node:assert/strict';
import {
  buildCompletionPrompt,
  completionMode,
  completionSystemPrompt,
  DEFAULT_MAX_PREFIX_TOKENS,
  DEFAULT_MAX_SUFFIX_TOKENS,
  type CompletionMode,
  type CompletionPrompt,
  type PromptInput,
} from '../../src/completions/prompt';
import { CHARS_PER_TOKEN, estimateMessageTokens, estimateTokens } from '../../src/edit/tokens';

function build(prefix: string, suffix: string, extra: Partial<PromptInput> = {}): CompletionPrompt {
  return buildCompletionPrompt({ prefix, suffix, path: 'src/a.ts', languageId: 'typescript', mode: 'line', ...extra });
}

const system = (p: CompletionPrompt): string => p.messages[0].content as string;
const user = (p: CompletionPrompt): string => p.messages[1].content as string;
const count = (text: string, part: string): number => text.split(part).length - 1;

/** The code between the fences of the user message. */
function codeOf(p: CompletionPrompt): string {
  const lines = user(p).split('\n');
  const open = lines.findIndex((l) => l.startsWith('```'));
  const close = lines.lastIndexOf(lines[open].replace(/[^`]/g, ''));
  return lines.slice(open + 1, close).join('\n');
}

/**
 * The windows computed another way (splitting into lines), to check the walk against: the most whole lines that
 * fit the budget, or the cursor line's part truncated to `budget × 4` characters when it alone does not fit.
 */
function expectedPrefixWindow(prefix: string, budget: number): string {
  const lines = prefix.split('\n');
  let best: string | undefined;
  for (let k = lines.length - 1; k >= 0; k--) {
    const w = lines.slice(k).join('\n');
    if (estimateTokens(w) > budget) break;
    best = w;
  }
  return best ?? prefix.slice(prefix.length - budget * CHARS_PER_TOKEN);
}

function expectedSuffixWindow(suffix: string, budget: number): string {
  const lines = suffix.split('\n');
  let best: string | undefined;
  for (let k = 1; k <= lines.length; k++) {
    let w = lines.slice(0, k).join('\n');
    if (k < lines.length && w.endsWith('\r')) w = w.slice(0, -1);
    if (estimateTokens(w) > budget) break;
    best = w;
  }
  return best ?? suffix.slice(0, budget * CHARS_PER_TOKEN);
}

/** A small deterministic generator (mulberry32), so the generated documents are the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Lines of 0–60 characters (some blank, some indented with tabs), joined by `eol`. */
function document(seed: number, lines: number, eol: string): string {
  const next = random(seed);
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const len = next() < 0.15 ? 0 : Math.floor(next() * 60);
    const indent = next() < 0.3 ? '\t' : '  '.repeat(Math.floor(next() * 3));
    out.push(len === 0 ? '' : (indent + `let v${i} = ${'x'.repeat(len)};`).slice(0, len));
  }
  return out.join(eol);
}

describe('completions: mode', () => {
  it("is 'line' when the cursor line has text before or after the cursor", () => {
    assert.equal(completionMode('  const x = ', ''), 'line');
    assert.equal(completionMode('  ', ')'), 'line');
    assert.equal(completionMode('foo(', ');'), 'line');
    assert.equal(completionMode('\t\tx', '  \t'), 'line');
  });

  it("is 'block' when the cursor line holds only spaces or tabs", () => {
    assert.equal(completionMode('', ''), 'block');
    assert.equal(completionMode('    ', ''), 'block');
    assert.equal(completionMode('\t\t', '  '), 'block');
    assert.equal(completionMode(' \t ', '\t'), 'block');
  });

  it("treats the \\r of a CRLF ending as blank, and text after it as 'line'", () => {
    assert.equal(completionMode('  ', '\r'), 'block');
    assert.equal(completionMode('\t', ' \r'), 'block');
    assert.equal(completionMode('', 'x\r'), 'line');
  });

  it('looks only at the cursor line when given the whole text before and after the cursor', () => {
    assert.equal(completionMode('function f() {\r\n  ', '\r\n}\r\n'), 'block');
    assert.equal(completionMode('a\n\t', '\nb'), 'block');
    assert.equal(completionMode('a\nb', '\nc'), 'line');
    assert.equal(completionMode('a\n', 'b\nc'), 'line');
  });
});

describe('completions: prompt windows', () => {
  it('cut at line boundaries on both sides, the most whole lines that fit each budget', () => {
    // Every line is 7 characters and a newline: 2 tokens each.
    const lines = Array.from({ length: 10 }, (_, i) => `line ${i}_`);
    const prefix = lines.slice(0, 5).join('\n') + '\nab';
    const suffix = 'cd\n' + lines.slice(5).join('\n');
    const p = build(prefix, suffix, { maxPrefixTokens: 5, maxSuffixTokens: 5 });
    // "line 3_\nline 4_\nab" is 18 characters (5 tokens); one more line would be 26 (7 tokens).
    assert.equal(p.prefixWindow, 'line 3_\nline 4_\nab');
    // "cd\nline 5_\nline 6_" is 18 characters; the next line would make it 26.
    assert.equal(p.suffixWindow, 'cd\nline 5_\nline 6_');
  });

  it('match the line-by-line computation on generated documents, cursors and budgets (LF and CRLF)', () => {
    let checked = 0;
    for (const eol of ['\n', '\r\n']) {
      for (let seed = 1; seed <= 6; seed++) {
        const doc = document(seed, 80, eol);
        const next = random(seed * 97);
        for (let i = 0; i < 40; i++) {
          let at = Math.floor(next() * (doc.length + 1));
          if (doc[at - 1] === '\r') at--; // VS Code never puts the cursor inside a CRLF.
          const prefix = doc.slice(0, at);
          const suffix = doc.slice(at);
          const pb = Math.floor(next() * 120);
          const sb = Math.floor(next() * 60);
          const p = build(prefix, suffix, { maxPrefixTokens: pb, maxSuffixTokens: sb });
          const where = `${JSON.stringify(eol)} seed ${seed}, cursor ${at}, budgets ${pb}/${sb}`;
          assert.equal(p.prefixWindow, expectedPrefixWindow(prefix, pb), where);
          assert.equal(p.suffixWindow, expectedSuffixWindow(suffix, sb), where);
          assert.ok(estimateTokens(p.prefixWindow) <= pb, where);
          assert.ok(estimateTokens(p.suffixWindow) <= sb, where);
          assert.ok(prefix.endsWith(p.prefixWindow) && suffix.startsWith(p.suffixWindow), where);
          checked++;
        }
      }
    }
    assert.equal(checked, 480);
  });

  it('always hold the cursor line when it fits, even if no other line does', () => {
    const p = build('first line here\n  return a', ' + b;\nlast line here', { maxPrefixTokens: 3, maxSuffixTokens: 2 });
    assert.equal(p.prefixWindow, '  return a');
    assert.equal(p.suffixWindow, ' + b;');
    assert.match(user(p), /^… \(earlier lines omitted\)$/m);
    assert.match(user(p), /^… \(later lines omitted\)$/m);
  });

  it('keep the end of a cursor line over budget before the cursor, and the start of one after it', () => {
    const before = 'a'.repeat(30) + 'b'.repeat(20);
    const after = 'c'.repeat(20) + 'd'.repeat(30);
    const p = build('x\n' + before, after + '\ny', { maxPrefixTokens: 5, maxSuffixTokens: 5 });
    assert.equal(p.prefixWindow, 'bbbbbbbbbbbbbbbbbbbb');
    assert.equal(p.suffixWindow, 'cccccccccccccccccccc');
    assert.match(user(p), /^… \(earlier text on this line omitted\)$/m);
    assert.match(user(p), /^… \(later text on this line omitted\)$/m);
  });

  it('handle a huge single line: each side cut to its default budget in characters', () => {
    const p = build('x'.repeat(500_000), 'y'.repeat(500_000));
    assert.equal(p.prefixWindow, 'x'.repeat(DEFAULT_MAX_PREFIX_TOKENS * CHARS_PER_TOKEN));
    assert.equal(p.suffixWindow, 'y'.repeat(DEFAULT_MAX_SUFFIX_TOKENS * CHARS_PER_TOKEN));
    assert.equal(codeOf(p), p.prefixWindow + '<CURSOR>' + p.suffixWindow);
  });

  it('never cut a surrogate pair in half', () => {
    const emoji = '\u{1F600}'; // two UTF-16 units
    // 8 units (2 tokens) fall on pair boundaries here: all 8 are kept.
    const p = build('a' + emoji.repeat(10), emoji.repeat(10) + 'b', { maxPrefixTokens: 2, maxSuffixTokens: 2 });
    assert.equal(p.prefixWindow, emoji.repeat(4));
    assert.equal(p.suffixWindow, emoji.repeat(4));
    // Here 8 units would start (or end) inside a pair: one unit fewer is kept.
    const q = build('a' + emoji.repeat(10) + 'a', 'b' + emoji.repeat(10), { maxPrefixTokens: 2, maxSuffixTokens: 2 });
    assert.equal(q.prefixWindow, emoji.repeat(3) + 'a');
    assert.equal(q.suffixWindow, 'b' + emoji.repeat(3));
  });

  it('one character short of the text: still said to be cut, by line or inside the line', () => {
    const mid = build('abcde', 'vwxyz', { maxPrefixTokens: 1, maxSuffixTokens: 1 });
    assert.equal(mid.prefixWindow, 'bcde');
    assert.equal(mid.suffixWindow, 'vwxy');
    assert.match(user(mid), /^… \(earlier text on this line omitted\)$/m);
    assert.match(user(mid), /^… \(later text on this line omitted\)$/m);
    const atLine = build('\nabcd', 'wxyz\n', { maxPrefixTokens: 1, maxSuffixTokens: 1 });
    assert.equal(atLine.prefixWindow, 'abcd');
    assert.equal(atLine.suffixWindow, 'wxyz');
    assert.match(user(atLine), /^… \(earlier lines omitted\)$/m);
    assert.match(user(atLine), /^… \(later lines omitted\)$/m);
  });

  it('are empty with a budget of 0, and the prompt says text was left out on both sides', () => {
    const p = build('ab\ncd', 'ef\ngh', { maxPrefixTokens: 0, maxSuffixTokens: 0 });
    assert.equal(p.prefixWindow, '');
    assert.equal(p.suffixWindow, '');
    assert.match(user(p), /earlier text on this line omitted/);
    assert.match(user(p), /later text on this line omitted/);
  });

  it('use the defaults when no budget is given (or NaN), and floor fractional budgets', () => {
    const doc = document(7, 2000, '\n');
    const at = doc.length >> 1;
    const p = build(doc.slice(0, at), doc.slice(at));
    assert.deepEqual(build(doc.slice(0, at), doc.slice(at), { maxPrefixTokens: NaN, maxSuffixTokens: NaN }), p);
    assert.ok(estimateTokens(p.prefixWindow) <= DEFAULT_MAX_PREFIX_TOKENS);
    assert.ok(estimateTokens(p.suffixWindow) <= DEFAULT_MAX_SUFFIX_TOKENS);
    // Lines are at most 60 characters, so a window stops less than one line short of its budget.
    assert.ok(estimateTokens(p.prefixWindow) > DEFAULT_MAX_PREFIX_TOKENS - 16);
    assert.ok(estimateTokens(p.suffixWindow) > DEFAULT_MAX_SUFFIX_TOKENS - 16);
    const f = build('x'.repeat(100), 'y'.repeat(100), { maxPrefixTokens: 2.9, maxSuffixTokens: 1.5 });
    assert.equal(f.prefixWindow.length, 8);
    assert.equal(f.suffixWindow.length, 4);
  });

  it('walk over runs of blank lines', () => {
    const p = build('top\n' + '\n'.repeat(5000) + 'x = ', '\n'.repeat(5000) + 'end', {
      maxPrefixTokens: 10,
      maxSuffixTokens: 10,
    });
    assert.equal(p.prefixWindow, '\n'.repeat(36) + 'x = ');
    assert.equal(p.suffixWindow, '\n'.repeat(40));
  });

  it('keep CRLF endings in the windows but send only \\n to the model', () => {
    const p = build('a\r\nb\r\n  c', 'd\r\ne\r\nf', { maxPrefixTokens: 100, maxSuffixTokens: 100 });
    assert.equal(p.prefixWindow, 'a\r\nb\r\n  c');
    assert.equal(p.suffixWindow, 'd\r\ne\r\nf');
    assert.ok(!user(p).includes('\r'));
    assert.equal(codeOf(p), 'a\nb\n  c<CURSOR>d\ne\nf');
    // A CRLF window cut after a line ends before its \r\n.
    const q = build('', 'd\r\ne\r\nfff', { maxSuffixTokens: 1 });
    assert.equal(q.suffixWindow, 'd\r\ne');
    assert.ok(!user(q).includes('\r'));
    assert.match(user(q), /^… \(later lines omitted\)$/m);
  });
});

describe('completions: prompt messages', () => {
  it('a system message with the instructions, then a user message with path, language and the code', () => {
    const p = build('function add(a, b) {\n  return ', ';\n}\n', { mode: 'line' });
    assert.deepEqual(
      p.messages.map((m) => m.role),
      ['system', 'user'],
    );
    assert.equal(system(p), completionSystemPrompt('line'));
    assert.equal(
      user(p),
      [
        'File: src/a.ts',
        'Language: typescript',
        '```typescript',
        'function add(a, b) {',
        '  return <CURSOR>;',
        '}',
        '',
        '```',
      ].join('\n'),
    );
  });

  it('name the path and language given', () => {
    const p = build('x', 'y', { path: 'lib/deep/mod.py', languageId: 'python' });
    assert.match(user(p), /^File: lib\/deep\/mod\.py$/m);
    assert.match(user(p), /^Language: python$/m);
    assert.match(user(p), /^```python$/m);
  });

  it('hold the cursor marker exactly once, between the two windows', () => {
    const p = build('a\nb', 'c\nd');
    assert.equal(count(user(p), '<CURSOR>'), 1);
    assert.equal(codeOf(p), 'a\nb<CURSOR>c\nd');
  });

  it('pick another marker when the code already holds <CURSOR>, and name it in the instructions', () => {
    const p = build('const m = "<CURSOR>";\nconst n = ', ';\n// <CURSOR_1>');
    assert.equal(codeOf(p), 'const m = "<CURSOR>";\nconst n = <CURSOR_2>;\n// <CURSOR_1>');
    assert.equal(count(user(p), '<CURSOR_2>'), 1);
    assert.match(system(p), /<CURSOR_2>/);
    assert.doesNotMatch(system(p), /<CURSOR>|<CURSOR_1>/);
    // Halves of a marker on each side of the cursor do not make a second one.
    const q = build('x = "<CURS', 'OR>"');
    assert.equal(codeOf(q), 'x = "<CURS<CURSOR>OR>"');
    assert.equal(count(user(q), '<CURSOR>'), 1);
  });

  it('an empty document: just the marker, nothing said to be omitted', () => {
    const p = build('', '', { mode: completionMode('', '') });
    assert.equal(p.prefixWindow, '');
    assert.equal(p.suffixWindow, '');
    assert.equal(codeOf(p), '<CURSOR>');
    assert.doesNotMatch(user(p), /omitted/);
    assert.equal(system(p), completionSystemPrompt('block'));
  });

  it('cursor at the start or the end of a file: the code starts or ends with the marker', () => {
    const doc = 'import x from "x";\nexport const y = x;\n';
    const start = build('', doc);
    assert.ok(codeOf(start).startsWith('<CURSOR>import'));
    assert.doesNotMatch(user(start), /earlier/);
    const end = build(doc, '');
    assert.ok(codeOf(end).endsWith('x;\n<CURSOR>'));
    assert.doesNotMatch(user(end), /later/);
  });

  it('say when the window starts or ends inside the file, outside the fences', () => {
    const doc = Array.from({ length: 100 }, (_, i) => `const v${i} = ${i};`).join('\n');
    const at = doc.indexOf('const v50');
    const p = build(doc.slice(0, at), doc.slice(at), { maxPrefixTokens: 20, maxSuffixTokens: 20 });
    const lines = user(p).split('\n');
    assert.equal(lines[2], '… (earlier lines omitted)');
    assert.equal(lines[3], '```typescript');
    assert.equal(lines[lines.length - 2], '```');
    assert.equal(lines[lines.length - 1], '… (later lines omitted)');
  });

  it('fence the code with more backticks than it holds', () => {
    const p = build('# Title\n```js\nlet a', '\n```\n', { languageId: 'markdown' });
    assert.match(user(p), /^````markdown$/m);
    assert.equal(codeOf(p), '# Title\n```js\nlet a<CURSOR>\n```\n');
  });

  it('instructions differ by mode: the rest of the line, or up to the end of the block', () => {
    const line = completionSystemPrompt('line');
    const block = completionSystemPrompt('block');
    assert.notEqual(line, block);
    assert.match(line, /only the rest of the current line/);
    assert.doesNotMatch(line, /block/);
    assert.match(block, /Finish the current block or statement \(a few lines at most\)/);
    assert.match(block, /indented like the file/);
    assert.equal(system(build('  ', '', { mode: 'block' })), block);
    assert.equal(system(build('x', '', { mode: 'line' })), line);
  });

  it('instructions: only the text to insert, no fences or explanations, no repeats, empty when nothing fits', () => {
    for (const mode of ['line', 'block'] as CompletionMode[]) {
      const s = completionSystemPrompt(mode);
      assert.match(s, /ONLY the text to insert at <CURSOR>/);
      assert.match(s, /no code fences/);
      assert.match(s, /no explanations/);
      assert.match(s, /do not repeat the code before or after <CURSOR>/);
      assert.match(s, /If nothing fits, reply with an empty answer/);
    }
  });

  it('stay short: instructions under 100 tokens, and everything but the code under 120', () => {
    for (const mode of ['line', 'block'] as CompletionMode[]) {
      assert.ok(estimateTokens(completionSystemPrompt(mode)) < 100, mode);
      // Both windows cut, so both notes are in the message.
      const doc = Array.from({ length: 3000 }, (_, i) => `x${i}`).join('\n');
      const p = build(doc.slice(0, 8000), doc.slice(8000), { mode, path: 'src/completions/provider.ts' });
      assert.match(user(p), /earlier lines omitted[^]*later lines omitted/);
      const framing = estimateMessageTokens(p.messages) - estimateTokens(codeOf(p));
      assert.ok(framing < 120, `${mode}: ${framing} tokens`);
    }
  });
});

describe('completions: prompt for a 1 MB document', () => {
  it('many lines: windows within the default budgets, exact substrings, a small message', () => {
    const doc = document(11, 40_000, '\n');
    assert.ok(doc.length > 1_000_000, `${doc.length}`);
    const at = doc.indexOf('\n', doc.length >> 1) + 1;
    const p = build(doc.slice(0, at), doc.slice(at));
    assert.ok(doc.slice(0, at).endsWith(p.prefixWindow));
    assert.ok(doc.slice(at).startsWith(p.suffixWindow));
    assert.ok(p.prefixWindow.length <= DEFAULT_MAX_PREFIX_TOKENS * CHARS_PER_TOKEN);
    assert.ok(p.prefixWindow.length > DEFAULT_MAX_PREFIX_TOKENS * CHARS_PER_TOKEN - 61);
    assert.ok(p.suffixWindow.length <= DEFAULT_MAX_SUFFIX_TOKENS * CHARS_PER_TOKEN);
    assert.ok(p.suffixWindow.length > DEFAULT_MAX_SUFFIX_TOKENS * CHARS_PER_TOKEN - 61);
    assert.ok(user(p).length < 6600, `${user(p).length}`);
    assert.ok(estimateMessageTokens(p.messages) < DEFAULT_MAX_PREFIX_TOKENS + DEFAULT_MAX_SUFFIX_TOKENS + 120);
  });

  it('one line of 1 MB: each side cut to its budget in characters', () => {
    const doc = 'var a=1;'.repeat(131_072);
    const at = 600_001;
    const p = build(doc.slice(0, at), doc.slice(at), { mode: 'line' });
    assert.equal(p.prefixWindow, doc.slice(at - DEFAULT_MAX_PREFIX_TOKENS * CHARS_PER_TOKEN, at));
    assert.equal(p.suffixWindow, doc.slice(at, at + DEFAULT_MAX_SUFFIX_TOKENS * CHARS_PER_TOKEN));
    assert.ok(user(p).length < 6600, `${user(p).length}`);
  });
});
