import * as assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import {
  displayToken,
  formatProbability,
  mapChars,
  probability,
  runsOf,
  shadeBucket,
  tokenDetails,
  tokenIndexPerChar,
} from '../../src/webview/app/logprobMath';
import { answerTokens } from '../bench/answer';

/** The text a browser shows for some markdown, roughly: the rendered HTML without tags, entities decoded. */
function renderedText(markdown: string): string {
  const html = new MarkdownIt({ html: false, linkify: true }).render(markdown);
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** Which token each rendered character belongs to, as [char, token text] pairs (unplaced chars as null). */
function owners(tokens: string[], content: string, rendered: string): [string, string | null][] {
  const map = tokenIndexPerChar(tokens, content, rendered);
  return Array.from(rendered, (_, i) => [rendered[i], map[i] < 0 ? null : tokens[map[i]]]);
}

function assertEveryCharOwnedByItsToken(tokens: string[], content: string, rendered: string): void {
  for (const [ch, token] of owners(tokens, content, rendered)) {
    if (/\s/.test(ch)) continue;
    assert.ok(token !== null, `"${ch}" of ${JSON.stringify(rendered)} has no token`);
    assert.ok(token.includes(ch), `"${ch}" attributed to token ${JSON.stringify(token)}`);
  }
}

describe('webview logprob math', () => {
  it('probability from logprob, clamped; -Infinity and NaN are 0', () => {
    assert.equal(probability(0), 1);
    assert.ok(Math.abs(probability(Math.log(0.25)) - 0.25) < 1e-12);
    assert.equal(probability(-Infinity), 0);
    assert.equal(probability(Number.NaN), 0);
    assert.equal(probability(3), 1);
  });

  it('buckets: likely tokens unshaded, unlikely ones strongest', () => {
    assert.deepEqual(
      [0.99, 0.9, 0.89, 0.7, 0.6, 0.4, 0.2, 0.1, 0.09, 0].map(shadeBucket),
      [0, 0, 1, 1, 2, 3, 4, 4, 5, 5],
    );
  });

  it('formats percentages', () => {
    assert.equal(formatProbability(1), '100%');
    assert.equal(formatProbability(0.9996), '>99.9%');
    assert.equal(formatProbability(0.123), '12.3%');
    assert.equal(formatProbability(0.0042), '0.42%');
    assert.equal(formatProbability(0.00001), '<0.01%');
    assert.equal(formatProbability(0), '0%');
    assert.equal(formatProbability(Number.NaN), '0%');
  });

  it('makes whitespace visible and names the empty token', () => {
    assert.equal(displayToken(' the'), '␣the');
    assert.equal(displayToken('\n\n'), '⏎⏎');
    assert.equal(displayToken('\t'), '⇥');
    assert.equal(displayToken(''), '(empty)');
  });

  it('tooltip details: the chosen token marked once, alternatives in order with percentages', () => {
    const d = tokenDetails({
      token: ' cat',
      logprob: Math.log(0.6),
      top: [
        { token: ' cat', logprob: Math.log(0.6) },
        { token: ' dog', logprob: Math.log(0.3) },
        { token: ' cat', logprob: -5 },
      ],
    });
    assert.equal(d.token, '␣cat');
    assert.equal(d.percent, '60.0%');
    assert.deepEqual(
      d.alternatives.map((a) => [a.token, a.percent, a.chosen]),
      [
        ['␣cat', '60.0%', true],
        ['␣dog', '30.0%', false],
        ['␣cat', '0.67%', false],
      ],
    );
    assert.deepEqual(tokenDetails({ token: 'x', logprob: -100 }).alternatives, []);
  });

  it('mapChars: a subsequence skipping syntax; characters the source lacks stay -1', () => {
    assert.deepEqual(Array.from(mapChars('**ab** c', 'ab c')), [2, 3, -1, 7], 'whitespace is never searched for');
    assert.deepEqual(
      Array.from(mapChars('a\n- b\n- c', 'a\n\n\nb\n\nc')),
      [0, 1, -1, -1, 4, 5, -1, 8],
      'extra line ends do not jump ahead',
    );
    assert.deepEqual(Array.from(mapChars('abc', 'aXc')), [0, -1, 2]);
    assert.deepEqual(Array.from(mapChars('', 'ab')), [-1, -1]);
  });

  it('aligns tokens across bold, inline code and a link target', () => {
    const tokens = [
      'Use',
      ' **',
      'bold',
      '**',
      ' and',
      ' `',
      'code',
      '`',
      ' see',
      ' [',
      'docs',
      '](',
      'https',
      '://',
      'x.io/a?b=1',
      ')',
      '.',
    ];
    const content = tokens.join('');
    const rendered = renderedText(content);
    assert.equal(rendered.trim(), 'Use bold and code see docs.');
    assertEveryCharOwnedByItsToken(tokens, content, rendered);
    const o = owners(tokens, content, rendered);
    assert.equal(o[rendered.indexOf('docs')][1], 'docs');
    assert.equal(o[rendered.indexOf('.')][1], '.');
  });

  it('a token spanning markdown syntax owns only its visible characters', () => {
    const tokens = ['A', ' **bo', 'ld**', ' word'];
    const content = tokens.join('');
    const rendered = renderedText(content);
    const o = owners(tokens, content, rendered);
    assert.equal(o[rendered.indexOf('b')][1], ' **bo');
    assert.equal(o[rendered.indexOf('l')][1], 'ld**');
    assert.equal(o[rendered.indexOf('w')][1], ' word');
  });

  it('entities: &amp; in the source is & on screen, still the same token', () => {
    const tokens = ['Tom', ' &', 'amp;', ' Jerry', ' <', 'b', '>'];
    const content = tokens.join('');
    const rendered = renderedText(content);
    assert.equal(rendered.trim(), 'Tom &amp; Jerry <b>'.replace('&amp;', '&'));
    const o = owners(tokens, content, rendered);
    assert.equal(o[rendered.indexOf('&')][1], ' &');
    assert.equal(o[rendered.indexOf('J')][1], ' Jerry');
    assert.equal(o[rendered.indexOf('<')][1], ' <');
  });

  it('a fenced code block: the fence and language are skipped, the code lines up', () => {
    const tokens = ['Here', ':\n\n', '```', 'ts', '\n', 'const', ' a', ' =', ' 1', ';\n', '```', '\n'];
    const content = tokens.join('');
    const rendered = renderedText(content);
    assertEveryCharOwnedByItsToken(tokens, content, rendered);
    const o = owners(tokens, content, rendered);
    assert.equal(o[rendered.indexOf('const')][1], 'const');
    assert.equal(o[rendered.indexOf('1')][1], ' 1');
  });

  it('emoji and other multi-unit characters stay whole in one token', () => {
    const tokens = ['Hi', ' 👋', ' wörld', '!'];
    const content = tokens.join('');
    const map = tokenIndexPerChar(tokens, content, content);
    const at = content.indexOf('👋');
    assert.equal(map[at], 1);
    assert.equal(map[at + 1], 1);
    // runs never cut a surrogate pair, even when the map would.
    const broken = Int32Array.from(map);
    broken[at + 1] = 2;
    const runs = runsOf(broken, content, 0, content.length);
    assert.ok(
      runs.every((r) => r.end !== at + 1),
      JSON.stringify(runs),
    );
  });

  it('empty tokens own nothing and do not shift the others', () => {
    const tokens = ['a', '', 'b', '', '', 'c'];
    assert.deepEqual(Array.from(tokenIndexPerChar(tokens, 'abc', 'abc')), [0, 2, 5]);
  });

  it('reasoning or a <think> block before the answer: only the answer is aligned', () => {
    const tokens = ['<think>', 'Use', ' a', ' map', '?', '</think>', 'Use', ' a', ' map', '.'];
    const content = 'Use a map.';
    const map = tokenIndexPerChar(tokens, content, content);
    assert.deepEqual(Array.from(map), [6, 6, 6, 7, 7, 8, 8, 8, 8, 9]);
  });

  it('mismatched token text degrades to partial alignment, never throws', () => {
    const tokens = ['Hel', 'lo', ' wrld', '!!'];
    const content = 'Hello world!';
    const map = tokenIndexPerChar(tokens, content, content);
    assert.equal(map.length, content.length);
    assert.equal(map[0], 0);
    assert.equal(map[content.indexOf('w')], 2);
    assert.ok(Array.from(map).every((i) => i >= -1 && i < tokens.length));
    assert.deepEqual(Array.from(tokenIndexPerChar([], content, content)), new Array(content.length).fill(-1));
    assert.deepEqual(Array.from(tokenIndexPerChar(['x'], '', '')), []);
    // Totally different text: nothing placed, nothing thrown; stray single letters in common are not shaded.
    assert.ok(Array.from(tokenIndexPerChar(['zzz'], 'abc', 'abc')).every((i) => i === -1));
    assert.ok(
      Array.from(tokenIndexPerChar(['Completely', ' different'], 'An answer here', 'An answer here')).every(
        (i) => i === -1,
      ),
    );
  });

  it('runs group consecutive characters of one token, with -1 runs between', () => {
    const map = Int32Array.from([-1, 0, 0, 1, -1, -1, 2]);
    assert.deepEqual(runsOf(map, 'xabcxyd', 0, 7), [
      { start: 0, end: 1, token: -1 },
      { start: 1, end: 3, token: 0 },
      { start: 3, end: 4, token: 1 },
      { start: 4, end: 6, token: -1 },
      { start: 6, end: 7, token: 2 },
    ]);
    // A slice of a longer map: positions relative to the node's text.
    assert.deepEqual(runsOf(map, 'bc', 2, 4), [
      { start: 0, end: 1, token: 0 },
      { start: 1, end: 2, token: 1 },
    ]);
  });

  it('aligns a realistic 2,000-token answer (headings, lists, tables, code, links) completely', () => {
    const tokens = answerTokens(2000);
    const content = tokens.join('');
    const rendered = renderedText(content);
    assertEveryCharOwnedByItsToken(tokens, content, rendered);
  });
});
