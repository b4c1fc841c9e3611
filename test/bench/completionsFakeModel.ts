/**
 * The completions benchmark's fake model: it knows the file being retyped, so it answers with the file's actual
 * next text at the cursor most of the time (a good model), else with text from elsewhere in the file (a wrong
 * guess), sometimes in a code fence, and always goes on past what the engine needs, as chat models do. The
 * reply has a fixed latency: the first piece `firstTokenMs` after the request, then a piece every `pieceMs`.
 */
import { seededRandom, sseReply, textStream, type ScriptedReply } from '../support/fakeServer';
import type { Call } from './completionsReplay';

export interface FakeModel {
  /** From the request's arrival to the first piece of the answer. */
  firstTokenMs: number;
  /** Between pieces. */
  pieceMs: number;
  pieces: number;
  /** Chance that the answer is the file's actual next text. */
  rightChance: number;
  /** Chance that the answer comes in a code fence. */
  fencedChance: number;
}

export const FAKE_MODEL: FakeModel = {
  firstTokenMs: 250,
  pieceMs: 40,
  pieces: 5,
  rightChance: 0.7,
  fencedChance: 0.25,
};

const FENCE_LANG: Record<string, string> = { typescript: 'ts', javascript: 'js', markdown: 'markdown' };

/** `lines` lines of `text` from `from` (the first one from `from` to its end). */
function linesFrom(text: string, from: number, lines: number): string {
  return text.slice(from).split('\n').slice(0, lines).join('\n');
}

/** The model's answer for a call, deterministic for `seed`. */
export function fakeAnswer(call: Call, seed: number, model: FakeModel = FAKE_MODEL): string {
  const rnd = seededRandom(seed);
  const { text } = call.file;
  const lineStart = text.lastIndexOf('\n', call.at - 1) + 1;
  const lineMode = (text.slice(lineStart, call.at) + call.typo).trim() !== '';
  // Line mode: the rest of the line and then some (the engine keeps the first line); block mode: a few lines.
  const lines = lineMode ? 3 : 6;
  let answer: string;
  if (rnd() < model.rightChance) {
    answer = linesFrom(text, call.at, lines);
    // Asked for the rest of a line that is complete, a good model says nothing.
    if (lineMode && answer.startsWith('\n')) answer = '';
  } else {
    const starts = [...text.matchAll(/\n[ \t]*(?=\S)/g)].map((m) => m.index + m[0].length);
    answer = starts.length ? linesFrom(text, starts[Math.floor(rnd() * starts.length)], lines) : '';
  }
  if (answer && rnd() < model.fencedChance)
    answer = `\`\`\`${FENCE_LANG[call.file.languageId] ?? ''}\n${answer}\n\`\`\`\n`;
  return answer;
}

/** The SSE reply carrying `answer`: its events grouped into `pieces` pieces, sent at the model's pace. */
export function fakeReply(answer: string, model: FakeModel = FAKE_MODEL): ScriptedReply {
  const events = textStream(answer).split(/(?<=\n\n)/);
  const size = Math.ceil(events.length / model.pieces);
  const pieces: string[] = [];
  for (let i = 0; i < events.length; i += size) pieces.push(events.slice(i, i + size).join(''));
  return sseReply(pieces, { headerDelayMs: model.firstTokenMs - model.pieceMs, pieceDelayMs: model.pieceMs });
}
