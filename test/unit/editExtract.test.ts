import * as assert from 'node:assert/strict';
import { extractCode, stripReasoning } from '../../src/edit/extract';

describe('edit: reply → code', () => {
  it('takes an unfenced reply whole, without surrounding blank lines', () => {
    assert.deepEqual(extractCode('\n\nconst a = 1;\n  b();\n\n'), {
      code: 'const a = 1;\n  b();',
      fenced: false,
      closed: true,
      language: '',
    });
  });

  it('strips the fence and the prose around it', () => {
    const r = extractCode('Here is the fixed code:\n\n```ts\nconst a = 1;\n```\n\nThis adds one.');
    assert.deepEqual(r, { code: 'const a = 1;', fenced: true, closed: true, language: 'ts' });
  });

  it('keeps the largest fenced block, the last of equal ones', () => {
    assert.equal(
      extractCode('```\nsmall\n```\ntext\n```py\ndef big():\n    pass\n```\n```\nsmall\n```').code,
      'def big():\n    pass',
    );
    assert.equal(extractCode('```\naaa\n```\n```\nbbb\n```').code, 'bbb');
  });

  it('accepts tildes, longer fences with inner fences, an info string with attributes, and up to 3 spaces before', () => {
    assert.equal(extractCode('~~~js\nx\n~~~').code, 'x');
    assert.equal(extractCode('````md\n```js\nx\n```\n````').code, '```js\nx\n```');
    assert.equal(extractCode('```ts title="a.ts"\nx\n```').language, 'ts');
    assert.equal(extractCode('   ```\nx\n   ```').code, 'x');
  });

  it('a shorter fence does not close a longer one', () => {
    assert.deepEqual(extractCode('````\na\n```\nb').code, 'a\n```\nb');
  });

  it('an unclosed fence (a partial reply) runs to the end and says so', () => {
    assert.deepEqual(extractCode('Sure:\n```ts\nconst a = 1;\nconst b'), {
      code: 'const a = 1;\nconst b',
      fenced: true,
      closed: false,
      language: 'ts',
    });
  });

  it('normalises CRLF and keeps inner indentation', () => {
    assert.equal(extractCode('```\r\n\tif (x) {\r\n\t\ty();\r\n\t}\r\n```\r\n').code, '\tif (x) {\n\t\ty();\n\t}');
  });

  it('strips reasoning: closed blocks, an unclosed block at the start, everything before a lone </think>', () => {
    assert.equal(extractCode('<think>use ```x``` maybe\n```\nnope\n```</think>\n```js\nyes()\n```').code, 'yes()');
    assert.equal(extractCode('<think>still thinking ```js\nno').code, '');
    assert.equal(extractCode('thoughts...\n</think>\nreal()').code, 'real()');
    assert.equal(stripReasoning('a <think>b</think> c'), 'a  c');
  });

  it('an empty reply gives empty code', () => {
    assert.deepEqual(extractCode(''), { code: '', fenced: false, closed: true, language: '' });
  });
});
