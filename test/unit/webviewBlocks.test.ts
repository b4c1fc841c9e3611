import * as assert from 'node:assert/strict';
import { BlockScanner } from '../../src/webview/app/blocks';

/** Feeds `text` in pieces of `size` and returns the boundary after each piece. */
function scan(text: string, size = text.length): BlockScanner {
  const s = new BlockScanner();
  for (let i = 0; i < text.length; i += size) s.append(text.slice(i, i + size));
  return s;
}

describe('webview BlockScanner', () => {
  it('has no boundary inside the first block', () => {
    assert.equal(scan('one paragraph\nstill it').lastBoundary, 0);
  });

  it('confirms a blank line only when the next line starts unindented', () => {
    assert.equal(scan('para one\n\n').lastBoundary, 0);
    assert.equal(scan('para one\n\nn').lastBoundary, 10);
    assert.equal(scan('- item\n\n  continued\n').lastBoundary, 0, 'an indented line continues the list item');
  });

  it('never cuts inside a code fence, and cuts right after it closes', () => {
    const text = '```ts\nconst a = 1;\n\nconst b = 2;\n```\nafter';
    assert.equal(scan(text.slice(0, 30)).lastBoundary, 0);
    assert.equal(scan(text).lastBoundary, text.indexOf('after'));
    assert.equal(scan('~~~~\n```\n\nx\n~~~~\n').lastBoundary, 17, 'a shorter or different fence does not close it');
  });

  it('treats ``` with a backtick in the info string as inline code, not a fence', () => {
    assert.equal(scan('```a`b```\n\nnext').lastBoundary, 11);
  });

  it('gives the same boundary however the text is split', () => {
    const text = '# Title\n\nIntro line.\n\n```js\nlet x;\n\n```\n\n- a\n- b\n\n  more\n\nEnd.\n';
    const whole = scan(text).lastBoundary;
    for (const size of [1, 2, 3, 5, 8, 13]) assert.equal(scan(text, size).lastBoundary, whole, `pieces of ${size}`);
    assert.equal(whole, text.indexOf('End.'));
  });

  it('knows when a fence is open at the end', () => {
    assert.equal(scan('```py\nprint(1)\n').inFence, true);
    assert.equal(scan('```py\nprint(1)\n```\n').inFence, false);
  });
});
