/**
 * A long, realistic model answer for the render benchmark: sections with headings, prose paragraphs with
 * inline code, emphasis and links, bullet and numbered lists (some nested), fenced code in several
 * languages, a table now and then and blockquotes. Deterministic for a seed. Split into tokens the way a
 * BPE tokenizer roughly does (a word with its leading space; punctuation and newlines on their own), which
 * gives ~4 characters per token for prose and less for code.
 */
import { seededRandom } from '../support/fakeServer';

const NOUNS = [
  'parser',
  'stream',
  'buffer',
  'request',
  'socket',
  'renderer',
  'message',
  'token',
  'handler',
  'cache',
  'queue',
  'frame',
  'chunk',
  'event',
  'server',
  'client',
  'layout',
  'block',
  'signal',
  'worker',
];
const VERBS = [
  'reads',
  'writes',
  'splits',
  'returns',
  'keeps',
  'drops',
  'retries',
  'flushes',
  'renders',
  'parses',
  'schedules',
  'cancels',
  'measures',
  'batches',
  'decodes',
  'checks',
];
const ADJS = [
  'small',
  'open',
  'finished',
  'partial',
  'stable',
  'slow',
  'fast',
  'incremental',
  'bounded',
  'stale',
  'typed',
  'empty',
  'long',
  'hidden',
];
const GLUE = [
  'so that',
  'because',
  'while',
  'and then',
  'which means',
  'unless',
  'before',
  'after',
  'as soon as',
  'even when',
];
const IDENTS = [
  'lastBoundary',
  'AbortController',
  'scanPos',
  'renderNow()',
  'requestAnimationFrame',
  'TextDecoder',
  'flush()',
  'maxRetries',
  'signal.aborted',
  'JSON.parse',
  'chunkSize',
  'onDelta',
];

const CODE: Record<string, string[]> = {
  ts: [
    'export async function* readEvents(body: ReadableStream<Uint8Array>, signal: AbortSignal) {',
    '  const reader = body.getReader();',
    '  const decoder = new TextDecoder();',
    '  let rest = "";',
    '  while (!signal.aborted) {',
    '    const { value, done } = await reader.read();',
    '    if (done) break;',
    '    const lines = (rest + decoder.decode(value, { stream: true })).split("\\n");',
    '    rest = lines.pop() ?? "";',
    '    for (const line of lines) if (line.startsWith("data: ")) yield JSON.parse(line.slice(6));',
    '  }',
    '}',
    'interface Delta { type: "text" | "reasoning"; text: string }',
    'const timer = setTimeout(() => controller.abort(), idleTimeoutMs);',
    'for (const [key, value] of Object.entries(headers)) request.setHeader(key, value);',
  ],
  python: [
    'def backoff(attempt: int, base: float = 0.5, cap: float = 8.0) -> float:',
    '    """Exponential backoff with full jitter."""',
    '    return random.uniform(0, min(cap, base * 2 ** attempt))',
    '',
    'async def stream(client, prompt):',
    '    async with client.stream("POST", "/chat/completions", json={"messages": prompt}) as r:',
    '        async for line in r.aiter_lines():',
    '            if line.startswith("data: ") and line != "data: [DONE]":',
    '                yield json.loads(line[6:])["choices"][0]["delta"].get("content", "")',
    'results = [x for x in values if x is not None]',
  ],
  bash: [
    'curl -N -s "$BASE_URL/chat/completions" \\',
    '  -H "Authorization: Bearer $ARCEE_API_KEY" \\',
    '  -H "Content-Type: application/json" \\',
    '  -d \'{"model": "trinity-mini", "stream": true}\'',
    'npm run bench | tee bench.log',
    'grep -c "data:" stream.log',
  ],
  json: [
    '{',
    '  "model": "trinity-mini",',
    '  "stream": true,',
    '  "max_tokens": 2048,',
    '  "messages": [{ "role": "user", "content": "Explain SSE" }]',
    '}',
  ],
};

/** The answer's markdown, at least `tokens` tokens long. */
export function longAnswer(tokens: number, seed = 7): string {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const word = (): string => {
    const r = rnd();
    if (r < 0.07) return `\`${pick(IDENTS)}\``;
    if (r < 0.1) return `**${pick(ADJS)}**`;
    if (r < 0.12) return `*${pick(NOUNS)}*`;
    if (r < 0.13) return `[the ${pick(NOUNS)} docs](https://docs.example.com/${pick(NOUNS)})`;
    return pick([
      ...NOUNS,
      ...VERBS,
      ...ADJS,
      'the',
      'a',
      'it',
      'each',
      'every',
      'this',
      'of',
      'to',
      'in',
      'on',
      'with',
    ]);
  };
  const sentence = (): string => {
    const n = 8 + Math.floor(rnd() * 14);
    const words = Array.from({ length: n }, word);
    if (rnd() < 0.4) words.splice(Math.floor(n / 2), 0, `${pick(GLUE)}`);
    const s = words.join(' ');
    return `${s.charAt(0).toUpperCase()}${s.slice(1)}${pick(['.', '.', '.', ':', '?', '!'])}`;
  };
  const paragraph = (): string => Array.from({ length: 2 + Math.floor(rnd() * 4) }, sentence).join(' ');
  const list = (): string => {
    const ordered = rnd() < 0.35;
    const items: string[] = [];
    const n = 3 + Math.floor(rnd() * 4);
    for (let i = 0; i < n; i++) {
      items.push(`${ordered ? `${i + 1}.` : '-'} ${sentence()}`);
      if (rnd() < 0.25) items.push(`   - ${sentence()}`, `   - ${sentence()}`);
    }
    return items.join('\n');
  };
  const code = (): string => {
    const lang = pick(Object.keys(CODE));
    const lines = CODE[lang];
    const n = 6 + Math.floor(rnd() * 18);
    const start = Math.floor(rnd() * lines.length);
    const body = Array.from({ length: n }, (_, i) => lines[(start + i) % lines.length]);
    return `\`\`\`${lang}\n${body.join('\n')}\n\`\`\``;
  };
  const table = (): string => {
    const rows = Array.from(
      { length: 3 + Math.floor(rnd() * 4) },
      () => `| \`${pick(IDENTS)}\` | ${pick(ADJS)} | ${Math.floor(rnd() * 1000)} ms |`,
    );
    return ['| name | kind | cost |', '| --- | --- | --- |', ...rows].join('\n');
  };
  const parts: string[] = [];
  let section = 0;
  let approx = 0;
  while (approx < tokens * 1.1) {
    section += 1;
    const blocks = [`## ${section}. The ${pick(ADJS)} ${pick(NOUNS)}`, paragraph()];
    const n = 3 + Math.floor(rnd() * 4);
    for (let i = 0; i < n; i++) {
      const r = rnd();
      if (r < 0.4) blocks.push(paragraph());
      else if (r < 0.62) blocks.push(list());
      else if (r < 0.85) blocks.push(code());
      else if (r < 0.93) blocks.push(table());
      else blocks.push(`> ${sentence()} ${sentence()}`);
    }
    const text = blocks.join('\n\n');
    parts.push(text);
    approx += tokenize(text).length + 2;
  }
  return parts.join('\n\n');
}

/** Splits text into model-like tokens; joining them gives the text back. */
export function tokenize(text: string): string[] {
  return text.match(/ ?[A-Za-z]+| ?\d{1,3}| ?[^\sA-Za-z\d]|\n+| +(?! )|\s+/g) ?? [];
}

/** The first `count` tokens of a long realistic answer. */
export function answerTokens(count: number, seed = 7): string[] {
  const tokens = tokenize(longAnswer(count, seed)).slice(0, count);
  if (tokens.length < count) throw new Error(`answer too short: ${tokens.length} tokens`);
  return tokens;
}
