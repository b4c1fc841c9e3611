/**
 * The pure half of the Language Model Chat Provider's answers: VS Code-shaped messages → API messages, tool
 * definitions, a token estimate, and the finished answer → tool calls (model information is in modelInfo.ts). No `vscode`
 * import: parts are recognised by shape (VS Code passes class instances, the tests pass plain objects).
 */
import type {
  AssistantMessage,
  ChatMessage,
  ChatResult,
  ContentPart,
  ToolCallParam,
  ToolDefinition,
} from '../providers/api';
import { CHARS_PER_TOKEN, estimateTokens } from '../edit/tokens';
import { stripAnswerMarkup, toolTurnReasoning } from '../providers/toolMarkup';

/** `LanguageModelChatMessageRole`: User 1, Assistant 2; System 3 exists at run time (proposed API). */
export const ROLE_USER = 1;
export const ROLE_ASSISTANT = 2;
export const ROLE_SYSTEM = 3;

/** `LanguageModelChatRequestMessage` as plain data. */
export interface LmMessage {
  readonly role: number;
  readonly content: ReadonlyArray<unknown>;
  readonly name?: string | undefined;
}

/** A rough per-image cost (OpenAI's high-detail tile count for a typical screenshot). */
export const IMAGE_TOKENS = 765;

// ── Parts, recognised by shape ───────────────────────────────────────────────────────────────────────────

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

interface ToolCallLike {
  callId: string;
  name: string;
  input: unknown;
}
interface ToolResultLike {
  callId: string;
  content: unknown[];
}
interface DataLike {
  mimeType: string;
  data: Uint8Array;
}

/** A thinking part of VS Code's history, as the provider hands it over (`LanguageModelThinkingPart` → `{ thinking }`). */
export interface ThinkingLike {
  thinking: string;
}

function isThinking(p: unknown): p is ThinkingLike {
  return isRecord(p) && typeof p.thinking === 'string';
}

function asToolCall(p: unknown): ToolCallLike | undefined {
  return isRecord(p) && typeof p.callId === 'string' && typeof p.name === 'string' && 'input' in p
    ? (p as unknown as ToolCallLike)
    : undefined;
}
function asToolResult(p: unknown): ToolResultLike | undefined {
  return isRecord(p) && typeof p.callId === 'string' && Array.isArray(p.content)
    ? (p as unknown as ToolResultLike)
    : undefined;
}
function asData(p: unknown): DataLike | undefined {
  return isRecord(p) && typeof p.mimeType === 'string' && p.data instanceof Uint8Array
    ? (p as unknown as DataLike)
    : undefined;
}
function asText(p: unknown): string | undefined {
  if (typeof p === 'string') return p;
  return isRecord(p) && typeof p.value === 'string' ? p.value : undefined;
}

/** A data part → an API content part: images become `image_url` data URLs, text-like data becomes text. */
function dataPart(d: DataLike): ContentPart | undefined {
  const mime = d.mimeType.toLowerCase();
  if (mime.startsWith('image/'))
    return { type: 'image_url', image_url: { url: `data:${mime};base64,${Buffer.from(d.data).toString('base64')}` } };
  if (mime.startsWith('text/') || mime === 'application/json')
    return { type: 'text', text: new TextDecoder().decode(d.data) };
  // Other data (e.g. a caller's cache-control marker) means nothing to an OpenAI-compatible server.
  return undefined;
}

/** Plain text when there is no image, otherwise the parts list. */
function userContent(parts: ContentPart[]): string | ContentPart[] {
  return parts.every((p) => p.type === 'text') ? parts.map((p) => p.text).join('') : parts;
}

function pushText(parts: ContentPart[], text: string): void {
  const last = parts[parts.length - 1];
  if (last?.type === 'text') last.text += text;
  else parts.push({ type: 'text', text });
}

/**
 * VS Code's request messages → API messages. A user message's tool results become `tool` messages (placed first,
 * right after the assistant's tool calls, as the API requires); an image inside a tool result follows them in a
 * user message, since servers accept only text in `tool` messages. Assistant tool calls become `tool_calls`,
 * with `content` a string and empty reasoning fields, as Arcee's tool loops need.
 */
export function toApiMessages(messages: readonly LmMessage[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const m of messages) {
    if (m.role === ROLE_ASSISTANT) {
      let text = '';
      let thinking = '';
      const calls: ToolCallParam[] = [];
      for (const p of m.content) {
        const call = asToolCall(p);
        if (call)
          calls.push({
            id: call.callId,
            type: 'function',
            function: { name: call.name, arguments: JSON.stringify(call.input ?? {}) },
          });
        else if (isThinking(p)) thinking += p.thinking;
        else if (!asToolResult(p) && !asData(p)) text += asText(p) ?? '';
      }
      // `content` is a string even beside tool calls (platform notes: "" not null in tool loops), and without the
      // tool XML a model leaked into it, which would prime it to write its next call as text.
      const content = stripAnswerMarkup(text);
      // Beside tool calls the reasoning always goes back: the thinking VS Code kept from our answer, or empty (see
      // toolTurnReasoning). Without tool calls it stays out, as in the Arcee chat.
      const msg: AssistantMessage = calls.length
        ? { role: 'assistant', content, tool_calls: calls, ...toolTurnReasoning(thinking) }
        : { role: 'assistant', content };
      if (m.name) msg.name = m.name;
      out.push(msg);
      continue;
    }
    if (m.role === ROLE_SYSTEM) {
      out.push({ role: 'system', content: m.content.map((p) => asText(p) ?? '').join('') });
      continue;
    }
    const parts: ContentPart[] = [];
    const toolImages: ContentPart[] = [];
    for (const p of m.content) {
      const result = asToolResult(p);
      if (result) {
        let text = '';
        for (const r of result.content) {
          const d = asData(r);
          const mapped = d ? dataPart(d) : undefined;
          if (mapped?.type === 'image_url') toolImages.push(mapped);
          else if (mapped) text += mapped.text;
          else if (!d) text += asText(r) ?? '';
        }
        out.push({ role: 'tool', tool_call_id: result.callId, content: text });
        continue;
      }
      const d = asData(p);
      if (d) {
        const mapped = dataPart(d);
        if (mapped?.type === 'text') pushText(parts, mapped.text);
        else if (mapped) parts.push(mapped);
        continue;
      }
      if (asToolCall(p)) continue;
      const text = asText(p);
      if (text !== undefined) pushText(parts, text);
    }
    if (toolImages.length)
      out.push({
        role: 'user',
        content: [{ type: 'text', text: 'Images returned by the tool calls above:' }, ...toolImages],
      });
    if (parts.length)
      out.push(
        m.name
          ? { role: 'user', content: userContent(parts), name: m.name }
          : { role: 'user', content: userContent(parts) },
      );
  }
  return out;
}

// ── Tools ────────────────────────────────────────────────────────────────────────────────────────────────

/** `LanguageModelChatTool` as plain data. */
export interface LmTool {
  readonly name: string;
  readonly description: string;
  readonly inputSchema?: object | undefined;
}

/** `LanguageModelChatToolMode.Required`. */
export const TOOL_MODE_REQUIRED = 2;

/** The request's `tools` and `tool_choice`; both absent when there are no tools. */
export function toolFields(
  tools: readonly LmTool[] | undefined,
  toolMode: number,
): { tools?: ToolDefinition[]; tool_choice?: 'auto' | 'required' } {
  if (!tools?.length) return {};
  return {
    tools: tools.map((t) => ({
      type: 'function',
      function: {
        name: t.name,
        description: t.description,
        parameters: (t.inputSchema as Record<string, unknown> | undefined) ?? { type: 'object', properties: {} },
      },
    })),
    tool_choice: toolMode === TOOL_MODE_REQUIRED ? 'required' : 'auto',
  };
}

const PASSED_OPTIONS = new Set([
  'temperature',
  'top_p',
  'max_tokens',
  'presence_penalty',
  'frequency_penalty',
  'seed',
  'stop',
  'user',
  'logit_bias',
  'timeout',
]);

/** The caller's `modelOptions` that are request fields of the API; anything else is ignored. */
export function modelOptionFields(options: { readonly [name: string]: unknown } | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options ?? {})) if (PASSED_OPTIONS.has(k) && v !== undefined) out[k] = v;
  return out;
}

// ── Answer ───────────────────────────────────────────────────────────────────────────────────────────────

export interface ToolCallOut {
  callId: string;
  name: string;
  input: object;
}

/**
 * The finished answer's tool calls, ready for `LanguageModelToolCallPart`: only complete calls (valid JSON, not
 * cut off), with parsed input. `dropped` names the calls left out, so the caller can say so.
 */
export function finishedToolCalls(result: ChatResult): { calls: ToolCallOut[]; dropped: string[] } {
  const calls: ToolCallOut[] = [];
  const dropped: string[] = [];
  for (const c of result.choices[0]?.tool_calls ?? []) {
    if (!c.complete) {
      dropped.push(c.name || `#${c.index}`);
      continue;
    }
    const parsed: unknown = c.arguments.trim() ? JSON.parse(c.arguments) : {};
    // The API's input is an object; a bare value is wrapped rather than lost.
    const input = isRecord(parsed) && !Array.isArray(parsed) ? parsed : { value: parsed };
    calls.push({ callId: c.id ?? `call_${c.index}`, name: c.name, input });
  }
  return { calls, dropped };
}

// ── Token estimate ───────────────────────────────────────────────────────────────────────────────────────

/**
 * An estimate, not a tokenizer (the API exposes none): about 4 characters per token, a few tokens of template
 * per message, tool calls counted by their JSON, images at a fixed cost.
 */
export function estimateTokenCount(input: string | LmMessage): number {
  if (typeof input === 'string') return estimateTokens(input);
  let chars = 0;
  let tokens = 4;
  const visit = (p: unknown): void => {
    const call = asToolCall(p);
    if (call) {
      chars += call.name.length + JSON.stringify(call.input ?? {}).length;
      return;
    }
    const result = asToolResult(p);
    if (result) {
      tokens += 4;
      result.content.forEach(visit);
      return;
    }
    const d = asData(p);
    if (d) {
      if (d.mimeType.toLowerCase().startsWith('image/')) tokens += IMAGE_TOKENS;
      else if (d.mimeType.startsWith('text/') || d.mimeType === 'application/json') chars += d.data.byteLength;
      return;
    }
    chars += asText(p)?.length ?? 0;
  };
  input.content.forEach(visit);
  return tokens + Math.ceil(chars / CHARS_PER_TOKEN);
}
