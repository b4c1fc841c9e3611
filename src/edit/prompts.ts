/**
 * Every prompt of the selection commands (explain, ask, edit, fix, docs, tests), in one vscode-free module.
 * Each names the file path and language; code is fenced with a fence longer than any backtick run inside it.
 * Line endings are normalised to `\n` before anything reaches the model.
 */
import { fenceFor } from '../chat/prompt';
import type { ChatMessage } from '../providers/api';

/** The code a command acts on, with where it comes from. */
export interface CodeSelection {
  /** Workspace-relative path, or the untitled name. */
  path: string;
  /** VS Code language id. */
  languageId: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  text: string;
  /** Some lines before and after the selection, for context (never rewritten). */
  before?: string;
  after?: string;
}

export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** A diagnostic reduced to what a prompt needs; lines and columns are 1-based. */
export interface DiagnosticInfo {
  line: number;
  column: number;
  severity: Severity;
  message: string;
  source?: string;
  code?: string | number;
}

export type EditKind = 'edit' | 'fix' | 'docs';

export const EDIT_SYSTEM_PROMPT =
  'You are Arcee, a code editor inside VS Code. You rewrite the selected code as asked. Reply with the complete ' +
  'replacement for the selected code only, in ONE fenced code block with the language tag, and nothing else: no ' +
  'explanation before or after, no surrounding code that was not selected. Keep the indentation style of the ' +
  'selection. If nothing needs to change, reply with the selected code unchanged.';

export const TESTS_SYSTEM_PROMPT =
  'You are Arcee, a coding assistant inside VS Code. You write unit tests. Reply with ONE fenced code block that ' +
  'holds a complete, runnable test file for the code you are given, and nothing else. Use the test framework that is ' +
  'most common for the language (or the one the code already uses) and import the code under test from its path.';

const nl = (s: string): string => s.replace(/\r\n?/g, '\n');

function lines(sel: Pick<CodeSelection, 'startLine' | 'endLine'>): string {
  return sel.startLine === sel.endLine ? `line ${sel.startLine}` : `lines ${sel.startLine}-${sel.endLine}`;
}

function fenced(text: string, languageId: string): string {
  const body = nl(text);
  const f = fenceFor(body);
  return `${f}${languageId}\n${body}${body.endsWith('\n') ? '' : '\n'}${f}`;
}

/** "src/x.ts (typescript, lines 3-9)" */
export function describeSelection(sel: CodeSelection): string {
  return `${sel.path} (${sel.languageId}, ${lines(sel)})`;
}

/** The chat text of Explain Selection; the code itself travels as the chat's context chip. */
export function explainPrompt(sel: CodeSelection): string {
  return (
    `Explain the selected code from ${describeSelection(sel)}: what it does, how it works, and anything ` +
    'surprising or risky in it. Be concise.'
  );
}

/** The chat text of Ask About Selection; the code travels as the chat's context chip. */
export function askPrompt(sel: CodeSelection, question: string): string {
  return `About the selected code from ${describeSelection(sel)}: ${question.trim()}`;
}

/** One diagnostic as a prompt line: "- line 4, col 7, error (ts 2322): Type 'string' is not assignable…" */
export function formatDiagnostic(d: DiagnosticInfo): string {
  const origin = [d.source, d.code].filter((x) => x !== undefined && x !== '').join(' ');
  return `- line ${d.line}, col ${d.column}, ${d.severity}${origin ? ` (${origin})` : ''}: ${nl(d.message).replace(/\n+/g, ' ')}`;
}

/** The instruction line of each edit kind. */
export function editInstruction(
  kind: EditKind,
  instruction: string | undefined,
  diagnostics: DiagnosticInfo[] = [],
): string {
  switch (kind) {
    case 'edit':
      return `Instruction: ${(instruction ?? '').trim()}`;
    case 'fix':
      return diagnostics.length
        ? `Fix these problems reported in the selected code, and change nothing else:\n${diagnostics.map(formatDiagnostic).join('\n')}`
        : 'No problems are reported for the selected code. Fix any bugs you find in it, and change nothing else.';
    case 'docs':
      return (
        "Add documentation comments to the selected code, in the language's usual style (JSDoc, docstrings, " +
        'XML doc comments…). Document what each function, class or block does, its parameters and result. Do not ' +
        'change the code itself: only add or improve comments.'
      );
  }
}

/** The messages of Edit Selection, Fix Selection and Add Docs to Selection. */
export function editMessages(
  kind: EditKind,
  sel: CodeSelection,
  options: { instruction?: string; diagnostics?: DiagnosticInfo[] } = {},
): ChatMessage[] {
  const parts = [`File: ${sel.path}`, `Language: ${sel.languageId}`];
  if (sel.before?.trim())
    parts.push('', `Code before the selection (context only, do not repeat it):`, fenced(sel.before, sel.languageId));
  parts.push('', `Selected code (${lines(sel)}), to be replaced by your reply:`, fenced(sel.text, sel.languageId));
  if (sel.after?.trim())
    parts.push('', `Code after the selection (context only, do not repeat it):`, fenced(sel.after, sel.languageId));
  parts.push(
    '',
    editInstruction(kind, options.instruction, options.diagnostics),
    '',
    `Reply with the replacement code in one \`\`\`${sel.languageId} block.`,
  );
  return [
    { role: 'system', content: EDIT_SYSTEM_PROMPT },
    { role: 'user', content: parts.join('\n') },
  ];
}

/** The messages of Write Tests for Selection. */
export function testsMessages(sel: CodeSelection): ChatMessage[] {
  return [
    { role: 'system', content: TESTS_SYSTEM_PROMPT },
    {
      role: 'user',
      content: [
        `Write unit tests for this code from ${describeSelection(sel)}:`,
        fenced(sel.text, sel.languageId),
        '',
        'Cover the normal cases, the edge cases and the error cases.',
      ].join('\n'),
    },
  ];
}
