/**
 * One answer's tool calls, handled in order: each is described, approved by the user (or allowed by the
 * setting), run, and given the result that goes back to the model. vscode-free; the controller injects the
 * approval prompt and the workspace tools.
 */
import { describeToolCall, type ToolPreflight } from '../tools/definitions';
import type { ChatMessageView, ToolCallView } from '../webview/protocol';

export type Decision = 'allow' | 'deny';

export interface ToolTurnDeps {
  /** True when read-only tools may run without asking (read again before each call: "Always" changes it). */
  autoApprove(): boolean;
  /**
   * What is known of a call before anyone is asked: refused outright (a link out of the workspace), asked for
   * even with auto-approval (a file that may hold secrets), where a symbolic link leads. Should not reject.
   */
  preflight(name: string, argumentsJson: string): Promise<ToolPreflight>;
  /** Shows the call as waiting and resolves with the user's answer. */
  approve(call: ToolCallView & { id: string }): Promise<Decision>;
  /** Runs an allowed call; `checked` is its preflight, which the run checks again. */
  run(name: string, argumentsJson: string, signal: AbortSignal, checked: ToolPreflight): Promise<string>;
  /** Something about the calls changed: show it. */
  changed(): void;
  signal: AbortSignal;
}

export const DENIED_RESULT = 'The user declined this tool call. Answer without it, or ask the user for what you need.';
export const STOPPED_RESULT = 'The user stopped the request before this tool call ran.';

/** What the chat says when an answer's tool calls were cut by the length limit (see holdCutToolCalls). */
export const CUT_TOOL_TURN =
  'The answer reached its length limit while writing tool calls, so none of them ran. Ask again, or raise arcee.maxTokens if you set it.';

/**
 * True when an answer that ended well (or is just ending) asks for tools the chat can run; an answer cut off by
 * `length` never does (holdCutToolCalls), nor a stopped or failed answer.
 */
export function wantsToolRound(m: ChatMessageView): boolean {
  return (
    (m.state === 'done' || m.state === 'streaming') &&
    m.finishReason !== 'length' &&
    (m.toolCalls ?? []).some((c) => c && c.complete)
  );
}

/**
 * An answer cut by the length limit runs none of its calls, not even those the client reports complete: the model
 * was stopped in the middle of what it meant to do, and the user would approve part of a plan without knowing it.
 * The finished calls are marked apart from the cut one, and the returned sentence says why nothing ran; undefined
 * when the answer was not cut or called no tools.
 */
export function holdCutToolCalls(m: ChatMessageView): string | undefined {
  if (m.finishReason !== 'length' || !(m.toolCalls ?? []).some(Boolean)) return undefined;
  prepareToolCalls(m);
  for (const c of m.toolCalls ?? []) c.status = c.complete ? 'cut' : 'invalid';
  return CUT_TOOL_TURN;
}

/** Gives every call an id (servers may omit it), unique in the conversation, and its description. */
export function prepareToolCalls(m: ChatMessageView): void {
  m.toolCalls = (m.toolCalls ?? []).filter(Boolean);
  m.toolCalls.forEach((c, i) => {
    c.id ||= `call_${m.id}_${i}`;
    c.summary = describeToolCall(c.name, c.arguments);
  });
}

/** Marks calls that will not run because the round limit was reached; they are not sent back. */
export function skipToolCalls(m: ChatMessageView): void {
  prepareToolCalls(m);
  for (const c of m.toolCalls ?? []) c.status = c.complete ? 'skipped' : 'invalid';
}

function stopped(signal: AbortSignal): Promise<'stopped'> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve('stopped');
    else signal.addEventListener('abort', () => resolve('stopped'), { once: true });
  });
}

/**
 * Handles the calls of `m` in order. A denied, refused or failed call still gets a result, so the model hears
 * about it; a stop answers every call left with STOPPED_RESULT. A call the preflight refuses is not asked for
 * and not run; one it flags (a file that may hold secrets) is asked for even with auto-approval. Never rejects.
 */
export async function answerToolCalls(m: ChatMessageView, deps: ToolTurnDeps): Promise<void> {
  prepareToolCalls(m);
  const calls = (m.toolCalls ?? []) as (ToolCallView & { id: string })[];
  for (const c of calls) if (!c.complete) c.status = 'invalid';
  deps.changed();
  for (const c of calls) {
    // Broken arguments are never run, nor sent back (a server may refuse to parse them).
    if (c.status === 'invalid') continue;
    if (deps.signal.aborted) {
      c.status = 'denied';
      c.result = STOPPED_RESULT;
      continue;
    }
    let checked: ToolPreflight | 'stopped';
    try {
      checked = await Promise.race([deps.preflight(c.name, c.arguments), stopped(deps.signal)]);
    } catch (e) {
      c.status = 'error';
      c.result = `Error: ${e instanceof Error ? e.message : String(e)}`;
      deps.changed();
      continue;
    }
    if (checked === 'stopped') {
      c.status = 'denied';
      c.result = STOPPED_RESULT;
      deps.changed();
      continue;
    }
    if (checked.path && checked.realPath) c.link = { path: checked.path, realPath: checked.realPath };
    if (checked.refused) {
      c.status = 'refused';
      c.result = checked.refused;
      deps.changed();
      continue;
    }
    // A file that may hold secrets is asked for in every call, whatever arcee.chatTools.autoApprove says.
    if (checked.needsApproval) c.askReason = checked.needsApproval;
    let decision: Decision | 'stopped' = 'allow';
    if (checked.needsApproval || !deps.autoApprove()) {
      c.status = 'pending';
      deps.changed();
      decision = await Promise.race([deps.approve(c), stopped(deps.signal)]);
    }
    if (decision !== 'allow') {
      c.status = 'denied';
      c.result = decision === 'stopped' ? STOPPED_RESULT : DENIED_RESULT;
      deps.changed();
      continue;
    }
    c.status = 'running';
    deps.changed();
    try {
      c.result = await deps.run(c.name, c.arguments, deps.signal, checked);
      c.status = 'done';
    } catch (e) {
      c.status = 'error';
      c.result = `Error: ${e instanceof Error ? e.message : String(e)}`;
    }
    deps.changed();
  }
}
