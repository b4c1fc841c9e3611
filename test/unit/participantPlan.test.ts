import * as assert from 'node:assert/strict';
import { CHAT_SYSTEM_PROMPT } from '../../src/chat/prompt';
import {
  editMessages,
  explainPrompt,
  testsMessages,
  type CodeSelection,
  type DiagnosticInfo,
} from '../../src/edit/prompts';
import {
  codeToApply,
  followupsFor,
  isEditCommand,
  parseCommand,
  parseRequest,
  participantMessages,
  verbOf,
} from '../../src/participant/plan';

const code: CodeSelection = {
  path: 'src/math.ts',
  languageId: 'typescript',
  startLine: 3,
  endLine: 5,
  text: 'function add(a, b) {\n  return a - b;\n}',
  before: '// top\n',
  after: '\n// end',
};
const diag: DiagnosticInfo = {
  line: 4,
  column: 3,
  severity: 'error',
  message: "Operator '-' is suspicious",
  source: 'lint',
};

describe('@arcee participant: command → prompt', () => {
  it('parses the four commands and nothing else', () => {
    assert.deepEqual(['explain', 'fix', 'tests', 'doc'].map(parseCommand), ['explain', 'fix', 'tests', 'doc']);
    assert.equal(parseCommand(undefined), undefined);
    assert.equal(parseCommand('docs'), undefined);
    assert.equal(parseCommand('Explain'), undefined);
    assert.deepEqual([parseCommand('fix'), parseCommand('doc'), parseCommand('tests'), undefined].map(isEditCommand), [
      true,
      true,
      false,
      false,
    ]);
    assert.equal(verbOf('tests'), 'write tests for');
    assert.equal(verbOf(undefined), 'ask about');
  });

  it('reads "@arcee /fix …" typed after a prefilled @arcee as the /fix command, not a free-form question', () => {
    assert.deepEqual(parseRequest(undefined, '@arcee /fix the off-by-one'), {
      command: 'fix',
      prompt: 'the off-by-one',
    });
    assert.deepEqual(parseRequest(undefined, ' @arcee @Arcee /explain'), { command: 'explain', prompt: '' });
    assert.deepEqual(parseRequest(undefined, '/tests for edge cases'), { command: 'tests', prompt: 'for edge cases' });
    // VS Code parsed the command; a repeated mention in the text is still dropped.
    assert.deepEqual(parseRequest('doc', '@arcee briefly'), { command: 'doc', prompt: 'briefly' });
    // Unknown commands, a slash inside a word and a mention mid-sentence stay part of the question.
    assert.deepEqual(parseRequest(undefined, '/docs please'), { command: undefined, prompt: '/docs please' });
    assert.deepEqual(parseRequest(undefined, '/fixture loading?'), { command: undefined, prompt: '/fixture loading?' });
    assert.deepEqual(parseRequest(undefined, 'ask @arcee /fix later'), {
      command: undefined,
      prompt: 'ask @arcee /fix later',
    });
    assert.deepEqual(parseRequest(undefined, '@arceethings'), { command: undefined, prompt: '@arceethings' });
  });

  it("/explain: the chat system prompt, then the fenced code and the selection command's explain prompt", () => {
    const messages = participantMessages({ command: 'explain', prompt: '', code });
    assert.deepEqual(messages, [
      { role: 'system', content: CHAT_SYSTEM_PROMPT },
      {
        role: 'user',
        content: `src/math.ts (lines 3-5):\n\`\`\`typescript\n${code.text}\n\`\`\`\n\n${explainPrompt(code)}`,
      },
    ]);
    const withQuestion = participantMessages({ command: 'explain', prompt: ' focus on the sign ', code });
    assert.match(withQuestion[1].content as string, /Be concise\.\n\nfocus on the sign$/);
  });

  it('/fix: exactly the Fix Selection messages, with the diagnostics', () => {
    assert.deepEqual(
      participantMessages({ command: 'fix', prompt: '', code, diagnostics: [diag] }),
      editMessages('fix', code, { diagnostics: [diag] }),
    );
    const user = participantMessages({ command: 'fix', prompt: '', code, diagnostics: [diag] })[1].content as string;
    assert.match(user, /- line 4, col 3, error \(lint\): Operator '-' is suspicious/);
  });

  it('/doc and /tests: the Add Docs and Write Tests messages; words after the command are added at the end', () => {
    assert.deepEqual(participantMessages({ command: 'doc', prompt: '', code }), editMessages('docs', code));
    assert.deepEqual(participantMessages({ command: 'tests', prompt: '   ', code }), testsMessages(code));
    const tests = participantMessages({ command: 'tests', prompt: 'use vitest', code });
    assert.deepEqual(tests[0], testsMessages(code)[0]);
    assert.equal(tests[1].content, `${testsMessages(code)[1].content as string}\n\nThe user adds: use vitest`);
  });

  it('a command without code is refused (the handler says what to select first)', () => {
    assert.throws(() => participantMessages({ command: 'fix', prompt: '' }), /\/fix needs code/);
  });

  it('a free-form question: system prompt, the earlier turns, then the question with the referenced code', () => {
    const messages = participantMessages({
      command: undefined,
      prompt: 'Is this right? ',
      code,
      history: [
        { role: 'user', text: 'hello' },
        { role: 'assistant', text: 'Hi.' },
        { role: 'assistant', text: '  ' },
      ],
    });
    assert.deepEqual(messages, [
      { role: 'system', content: CHAT_SYSTEM_PROMPT },
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: 'Hi.' },
      { role: 'user', content: `src/math.ts (lines 3-5):\n\`\`\`typescript\n${code.text}\n\`\`\`\n\nIs this right?` },
    ]);
    assert.deepEqual(participantMessages({ command: undefined, prompt: 'What is a monad?' })[1], {
      role: 'user',
      content: 'What is a monad?',
    });
  });
});

describe('@arcee participant: follow-ups and Apply', () => {
  const ok = { ok: true, hadCode: true };
  const cmds = (c: Parameters<typeof followupsFor>[0], o = ok): string[] => followupsFor(c, o).map((f) => f.command);

  it('suggests the next step per command', () => {
    assert.deepEqual(cmds('explain'), ['fix', 'tests', 'doc']);
    assert.deepEqual(cmds('fix'), ['tests', 'doc']);
    assert.deepEqual(cmds('doc'), ['tests']);
    assert.deepEqual(cmds('tests'), ['explain']);
    assert.deepEqual(cmds(undefined), ['explain', 'fix']);
    assert.ok(followupsFor('explain', ok).every((f) => f.label.length > 0));
  });

  it('suggests nothing after a failure, or after a question that had no code', () => {
    assert.deepEqual(cmds('explain', { ok: false, hadCode: true }), []);
    assert.deepEqual(cmds(undefined, { ok: true, hadCode: false }), []);
  });

  it('Apply takes the complete code block of the answer, without prose or reasoning', () => {
    assert.equal(codeToApply('<think>hmm ```x```</think>Here:\n```ts\nconst a = 1;\n```\nDone.'), 'const a = 1;');
    assert.equal(codeToApply('No code here.'), undefined);
    assert.equal(codeToApply('```ts\nconst a = 1;\n'), undefined, 'a block cut off is not offered');
    assert.equal(codeToApply('```ts\n\n```'), undefined);
  });
});
