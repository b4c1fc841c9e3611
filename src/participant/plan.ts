/**
 * The vscode-free half of the `@arcee` chat participant: slash command → messages (the same prompt functions
 * as the selection commands), which follow-ups to offer after each command, and the code an answer proposes.
 */
import { CHAT_SYSTEM_PROMPT, userText } from '../chat/prompt';
import { extractCode } from '../edit/extract';
import { editMessages, explainPrompt, testsMessages, type CodeSelection, type DiagnosticInfo } from '../edit/prompts';
import type { ChatMessage } from '../providers/api';

export const PARTICIPANT_COMMANDS = ['explain', 'fix', 'tests', 'doc'] as const;
export type ParticipantCommand = (typeof PARTICIPANT_COMMANDS)[number];

/** The slash command of a request; anything else (or none) is a free-form question. */
export function parseCommand(command: string | undefined): ParticipantCommand | undefined {
  return PARTICIPANT_COMMANDS.find((c) => c === command);
}

/**
 * The command and question a user meant. VS Code parses `/fix` only right after the participant, so text such as
 * "@arcee /fix it" typed after an `@arcee` the input already held arrives as a free-form prompt: repeated
 * `@arcee` mentions are dropped and a leading known `/command` is taken as the command.
 */
export function parseRequest(
  command: string | undefined,
  prompt: string,
): { command: ParticipantCommand | undefined; prompt: string } {
  const given = parseCommand(command);
  let rest = prompt.replace(/^\s*(?:@arcee\b\s*)+/i, '');
  if (given) return { command: given, prompt: rest.trim() };
  const slash = /^\/(\w+)(?:\s+|$)/.exec(rest);
  const typed = slash ? parseCommand(slash[1]) : undefined;
  if (typed) rest = rest.slice(slash![0].length);
  return { command: typed, prompt: rest.trim() };
}

/** The verb of "select the code to …" messages. */
export function verbOf(command: ParticipantCommand | undefined): string {
  switch (command) {
    case 'explain':
      return 'explain';
    case 'fix':
      return 'fix';
    case 'tests':
      return 'write tests for';
    case 'doc':
      return 'document';
    default:
      return 'ask about';
  }
}

/** Whether the answer replaces the code it was given (and so can be applied through the diff). */
export function isEditCommand(command: ParticipantCommand | undefined): command is 'fix' | 'doc' {
  return command === 'fix' || command === 'doc';
}

/** One earlier turn of this participant's conversation. */
export interface HistoryTurn {
  role: 'user' | 'assistant';
  text: string;
}

export interface PlanInput {
  command: ParticipantCommand | undefined;
  /** What the user typed after the command (may be empty). */
  prompt: string;
  /** The code to work on; required for every command, optional for a free-form question. */
  code?: CodeSelection;
  /** The code's problems (used by /fix). */
  diagnostics?: DiagnosticInfo[];
  /** Earlier turns (used by free-form questions). */
  history?: HistoryTurn[];
}

function withCode(text: string, code: CodeSelection | undefined): string {
  if (!code) return text;
  return userText({
    content: text,
    context: [
      {
        id: 'ref',
        path: code.path,
        startLine: code.startLine,
        endLine: code.endLine,
        language: code.languageId,
        text: code.text,
      },
    ],
  });
}

function addToLastUser(messages: ChatMessage[], extra: string): ChatMessage[] {
  const last = messages[messages.length - 1];
  if (!extra.trim() || last?.role !== 'user' || typeof last.content !== 'string') return messages;
  return [...messages.slice(0, -1), { ...last, content: `${last.content}\n\nThe user adds: ${extra.trim()}` }];
}

/** The API messages of a request. Throws when a command has no code (the caller checks first). */
export function participantMessages(input: PlanInput): ChatMessage[] {
  const { command, prompt, code } = input;
  if (command && !code) throw new Error(`/${command} needs code to work on`);
  switch (command) {
    case 'explain': {
      const text = prompt.trim() ? `${explainPrompt(code!)}\n\n${prompt.trim()}` : explainPrompt(code!);
      return [
        { role: 'system', content: CHAT_SYSTEM_PROMPT },
        { role: 'user', content: withCode(text, code) },
      ];
    }
    case 'fix':
      return addToLastUser(editMessages('fix', code!, { diagnostics: input.diagnostics ?? [] }), prompt);
    case 'doc':
      return addToLastUser(editMessages('docs', code!), prompt);
    case 'tests':
      return addToLastUser(testsMessages(code!), prompt);
    case undefined: {
      const history: ChatMessage[] = (input.history ?? [])
        .filter((t) => t.text.trim())
        .map((t) => ({ role: t.role, content: t.text }));
      return [
        { role: 'system', content: CHAT_SYSTEM_PROMPT },
        ...history,
        { role: 'user', content: withCode(prompt.trim(), code) },
      ];
    }
  }
}

/** A follow-up suggestion: run `command` next on the same code. */
export interface FollowupChoice {
  command: ParticipantCommand;
  label: string;
}

const LABELS: Record<ParticipantCommand, string> = {
  explain: 'Explain this code',
  fix: 'Fix problems in this code',
  tests: 'Write tests for this code',
  doc: 'Add documentation comments',
};

const NEXT: Record<ParticipantCommand | 'ask', ParticipantCommand[]> = {
  explain: ['fix', 'tests', 'doc'],
  fix: ['tests', 'doc'],
  doc: ['tests'],
  tests: ['explain'],
  ask: ['explain', 'fix'],
};

/**
 * What to suggest after a successful answer: nothing after a failure, and nothing after a free-form question
 * that had no code (there is nothing for a command to work on).
 */
export function followupsFor(
  command: ParticipantCommand | undefined,
  outcome: { ok: boolean; hadCode: boolean },
): FollowupChoice[] {
  if (!outcome.ok || (!command && !outcome.hadCode)) return [];
  return NEXT[command ?? 'ask'].map((c) => ({ command: c, label: LABELS[c] }));
}

/** The code block of an edit answer to offer for Apply, or undefined when the answer holds no complete block. */
export function codeToApply(answer: string): string | undefined {
  const x = extractCode(answer);
  return x.fenced && x.closed && x.code.trim() ? x.code : undefined;
}
