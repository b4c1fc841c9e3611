/**
 * The extension's own CPU work for one suggestion, timed alone (no I/O, no timers): what the engine and client do
 * between a key press and ghost text — the mode, the prompt, the request body, parsing the streamed reply, and
 * post-processing the answer. Beside the overhead measured under load it tells computing from waiting.
 */
import { maxTokensFor } from '../../src/completions/engine';
import { buildCompletionPrompt, completionMode } from '../../src/completions/prompt';
import { StreamedAnswer } from '../../src/completions/streamed';
import { buildBody } from '../../src/providers/client';
import { ChatStreamParser } from '../../src/providers/stream';
import { fakeAnswer, fakeReply } from './completionsFakeModel';
import { requestFor, type Call } from './completionsReplay';
import { pct } from './completionsFigures';

function once(call: Call, sse: Buffer[]): void {
  const req = requestFor(call);
  const lineStart = req.prefix.lastIndexOf('\n') + 1;
  const lineEnd = req.suffix.indexOf('\n');
  const mode = completionMode(req.prefix.slice(lineStart), lineEnd === -1 ? req.suffix : req.suffix.slice(0, lineEnd));
  const prompt = buildCompletionPrompt({ ...req, mode });
  const body = { model: 'trinity-mini', messages: prompt.messages, stream: true, max_tokens: maxTokensFor(mode, 12) };
  JSON.stringify(buildBody(body, true));
  // As the engine does: post-processing sees the windows sent, and decides after each piece.
  const ctx = {
    prefix: prompt.prefixWindow,
    suffix: prompt.suffixWindow,
    languageId: req.languageId,
    mode,
    indent: req.indent,
  };
  const streamed = new StreamedAnswer(ctx, 12);
  const parser = new ChatStreamParser();
  for (const piece of sse) {
    for (const ev of parser.push(piece)) if (ev.type === 'text' && streamed.push(ev.text).decided) return;
  }
  parser.end();
  streamed.finish();
}

/** Median CPU ms per suggestion over `calls` (each timed `reps` times, its median taken), and the p95. */
export function ownCpuMs(calls: Call[], answerSeed: (call: Call) => number, reps = 30): { p50: number; p95: number } {
  const per: number[] = [];
  for (const call of calls) {
    const reply = fakeReply(fakeAnswer(call, answerSeed(call)));
    const sse = (reply.body as string[]).map((p) => Buffer.from(p, 'utf8'));
    once(call, sse);
    const times: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t = performance.now();
      once(call, sse);
      times.push(performance.now() - t);
    }
    per.push(pct(times, 50));
  }
  return { p50: pct(per, 50), p95: pct(per, 95) };
}
