import * as assert from 'node:assert/strict';
import { cleanCompletion, type CompletionContext } from '../../src/completions/postprocess';
import { CATEGORIES, loadCorpus } from '../support/completionsCorpus';

const files = loadCorpus();

describe('completions: post-processing corpus', () => {
  for (const file of files) {
    describe(file.language, () => {
      for (const c of file.cases) {
        it(`${file.language}: ${c.name}`, () => {
          const got = cleanCompletion(c.answer, {
            prefix: c.prefix,
            suffix: c.suffix,
            languageId: c.languageId,
            mode: c.mode,
            indent: c.indent ?? file.indent,
          });
          assert.equal(got ?? null, c.expected);
        });
      }
    });
  }

  it('has at least 60 cases in at least 6 languages, covering every category', () => {
    const cases = files.flatMap((f) => f.cases);
    const languages = new Set(cases.map((c) => c.languageId));
    assert.ok(cases.length >= 60, `${cases.length} cases`);
    assert.ok(languages.size >= 6, `${languages.size} languages`);
    for (const category of CATEGORIES) {
      assert.ok(
        cases.some((c) => c.categories.includes(category)),
        `no case of ${category}`,
      );
    }
    for (const c of cases) {
      assert.ok(
        c.categories.length > 0 && c.categories.every((k) => (CATEGORIES as readonly string[]).includes(k)),
        c.name,
      );
    }
    const names = cases.map((c) => `${c.languageId}: ${c.name}`);
    assert.equal(new Set(names).size, names.length, 'case names are unique');
  });
});

describe('completions: cleanCompletion', () => {
  const ctx: CompletionContext = {
    prefix: 'function f() {\n  return ',
    suffix: ';\n}\n',
    languageId: 'typescript',
    mode: 'line',
    indent: { useTabs: false, size: 2 },
  };
  it('is deterministic and normalises CRLF answers', () => {
    assert.equal(cleanCompletion('```ts\r\n42;\r\n```\r\n', ctx), '42');
    assert.equal(cleanCompletion('```ts\r\n42;\r\n```\r\n', ctx), '42');
  });
  it('drops a reasoning block before the answer', () => {
    assert.equal(cleanCompletion('<think>The function returns a constant.</think>\n42', ctx), '42');
  });
  it('keeps the space between the text before the cursor and the answer, unless the cursor follows one', () => {
    const at = (prefix: string, suffix = '\n}\n'): CompletionContext => ({ ...ctx, prefix, suffix });
    assert.equal(cleanCompletion(' {\n    return true;\n  }', at('class A {\n  static ok(): boolean')), ' {');
    assert.equal(cleanCompletion(' + 1);', at('  const n = Math.min(attempt')), ' + 1);');
    assert.equal(cleanCompletion('   + 1);', at('  const n = Math.min(attempt')), ' + 1);');
    assert.equal(cleanCompletion(' 1);', at('  const n = Math.min(attempt + ')), '1);');
    assert.equal(cleanCompletion(' a, b);', at('  const n = Math.min(')), 'a, b);');
    assert.equal(cleanCompletion(' min(a, b);', at('  const n = Math.')), 'min(a, b);');
  });
});
