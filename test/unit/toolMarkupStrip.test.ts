import * as assert from 'node:assert/strict';
import { stripAnswerMarkup, stripToolMarkup } from '../../src/providers/toolMarkup';
import { block, fixture } from '../support/toolMarkup';

describe('toolMarkup: stripToolMarkup', () => {
  it('returns text without tags as it is', () => {
    const long = 'plain words, a < b and a > c, <b>html</b>, <function> without a name\n'.repeat(20_000);
    assert.equal(stripToolMarkup(long), long);
    assert.equal(stripToolMarkup(''), '');
  });

  it('cuts a block out of the middle, leaving the paragraphs around it', () => {
    assert.equal(stripToolMarkup(`First.\n\n${block('read_file', { path: 'a.ts' })}\n\nThen.`), 'First.\n\nThen.');
    assert.equal(
      stripToolMarkup(
        `First.\n  <function=read_file>\n  <parameter=path>\n  a.ts\n  </parameter>\n  </function>\nThen.`,
      ),
      'First.\nThen.',
    );
  });

  it('cuts a Hermes JSON call, closed or not', () => {
    assert.equal(
      stripToolMarkup(
        'Read it.\n<tool_call>\n{"name": "read_file", "arguments": {"path": "a.ts"}}\n</tool_call>\nDone.',
      ),
      'Read it.\nDone.',
    );
    assert.equal(stripToolMarkup('Read it.\n<tool_call>{"name": "read_file",\n "arguments": {}}'), 'Read it.');
  });

  it('cuts blocks that follow each other on one line', () => {
    const line =
      '<tool_call><function=a><parameter=x>1</parameter></function></tool_call><tool_call><function=b></function></tool_call>';
    assert.equal(stripToolMarkup(`x\n${line}\ny`), 'x\ny');
  });

  it('an unclosed value runs to the next tag or the end; prose after a closed value survives', () => {
    assert.equal(stripToolMarkup('Plan.\n<function=search_text>\n<parameter=query>\nfoo\nbar'), 'Plan.');
    assert.equal(
      stripToolMarkup('Plan.\n<function=read_file>\n<parameter=path>\na.ts\n</parameter>\nSo the file is short.'),
      'Plan.\nSo the file is short.',
    );
    assert.equal(stripToolMarkup('Plan.\n<parameter=path>\na.ts\n</parameter>\n\nNext.'), 'Plan.\nNext.');
  });

  it('leaves fenced code, sentences that start with a tag and tags inside sentences alone', () => {
    const fenced = fixture('fenced-example.md');
    assert.equal(stripToolMarkup(fenced), fenced);
    assert.equal(stripAnswerMarkup(fenced), fenced);
    for (const text of [
      '</tool_call> closes a call.',
      '`</tool_call>` closes a call.',
      '<parameter=path> must be workspace-relative.',
      '<function=read_file> is how the block starts, then <parameter=path>.',
      'Use </parameter> after the value.',
    ]) {
      assert.equal(stripToolMarkup(`Note:\n${text}\nEnd.`), `Note:\n${text}\nEnd.`, text);
    }
  });

  it('stripAnswerMarkup cuts a leaked block in an answer, but not openers alone', () => {
    assert.equal(
      stripAnswerMarkup(`It reads the file.\n${block('read_file', { path: 'a.ts' })}`),
      'It reads the file.',
    );
    assert.equal(
      stripAnswerMarkup('Start a block with\n<tool_call>\nand a name.'),
      'Start a block with\n<tool_call>\nand a name.',
    );
  });
});
