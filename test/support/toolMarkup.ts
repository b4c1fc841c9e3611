/** Shared by the toolMarkup unit tests: the recorded Trinity turns, the tools offered, and builders. */
import * as fs from 'node:fs';
import type { ChoiceResult, ToolDefinition } from '../../src/providers/api';
import { TOOL_DEFINITIONS } from '../../src/tools/definitions';
import { fixturePath } from './paths';

// Recorded shapes of Trinity turns whose tool call landed in the reasoning (platform notes).
export const fixture = (name: string): string => fs.readFileSync(fixturePath('toolMarkup', name), 'utf8');

/** A tool with every kind of parameter type the recovery reads. */
export const CONFIGURE: ToolDefinition = {
  type: 'function',
  function: {
    name: 'configure',
    parameters: {
      type: 'object',
      properties: {
        mode: { type: 'string', enum: ['fast', 'safe'] },
        options: { type: 'object' },
        tags: { type: 'array', items: { type: 'string' } },
        ratio: { type: 'number' },
        verbose: { type: 'boolean' },
        note: { type: ['string', 'null'] },
        level: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
        anything: {},
      },
      required: ['mode'],
    },
  },
};
export const TOOLS = [...TOOL_DEFINITIONS, CONFIGURE];

export const turn = (reasoning: string, extra: Partial<ChoiceResult> = {}): ChoiceResult => ({
  index: 0,
  content: '',
  reasoning,
  tool_calls: [],
  finish_reason: 'stop',
  logprobs: null,
  ...extra,
});

/** Predictable ids (`id1`, `id2`, …) instead of random ones. */
export function ids(): () => string {
  let n = 0;
  return () => `id${++n}`;
}

/** A block as Trinity writes it; `opener: false` is the first block, whose `<tool_call>` was eaten. */
export const block = (name: string, params: Record<string, string>, opener = true): string =>
  `${opener ? '<tool_call>\n' : ''}<function=${name}>\n${Object.entries(params)
    .map(([k, v]) => `<parameter=${k}>\n${v}\n</parameter>\n`)
    .join('')}</function>\n</tool_call>`;
