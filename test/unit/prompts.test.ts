import * as assert from 'node:assert/strict';
import {
  askPrompt,
  editMessages,
  EDIT_SYSTEM_PROMPT,
  explainPrompt,
  formatDiagnostic,
  testsMessages,
  TESTS_SYSTEM_PROMPT,
  type CodeSelection,
} from '../../src/edit/prompts';

const sel: CodeSelection = {
  path: 'src/math.ts',
  languageId: 'typescript',
  startLine: 3,
  endLine: 5,
  text: 'function add(a, b) {\r\n  return a - b;\r\n}',
};

describe('selection prompts', () => {
  it('explain names the path, language and lines', () => {
    assert.equal(
      explainPrompt(sel),
      'Explain the selected code from src/math.ts (typescript, lines 3-5): what it does, how it works, and anything surprising or risky in it. Be concise.',
    );
    assert.match(explainPrompt({ ...sel, endLine: 3 }), /\(typescript, line 3\)/);
  });

  it('ask carries the trimmed question after the location', () => {
    assert.equal(
      askPrompt(sel, '  Why subtract? \n'),
      'About the selected code from src/math.ts (typescript, lines 3-5): Why subtract?',
    );
  });

  it('edit: system prompt, then path, language, the fenced selection with \\n endings, and the instruction', () => {
    const [system, user] = editMessages('edit', sel, { instruction: ' make it add ' });
    assert.deepEqual(system, { role: 'system', content: EDIT_SYSTEM_PROMPT });
    assert.equal(
      user.content,
      [
        'File: src/math.ts',
        'Language: typescript',
        '',
        'Selected code (lines 3-5), to be replaced by your reply:',
        '```typescript',
        'function add(a, b) {',
        '  return a - b;',
        '}',
        '```',
        '',
        'Instruction: make it add',
        '',
        'Reply with the replacement code in one ```typescript block.',
      ].join('\n'),
    );
  });

  it('edit: context before and after is fenced and marked as not to repeat; blank context is left out', () => {
    const [, user] = editMessages(
      'edit',
      { ...sel, before: 'import x from "y";\n', after: '\n\nexport { add };' },
      { instruction: 'x' },
    );
    const text = user.content as string;
    assert.match(
      text,
      /Code before the selection \(context only, do not repeat it\):\n```typescript\nimport x from "y";\n```/,
    );
    assert.match(
      text,
      /Code after the selection \(context only, do not repeat it\):\n```typescript\n\n\nexport \{ add \};\n```/,
    );
    assert.ok(
      text.indexOf('before the selection') < text.indexOf('Selected code') &&
        text.indexOf('Selected code') < text.indexOf('after the selection'),
    );
    const [, bare] = editMessages('edit', { ...sel, before: '  \n', after: '' }, { instruction: 'x' });
    assert.doesNotMatch(bare.content as string, /context only/);
  });

  it('a selection containing a fence gets a longer fence', () => {
    const [, user] = editMessages('docs', { ...sel, languageId: 'markdown', text: 'Text\n```js\nx\n```' });
    assert.match(user.content as string, /````markdown\nText\n```js\nx\n```\n````/);
  });

  it('fix lists every diagnostic with line, column, severity, source and code', () => {
    const [, user] = editMessages('fix', sel, {
      diagnostics: [
        { line: 4, column: 10, severity: 'error', message: "Operator '-' is wrong\nhere", source: 'ts', code: 2362 },
        { line: 3, column: 1, severity: 'warning', message: 'Missing types' },
      ],
    });
    const text = user.content as string;
    assert.match(
      text,
      /Fix these problems reported in the selected code, and change nothing else:\n- line 4, col 10, error \(ts 2362\): Operator '-' is wrong here\n- line 3, col 1, warning: Missing types/,
    );
  });

  it('fix without diagnostics asks for bugs', () => {
    const [, user] = editMessages('fix', sel);
    assert.match(user.content as string, /No problems are reported for the selected code\. Fix any bugs/);
  });

  it('docs asks for comments only', () => {
    const [, user] = editMessages('docs', sel);
    assert.match(user.content as string, /Add documentation comments .*Do not change the code itself/s);
  });

  it('formats a diagnostic without source or code', () => {
    assert.equal(formatDiagnostic({ line: 1, column: 2, severity: 'hint', message: 'm' }), '- line 1, col 2, hint: m');
    assert.equal(
      formatDiagnostic({ line: 1, column: 2, severity: 'info', message: 'm', code: 'E1' }),
      '- line 1, col 2, info (E1): m',
    );
  });

  it('tests: system prompt for a complete test file, the code with path and language', () => {
    const [system, user] = testsMessages(sel);
    assert.equal(system.content, TESTS_SYSTEM_PROMPT);
    assert.match(
      user.content as string,
      /^Write unit tests for this code from src\/math\.ts \(typescript, lines 3-5\):\n```typescript\nfunction add/,
    );
    assert.match(user.content as string, /edge cases/);
  });
});
