/**
 * What the terminal client prints: the --json objects. The key never reaches here unredacted.
 */
import type { ChatResult } from '../providers/api';

export function choiceJson(c: ChatResult['choices'][number]): Record<string, unknown> {
  return {
    index: c.index,
    content: c.content,
    reasoning: c.reasoning,
    tool_calls: c.tool_calls.map((t) => ({ index: t.index, id: t.id, name: t.name, arguments: t.arguments, complete: t.complete })),
    finish_reason: c.finish_reason,
    logprobs: c.logprobs,
  };
}
