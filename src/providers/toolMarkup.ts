/**
 * Tool calls a model wrote as text. Trinity on Arcee (vLLM, deepseek_r1 reasoning parser) sometimes writes its
 * call inside its reasoning, in Hermes/qwen3-coder XML, so the turn ends with `stop`, no `tool_calls` and no
 * answer (platform notes):
 *
 *     <function=NAME>            (the first `<tool_call>` opener is often already eaten)
 *     <parameter=KEY>
 *     VALUE
 *     </parameter>
 *     </function>
 *     </tool_call>
 *
 * Such a turn is recovered only when it has exactly that shape, as a trailing run of blocks, for tools the
 * request offered, with every value fitting its schema; otherwise the leaked tags are stripped, so they
 * neither show nor prime the next turn. vscode-free; the scanning of the tags lives in toolMarkupScan.ts.
 */
import type { AssistantMessage, ChatResult, ChoiceResult, ToolCallResult, ToolDefinition } from './api';
import { hasToolTag, parseTrailingRun, stripMarkup, type TextCall } from './toolMarkupScan';
import { readToolValue } from './toolValues';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The call's arguments as JSON, each value read as its schema declares, or undefined when the call does not
 * fit the tool: a parameter the schema does not declare (when it declares any `properties`, even none), a
 * `required` one missing, the same one twice (which value was meant is unknowable), or a value of the wrong type.
 */
function typedArguments(call: TextCall, tool: ToolDefinition['function']): string | undefined {
  const schema = isRecord(tool.parameters) ? tool.parameters : {};
  const properties = isRecord(schema.properties) ? schema.properties : undefined;
  const required = Array.isArray(schema.required)
    ? schema.required.filter((r): r is string => typeof r === 'string')
    : [];
  const entries: [string, unknown][] = [];
  const seen = new Set<string>();
  for (const [key, text] of call.params) {
    if (seen.has(key) || (properties && !Object.hasOwn(properties, key))) return undefined;
    seen.add(key);
    const read = readToolValue(text, properties?.[key]);
    if (!read) return undefined;
    entries.push([key, read.value]);
  }
  if (required.some((r) => !seen.has(r))) return undefined;
  // fromEntries defines own properties, so a key such as `__proto__` stays a plain key.
  return JSON.stringify(Object.fromEntries(entries));
}

/**
 * Recovers the tool calls a model wrote at the end of its reasoning, or returns undefined. Only a turn that
 * asked for nothing else qualifies: tools were offered, it finished with `stop` (or `tool_calls`), it has no
 * `tool_calls` and no answer (whitespace at most). The reasoning must end with a run of one or more blocks
 * (prose before them is fine; none after); the first `<tool_call>` opener and any closer may be missing.
 * Every call must name an offered tool and fit its schema (see readToolValue), or nothing is recovered: a
 * half-recovered turn would run some calls and silently drop others.
 *
 * @returns the calls (complete, numbered from 0, ids from `newId`) and the reasoning before the run, trimmed.
 */
export function recoverToolCalls(
  choice: ChoiceResult,
  tools: ToolDefinition[] | undefined,
  newId: () => string,
): { calls: ToolCallResult[]; reasoning: string } | undefined {
  if (!tools?.length) return undefined;
  if (choice.finish_reason !== 'stop' && choice.finish_reason !== 'tool_calls') return undefined;
  if (choice.tool_calls.length || choice.content.trim()) return undefined;
  if (!hasToolTag(choice.reasoning)) return undefined;
  const run = parseTrailingRun(choice.reasoning);
  if (!run) return undefined;
  const offered = new Map(tools.filter((t) => t.type === 'function').map((t) => [t.function.name, t.function]));
  const typed: { name: string; args: string }[] = [];
  for (const call of run.calls) {
    const tool = offered.get(call.name);
    const args = tool ? typedArguments(call, tool) : undefined;
    if (args === undefined) return undefined;
    typed.push({ name: call.name, args });
  }
  return {
    calls: typed.map((c, index) => ({ index, id: newId(), name: c.name, arguments: c.args, complete: true })),
    reasoning: choice.reasoning.slice(0, run.start).trimEnd(),
  };
}

/**
 * Removes leaked tool XML from reasoning: `<tool_call>…</tool_call>` and `<function=…>…</function>` blocks
 * (also with closers missing), and orphan openers and closers. A tag counts only where the format puts it: at
 * the start of a line (or right after another tag), outside fenced code, and alone on its line (an opener
 * may be followed by its value or by closers). So prose that mentions `read_file`, `tool_call` or even
 * `<parameter=path>` in a sentence is left exactly as it was. Text without a tag is returned as is, cheaply.
 */
export function stripToolMarkup(text: string): string {
  return stripMarkup(text, false);
}

/**
 * stripToolMarkup for an answer (content), more conservative: nothing is touched unless a closing tag
 * (`</parameter>`, `</function>`, `</tool_call>`) shows that markup really leaked. An answer that merely
 * starts a line with an opener is left alone.
 */
export function stripAnswerMarkup(text: string): string {
  return stripMarkup(text, true);
}

/**
 * The reasoning fields of an assistant turn with `tool_calls`, as it goes back in the history: always present
 * ('' when there was none), since a tool-call turn sent back without reasoning is what makes Trinity write its
 * next call inside its reasoning (platform notes), and without leaked tool XML, which would prime it to do so.
 * Both names: Arcee reads `reasoning_content`; current vLLM reads only `reasoning` from a request message
 * (copying it to `reasoning_content` for the chat template) and drops a lone `reasoning_content`
 * (vllm/entrypoints/chat_utils.py, `_parse_chat_message_content`).
 */
export function toolTurnReasoning(
  reasoning: string | undefined,
): Required<Pick<AssistantMessage, 'reasoning_content' | 'reasoning'>> {
  const text = stripToolMarkup(reasoning ?? '');
  return { reasoning_content: text, reasoning: text };
}

/** A call id nobody else has: `call_` and 24 random hex digits. */
export function newToolCallId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(12));
  return `call_${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * The answer with tool markup dealt with, per choice: calls recovered from the reasoning (recoverToolCalls;
 * the choice then finishes with `tool_calls` and is marked `recoveredToolCalls`), and leaked tags stripped
 * from the reasoning that is left and, only when a closing tag shows a leak, from the content.
 *
 * @returns `result` itself when nothing changed, else a copy.
 */
export function reviseToolMarkup(
  result: ChatResult,
  tools: ToolDefinition[] | undefined,
  newId: () => string = newToolCallId,
): ChatResult {
  let changed = false;
  const choices = result.choices.map((c): ChoiceResult => {
    const recovered = recoverToolCalls(c, tools, newId);
    if (recovered) {
      changed = true;
      return {
        ...c,
        reasoning: stripToolMarkup(recovered.reasoning),
        tool_calls: recovered.calls,
        finish_reason: 'tool_calls',
        recoveredToolCalls: true,
      };
    }
    const reasoning = stripToolMarkup(c.reasoning);
    const content = stripAnswerMarkup(c.content);
    if (reasoning === c.reasoning && content === c.content) return c;
    changed = true;
    return { ...c, reasoning, content };
  });
  return changed ? { ...result, choices } : result;
}
