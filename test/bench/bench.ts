/**
 * `npm run bench`: parse + assemble throughput of a large stream, in MB/s, beside two references measured in
 * the same run on the same bytes split the same way:
 *  - baseline: split lines and JSON.parse each `data:` payload (the least any parser must do);
 *  - the official `openai` SDK's stream parsing (Stream.fromSSEResponse), which parses but does not assemble.
 * Reports medians over interleaved rounds and the ratios; writes test-artifacts/bench.json.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Stream } from 'openai/core/streaming';
import { ChatStreamParser } from '../../src/providers/stream';
import { activationBenchmark } from './activationBench';
import { chatBenchmarks } from './chatBench';
import { completionsBenchmark } from './completionsBench';
import { loadBenchmark } from './loadBench';
import { vscodeChatBenchmark } from './vscodeChatStopBench';
import { logprobBenchmark } from './logprobBench';
import { seededRandom, splitRandomly } from '../support/fakeServer';
import { repoRoot } from '../support/paths';

const WORDS = [
  'the',
  'function',
  'returns',
  'a',
  'value',
  'über',
  'naïve',
  '→',
  'const',
  'x',
  '=',
  '42;',
  '👍',
  'because',
  'it',
  'is',
  'fast',
  '\n',
  '```ts\n',
  '```\n',
];

/** A stream shaped like a real long answer: reasoning first, then content, with usage and [DONE]. */
export function makeStream(tokens: number, seed = 1): Buffer {
  const rnd = seededRandom(seed);
  const parts: string[] = [];
  const base = {
    id: 'chatcmpl-bench',
    object: 'chat.completion.chunk',
    created: 1764150000,
    model: 'trinity-large-thinking',
  };
  for (let i = 0; i < tokens; i++) {
    const word = WORDS[Math.floor(rnd() * WORDS.length)] + (rnd() < 0.8 ? ' ' : '');
    const delta = i < tokens / 10 ? { reasoning: word } : { content: word };
    parts.push(
      `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: i === tokens - 1 ? 'stop' : null }] })}\n\n`,
    );
    if (i % 500 === 0) parts.push(': keep-alive\n\n');
  }
  parts.push(
    `data: ${JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: 100, completion_tokens: tokens, total_tokens: tokens + 100 } })}\n\n`,
  );
  parts.push('data: [DONE]\n\n');
  return Buffer.from(parts.join(''), 'utf8');
}

function ours(pieces: Buffer[]): number {
  const p = new ChatStreamParser();
  let n = 0;
  for (const piece of pieces) n += p.push(piece).length;
  const last = p.end();
  const done = last.at(-1);
  if (done?.type !== 'done' || done.result.choices[0].finish_reason !== 'stop') throw new Error('ours: bad result');
  return n + last.length;
}

function baseline(pieces: Buffer[]): number {
  const decoder = new TextDecoder();
  let rest = '';
  let n = 0;
  for (const piece of pieces) {
    const lines = (rest + decoder.decode(piece, { stream: true })).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('data: ') && line !== 'data: [DONE]') {
        JSON.parse(line.slice(6));
        n++;
      }
    }
  }
  return n;
}

async function sdk(pieces: Buffer[]): Promise<number> {
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < pieces.length) controller.enqueue(pieces[i++]);
      else controller.close();
    },
  });
  const stream = Stream.fromSSEResponse<unknown>(
    new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
    new AbortController(),
  );
  let n = 0;
  for await (const chunk of stream) if (chunk) n++;
  return n;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main(): Promise<void> {
  const tokens = Number(process.env.BENCH_TOKENS ?? 50_000);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 21);
  const bytes = makeStream(tokens);
  // Network-sized pieces, split anywhere (also inside multi-byte characters).
  const pieces = splitRandomly(bytes, 7, 16 * 1024);
  const mb = bytes.length / 1e6;
  const times: Record<'baseline' | 'ours' | 'sdk', number[]> = { baseline: [], ours: [], sdk: [] };
  // Warm up the JIT for all three, then interleave rounds so drift hits them alike.
  baseline(pieces);
  ours(pieces);
  await sdk(pieces);
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    baseline(pieces);
    times.baseline.push(performance.now() - t);
    t = performance.now();
    ours(pieces);
    times.ours.push(performance.now() - t);
    t = performance.now();
    await sdk(pieces);
    times.sdk.push(performance.now() - t);
  }
  const ms = { baseline: median(times.baseline), ours: median(times.ours), sdk: median(times.sdk) };
  const report = {
    stream: { tokens, megabytes: Number(mb.toFixed(2)), pieces: pieces.length, rounds },
    medianMs: { baseline: round(ms.baseline), ours: round(ms.ours), sdk: round(ms.sdk) },
    mbPerSecond: {
      baseline: round(mb / (ms.baseline / 1000)),
      ours: round(mb / (ms.ours / 1000)),
      sdk: round(mb / (ms.sdk / 1000)),
    },
    // Each round times the three back to back, so the median of per-round ratios cancels most load drift.
    oursOverBaseline: round(median(times.ours.map((t, i) => t / times.baseline[i]))),
    oursOverSdk: round(median(times.ours.map((t, i) => t / times.sdk[i]))),
    ratioOfMedians: { oursOverBaseline: round(ms.ours / ms.baseline), oursOverSdk: round(ms.ours / ms.sdk) },
    targets: { oursOverBaselineAtMost: 1.25, oursOverSdkAtMost: 1 },
  };
  console.log(`Stream: ${tokens} tokens, ${mb.toFixed(2)} MB in ${pieces.length} pieces; ${rounds} rounds, medians`);
  console.log(`  baseline (lines + JSON.parse): ${report.mbPerSecond.baseline} MB/s  (${report.medianMs.baseline} ms)`);
  console.log(`  ours (parse + assemble):       ${report.mbPerSecond.ours} MB/s  (${report.medianMs.ours} ms)`);
  console.log(`  openai SDK (parse only):       ${report.mbPerSecond.sdk} MB/s  (${report.medianMs.sdk} ms)`);
  console.log(
    `  ours / baseline time: ${report.oursOverBaseline} (target ≤ 1.25); ours / SDK time: ${report.oursOverSdk} (target ≤ 1) — medians of per-round ratios`,
  );
  const dir = path.join(repoRoot, 'test-artifacts');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

// `npm run bench -- --completions` runs only part 8; `-- --live` runs it against a real server instead.
const args = process.argv.slice(2);
const completionsOnly = args.includes('--completions') || args.includes('--live');
(completionsOnly
  ? completionsBenchmark({ live: args.includes('--live') })
  : main()
      .then(chatBenchmarks)
      .then(logprobBenchmark)
      .then(loadBenchmark)
      .then(vscodeChatBenchmark)
      .then(activationBenchmark)
      .then(() => completionsBenchmark())
).catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
