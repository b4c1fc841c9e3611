/**
 * Batches rendering per animation frame: any number of deltas in one frame mark their views dirty once, and
 * the frame renders each dirty view once. A debug counter lets the tests see how many renders happened.
 */

export interface Renderable {
  render(): void;
}

interface DebugWindow {
  __arceeRenderCount?: number;
  /** Milliseconds of the last renders (most recent last, bounded), for the benchmark. */
  __arceeRenderTimes?: number[];
}

const debug = window as unknown as DebugWindow;
debug.__arceeRenderCount = 0;
debug.__arceeRenderTimes = [];
const TIMES_KEPT = 10_000;

const dirty = new Set<Renderable>();
/** Rendering work one task may do before it yields (a long task is 50 ms). */
const BUDGET_MS = 12;
let deadline = 0;
let armed = false;

/**
 * True while the current task still has rendering budget. The first call in a task starts the budget, so
 * every view rendered in one task (a frame, or loading a conversation) shares it.
 */
export function withinBudget(): boolean {
  if (!armed) {
    armed = true;
    deadline = performance.now() + BUDGET_MS;
    queueMicrotask(() => (armed = false));
  }
  return performance.now() < deadline;
}
let frame: number | null = null;

/** Renders `view` in the next animation frame (once, however often this is called before it). */
export function schedule(view: Renderable): void {
  dirty.add(view);
  frame ??= requestAnimationFrame(flush);
}

/** Renders `view` now (if it was waiting for a frame, it no longer is). */
export function renderNow(view: Renderable): void {
  dirty.delete(view);
  run(view);
}

function flush(): void {
  frame = null;
  const views = Array.from(dirty);
  dirty.clear();
  for (const v of views) run(v);
}

function run(view: Renderable): void {
  const started = performance.now();
  view.render();
  const times = debug.__arceeRenderTimes ?? [];
  times.push(performance.now() - started);
  if (times.length > TIMES_KEPT) times.splice(0, times.length - TIMES_KEPT);
  debug.__arceeRenderCount = (debug.__arceeRenderCount ?? 0) + 1;
}
