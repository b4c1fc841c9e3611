import type { ChatEvent, ChatResult } from '../../src/providers/api';
import { ArceeError } from '../../src/providers/errors';
import { ChatStreamParser } from '../../src/providers/stream';
import { splitRandomly } from './fakeServer';

export interface Replay {
  events: ChatEvent[];
  result?: ChatResult;
  error?: ArceeError;
  /** Text rebuilt from the `text` events (minus what `textWasReasoning` took back), per choice. */
  streamedText: Map<number, string>;
  streamedReasoning: Map<number, string>;
}

/** Runs bytes through the parser in the given pieces, the way the client does. */
export function replay(pieces: Buffer[]): Replay {
  const parser = new ChatStreamParser();
  const events: ChatEvent[] = [];
  let error: ArceeError | undefined;
  try {
    for (const p of pieces) {
      events.push(...parser.push(p));
      if (parser.sawDone) break;
    }
    events.push(...parser.end());
  } catch (e) {
    if (!(e instanceof ArceeError)) throw e;
    error = e;
  }
  const streamedText = new Map<number, string>();
  const streamedReasoning = new Map<number, string>();
  for (const ev of events) {
    if (ev.type === 'text') streamedText.set(ev.index, (streamedText.get(ev.index) ?? '') + ev.text);
    if (ev.type === 'reasoning') streamedReasoning.set(ev.index, (streamedReasoning.get(ev.index) ?? '') + ev.text);
    if (ev.type === 'textWasReasoning') {
      const t = streamedText.get(ev.index) ?? '';
      streamedText.set(ev.index, t.slice(0, t.length - ev.text.length));
      streamedReasoning.set(ev.index, (streamedReasoning.get(ev.index) ?? '') + ev.text);
    }
  }
  const done = events.find((e): e is Extract<ChatEvent, { type: 'done' }> => e.type === 'done');
  return { events, result: done?.result, error, streamedText, streamedReasoning };
}

export function replaySplit(bytes: Buffer, seed: number, maxPiece = 16): Replay {
  return replay(splitRandomly(bytes, seed, maxPiece));
}

/**
 * A recorded stream in the other usage shape: its usage chunks (one per choice, llama.cpp) replaced by one chunk
 * for the whole answer before [DONE] (OpenAI, vLLM, LiteLLM).
 */
export function aggregatedUsageShape(bytes: Buffer, usage: Record<string, number>): Buffer {
  const events = bytes
    .toString('utf8')
    .split('\n\n')
    .filter((e) => e.trim() && !e.includes('"usage"') && !e.includes('[DONE]'));
  events.push(
    `data: ${JSON.stringify({ id: 'agg', object: 'chat.completion.chunk', choices: [], usage })}`,
    'data: [DONE]',
  );
  return Buffer.from(`${events.join('\n\n')}\n\n`, 'utf8');
}
