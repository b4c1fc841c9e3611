/**
 * The offline completions figures that need both clocks (the bench's and the fake server's, one process, one
 * performance.now()): how fast an abandoned request's socket closed, and the extension's own share of the time
 * from a key press to ghost text.
 */
import { pct, type Tracked } from './completionsFigures';
import { round2 } from './renderBench';

const CLOSE_WITHIN_MS = 50;

/** One suggestion from the model, its time split: ours before the server, the server's, ours after. */
export interface OverheadSample {
  id: string;
  decidedEarly: boolean;
  ghostMs: number;
  /** Key + debounce → the engine started the stream: the debounce timer's lateness and building the prompt. */
  timerAndPromptMs: number;
  /** Stream started → the server had read the request: the HTTP client, the connection, the send. */
  httpMs: number;
  /** The server read the request → its last write before the suggestion resolved (the model's time). */
  serverMs: number;
  /** That write → `complete()` resolved: reading, SSE parsing, deciding, post-processing. */
  afterMs: number;
  overheadMs: number;
}

export interface ServerFigures {
  abortClose: {
    /** Requests abandoned (the user typed on, or the answer was decided) while the server was still answering. */
    abandoned: number;
    closedWithin50ms: number;
    share: number;
    p50Ms: number;
    p95Ms: number;
    maxMs: number;
    /** Abandoned before the server had read them (it never answered them). */
    neverReachedServer: number;
  };
  overheadMs: { n: number; p50: number; p95: number; timerAndPromptP50: number; httpP50: number; afterP50: number };
  samples: OverheadSample[];
}

export function serverFigures(tracked: Tracked[], debounceMs: number): ServerFigures {
  const close: number[] = [];
  let neverReached = 0;
  for (const t of tracked) {
    const s = t.server;
    if (t.abortedAt === undefined) continue;
    if (!s) {
      neverReached++;
      continue;
    }
    // The whole answer was sent before the abort: there was nothing left to close.
    if (s.finishedAt !== undefined && s.finishedAt <= t.abortedAt) continue;
    close.push((s.closedAt ?? Infinity) - t.abortedAt);
  }
  const samples: OverheadSample[] = [];
  for (const t of tracked) {
    const c = t.call;
    const s = t.server;
    if (c.suggestion?.source !== 'model' || c.resolvedAt === undefined || !s) continue;
    const resolvedAt = c.resolvedAt;
    const lastWrite = Math.max(s.receivedAt, ...s.writtenAt.filter((w) => w <= resolvedAt));
    const sample = {
      id: t.id,
      decidedEarly: t.stoppedReading === true,
      ghostMs: resolvedAt - c.keyAt,
      timerAndPromptMs: t.startedAt - c.keyAt - debounceMs,
      httpMs: s.receivedAt - t.startedAt,
      serverMs: lastWrite - s.receivedAt,
      afterMs: resolvedAt - lastWrite,
    };
    samples.push({ ...sample, overheadMs: sample.ghostMs - debounceMs - sample.serverMs });
  }
  const within = close.filter((ms) => ms <= CLOSE_WITHIN_MS).length;
  const of = (k: keyof OverheadSample): number[] => samples.map((x) => x[k] as number);
  return {
    abortClose: {
      abandoned: close.length,
      closedWithin50ms: within,
      share: close.length ? round2(within / close.length) : NaN,
      p50Ms: pct(close, 50),
      p95Ms: pct(close, 95),
      maxMs: close.length ? round2(Math.max(...close)) : NaN,
      neverReachedServer: neverReached,
    },
    overheadMs: {
      n: samples.length,
      p50: pct(of('overheadMs'), 50),
      p95: pct(of('overheadMs'), 95),
      timerAndPromptP50: pct(of('timerAndPromptMs'), 50),
      httpP50: pct(of('httpMs'), 50),
      afterP50: pct(of('afterMs'), 50),
    },
    samples: samples.map(
      (x) =>
        Object.fromEntries(
          Object.entries(x).map(([k, v]) => [k, typeof v === 'number' ? round2(v) : v]),
        ) as unknown as OverheadSample,
    ),
  };
}
