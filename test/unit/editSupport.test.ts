import * as assert from 'node:assert/strict';
import { TrackedRange } from '../../src/edit/rangeTracker';
import { enclosingBlock, SymbolKinds, type SymbolNode } from '../../src/edit/scope';
import { checkContext, estimateMessageTokens, estimateTokens } from '../../src/edit/tokens';

describe('edit: range tracking', () => {
  it('edits before the range shift it; edits after leave it', () => {
    const r = new TrackedRange(10, 20);
    assert.equal(r.apply([{ offset: 0, length: 0, text: 'abc' }]), false);
    assert.deepEqual([r.start, r.end], [13, 23]);
    r.apply([{ offset: 2, length: 5, text: '' }]);
    assert.deepEqual([r.start, r.end], [8, 18]);
    r.apply([
      { offset: 18, length: 0, text: 'tail' },
      { offset: 30, length: 3, text: '' },
    ]);
    assert.deepEqual([r.start, r.end, r.touched], [8, 18, false]);
  });

  it('an insertion right at the start shifts it; a deletion ending at the start too', () => {
    const r = new TrackedRange(10, 20);
    r.apply([{ offset: 10, length: 0, text: 'xx' }]);
    assert.deepEqual([r.start, r.end, r.touched], [12, 22, false]);
    r.apply([{ offset: 8, length: 4, text: '' }]);
    assert.deepEqual([r.start, r.end, r.touched], [8, 18, false]);
  });

  it('any change inside or across the range marks it touched', () => {
    for (const c of [
      { offset: 12, length: 0, text: 'x' },
      { offset: 5, length: 6, text: '' },
      { offset: 19, length: 5, text: 'y' },
      { offset: 10, length: 10, text: '' },
    ]) {
      assert.equal(new TrackedRange(10, 20).apply([c]), true, JSON.stringify(c));
    }
  });

  it('several changes of one event are applied from the last to the first', () => {
    const r = new TrackedRange(10, 20);
    // Relative to the document before the event: insert at 0 and at 25.
    r.apply([
      { offset: 0, length: 0, text: '12345' },
      { offset: 25, length: 0, text: 'z' },
    ]);
    assert.deepEqual([r.start, r.end, r.touched], [15, 25, false]);
  });
});

describe('edit: enclosing function or block', () => {
  const range = (a: number, b: number, ca = 0, cb = 1): SymbolNode['range'] => ({
    start: { line: a, character: ca },
    end: { line: b, character: cb },
  });
  const tree: SymbolNode[] = [
    {
      name: 'C',
      kind: SymbolKinds.Class,
      range: range(0, 20),
      children: [
        {
          name: 'm',
          kind: SymbolKinds.Method,
          range: range(2, 8),
          children: [{ name: 'v', kind: 12, range: range(3, 3, 4, 20) }],
        },
        { name: 'field', kind: 7, range: range(10, 10) },
      ],
    },
    { name: 'f', kind: SymbolKinds.Function, range: range(22, 30) },
    { name: 'obj', kind: 13, range: range(32, 36) },
    { name: 'ns', kind: SymbolKinds.Namespace, range: range(40, 60) },
  ];

  it('takes the innermost function-like symbol', () => {
    assert.equal(enclosingBlock(tree, { line: 3, character: 5 })?.name, 'm');
    assert.equal(enclosingBlock(tree, { line: 25, character: 0 })?.name, 'f');
  });

  it('else a multi-line symbol such as the class or a constant; never a namespace; nothing outside', () => {
    assert.equal(enclosingBlock(tree, { line: 10, character: 0 })?.name, 'C');
    assert.equal(enclosingBlock(tree, { line: 33, character: 0 })?.name, 'obj');
    assert.equal(enclosingBlock(tree, { line: 45, character: 0 }), undefined);
    assert.equal(enclosingBlock(tree, { line: 21, character: 0 }), undefined);
  });

  it('works on a flat list (SymbolInformation) by size', () => {
    const flat = [
      { name: 'C', kind: SymbolKinds.Class, range: range(0, 20) },
      { name: 'm', kind: SymbolKinds.Method, range: range(2, 8) },
    ];
    assert.equal(enclosingBlock(flat, { line: 5, character: 0 })?.name, 'm');
  });
});

describe('edit: token estimate and context check', () => {
  it('estimates 4 characters per token', () => {
    assert.equal(estimateTokens(''), 0);
    assert.equal(estimateTokens('abcd'), 1);
    assert.equal(estimateTokens('abcde'), 2);
    assert.equal(
      estimateMessageTokens([
        { role: 'system', content: 'x'.repeat(40) },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'y'.repeat(8) },
            { type: 'image_url', image_url: { url: 'data:' } },
          ],
        },
      ]),
      4 + 10 + 4 + 2,
    );
  });

  it('passes what fits and unknown context lengths; refuses the rest with a clear sentence', () => {
    assert.deepEqual(
      checkContext({ promptTokens: 90, answerTokens: 10, contextLength: 100, model: 'm', what: 'selection' }),
      { ok: true, needed: 100 },
    );
    assert.equal(
      checkContext({ promptTokens: 1e9, answerTokens: 0, contextLength: undefined, model: 'm', what: 'selection' }).ok,
      true,
    );
    const r = checkContext({
      promptTokens: 40_000,
      answerTokens: 2_000,
      contextLength: 32_768,
      model: 'spotlight',
      what: 'selection',
    });
    assert.equal(r.ok, false);
    assert.equal(
      r.message,
      "The selection is too large for spotlight: it needs about 42,000 tokens (estimated at 4 characters per token, with room for the answer) and the model's context holds 32,768. Select less code, or pick a model with a larger context (Arcee: Select Model).",
    );
  });
});
