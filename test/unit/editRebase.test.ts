import * as assert from 'node:assert/strict';
import { detectSpaceUnit, detectUseTabs, indentWidth, rebase } from '../../src/edit/rebase';

describe('edit: re-basing onto the original', () => {
  it('adds the base indentation back when the model dedented the code', () => {
    const original = '    if (a) {\n      b();\n    }\n';
    assert.equal(
      rebase('if (a) {\n  c();\n}', { original, firstLinePrefix: '', eol: '\n' }),
      '    if (a) {\n      c();\n    }\n',
    );
  });

  it('removes extra base indentation the model added', () => {
    assert.equal(
      rebase('        x();\n        y();', { original: 'x();\ny();', firstLinePrefix: '', eol: '\n' }),
      'x();\ny();',
    );
  });

  it('a selection that starts after the indentation: the first line gets none, the others the base', () => {
    // The document line is "    foo();" and the selection starts at column 4.
    const r = rebase('// call foo\nfoo(1);', { original: 'foo();', firstLinePrefix: '    ', eol: '\n' });
    assert.equal(r, '// call foo\n    foo(1);');
  });

  it('a selection that starts mid-line after code keeps the first line as is', () => {
    const r = rebase('{\n  a: 1,\n}', { original: '{\n    a: 0,\n  }', firstLinePrefix: '  const o = ', eol: '\n' });
    assert.equal(r, '{\n    a: 1,\n  }');
  });

  it('CRLF originals get CRLF line endings and keep their final newline', () => {
    assert.equal(
      rebase('a();\nb();', { original: 'x();\r\ny();\r\n', firstLinePrefix: '', eol: '\r\n' }),
      'a();\r\nb();\r\n',
    );
  });

  it('without a final newline in the original, none is added; extra trailing blank lines go', () => {
    assert.equal(rebase('a();\n\n\n', { original: 'x();', firstLinePrefix: '', eol: '\n' }), 'a();');
  });

  it('tab-indented originals: a space-indented reply is converted level by level with its own unit', () => {
    const original = '\tfunction f() {\n\t\treturn 1;\n\t}\n';
    const reply = 'function f() {\n  // two\n  return 2;\n}';
    assert.equal(
      rebase(reply, { original, firstLinePrefix: '', eol: '\n', tabSize: 8 }),
      '\tfunction f() {\n\t\t// two\n\t\treturn 2;\n\t}\n',
    );
    const four = 'function f() {\n    if (x) {\n        return 2;\n    }\n}';
    assert.equal(
      rebase(four, { original, firstLinePrefix: '', eol: '\n' }),
      '\tfunction f() {\n\t\tif (x) {\n\t\t\treturn 2;\n\t\t}\n\t}\n',
    );
  });

  it('tab-indented reply for a tab-indented original is kept, with the base added', () => {
    assert.equal(
      rebase('f() {\n\tg();\n}', { original: '\t\tf() {\n\t\t\th();\n\t\t}', firstLinePrefix: '', eol: '\n' }),
      '\t\tf() {\n\t\t\tg();\n\t\t}',
    );
  });

  it('space-indented originals: tabs in the reply become spaces of the tab size', () => {
    assert.equal(
      rebase('f() {\n\tg();\n}', { original: '  f() {\n    h();\n  }', firstLinePrefix: '', eol: '\n', tabSize: 2 }),
      '  f() {\n    g();\n  }',
    );
  });

  it('one-line originals use the editor setting for tabs', () => {
    assert.equal(
      rebase('a();\n    b();', { original: 'x();', firstLinePrefix: '\t', eol: '\n', insertSpaces: false, tabSize: 4 }),
      'a();\n\t\tb();',
    );
  });

  it('blank lines inside stay blank (no trailing whitespace) and leading blank lines of the original are kept', () => {
    assert.equal(
      rebase('a();\n   \nb();', { original: '\n  x();\n\n  y();', firstLinePrefix: '', eol: '\n' }),
      '\n  a();\n\n  b();',
    );
  });

  it('helpers: widths, tab detection, space unit', () => {
    assert.equal(indentWidth('\t  ', 4), 6);
    assert.equal(indentWidth(' \t', 4), 4);
    assert.equal(detectUseTabs(['\ta', '\t\tb', '  c']), true);
    assert.equal(detectUseTabs(['a', 'b'], false), true);
    assert.equal(detectUseTabs(['a', 'b'], true), false);
    assert.equal(detectSpaceUnit(['a', '  b', '    c']), 2);
    assert.equal(detectSpaceUnit(['    a', '        b']), 4);
    assert.equal(detectSpaceUnit(['a']), undefined);
  });
});
