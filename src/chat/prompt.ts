/**
 * Conversation → API messages. Context chips are sent fenced with their path and lines; images become
 * `image_url` parts; reasoning is never sent back outside tool loops; failed turns without text are skipped.
 * A turn that called tools goes back as the platform notes require: `content` a string (never null), its
 * reasoning (always, '' when there was none: see toolTurnReasoning), its `tool_calls`, then one `tool` message
 * per call that got a result. Leaked tool XML is stripped from what goes back, so it cannot prime the model to
 * write its next call as text again.
 */
import type { AssistantMessage, ChatMessage, ContentPart } from '../providers/api';
import { stripAnswerMarkup, toolTurnReasoning } from '../providers/toolMarkup';
import type { ChatMessageView, ContextChip } from '../webview/protocol';

export const CHAT_SYSTEM_PROMPT =
  'You are Arcee, a coding assistant inside VS Code. Answer precisely and concisely. Use Markdown; put code in fenced ' +
  'blocks with a language tag. When the user shares code from a file, refer to it by its path.';

/** Appended to the system prompt when the workspace tools are offered. */
export const TOOLS_SYSTEM_HINT =
  ' You can read the open workspace with tools (read_file, list_files, search_text, get_diagnostics); each call ' +
  "needs the user's approval, so call them only when the answer needs code you have not been shown, and name the files you used.";

/** A fence longer than any run of backticks inside `text`, so the code cannot close it early. */
export function fenceFor(text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((s) => s.length));
  return '`'.repeat(longest + 1);
}

export function formatContext(chip: ContextChip): string {
  const f = fenceFor(chip.text);
  const lines = chip.startLine === chip.endLine ? `line ${chip.startLine}` : `lines ${chip.startLine}-${chip.endLine}`;
  return `${chip.path} (${lines}):\n${f}${chip.language}\n${chip.text}\n${f}`;
}

/** The text of a user turn: its context blocks first, then what the user wrote. */
export function userText(m: Pick<ChatMessageView, 'content' | 'context'>): string {
  const blocks = (m.context ?? []).map(formatContext);
  return blocks.length ? `${blocks.join('\n\n')}\n\n${m.content}` : m.content;
}

export function toApiMessages(history: ChatMessageView[], system: string = CHAT_SYSTEM_PROMPT): ChatMessage[] {
  const out: ChatMessage[] = [];
  if (system) out.push({ role: 'system', content: system });
  for (const m of history) {
    if (m.role === 'user') {
      const text = userText(m);
      if (m.images?.length) {
        const parts: ContentPart[] = [
          { type: 'text', text },
          ...m.images.map((img): ContentPart => ({ type: 'image_url', image_url: { url: img.dataUrl } })),
        ];
        out.push({ role: 'user', content: parts });
      } else {
        out.push({ role: 'user', content: text });
      }
    } else {
      out.push(...assistantTurn(m));
    }
  }
  return out;
}

/** An assistant turn: plain, or with the tool calls that were answered and their results. */
function assistantTurn(m: ChatMessageView): ChatMessage[] {
  const answered = (m.toolCalls ?? []).filter(
    (c): c is typeof c & { id: string; result: string } => !!c.id && c.result !== undefined,
  );
  // What the client could not strip: an answer stopped mid-stream never reached `done`; older saved conversations.
  const content = stripAnswerMarkup(m.content);
  if (!answered.length) return content.trim() ? [{ role: 'assistant', content }] : [];
  const turn: AssistantMessage = {
    role: 'assistant',
    content,
    tool_calls: answered.map((c) => ({
      id: c.id,
      type: 'function',
      function: { name: c.name, arguments: c.arguments },
    })),
    ...toolTurnReasoning(m.reasoning),
  };
  return [turn, ...answered.map((c): ChatMessage => ({ role: 'tool', tool_call_id: c.id, content: c.result }))];
}
