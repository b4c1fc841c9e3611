/**
 * Ctrl+C while the terminal client runs. The first aborts the request (its socket closes) and the run prints
 * what had arrived, marked cancelled. A later one must not kill the process halfway through --json's one object
 * (a reader that does not keep up makes writing it take a while), so the listener stays until the process ends
 * (a signal listener does not keep it alive):
 * - --json, the run has ended (its object is out): nothing more to do; the process ends once stdout has taken it.
 * - --json, the run has not ended: wait for it, at most GRACE_MS, then write a bare cancelled object unless the
 *   run's is out, and exit 130.
 * - plain: end the open line and exit 130 at once.
 */
import type { OneObject } from './output';

export const SECOND_INTERRUPT_GRACE_MS = 1000;

export interface InterruptTarget {
  controller: AbortController;
  /** In --json mode: the one object, and what to write if the run has not written it in time. */
  json?: { object: OneObject; cancelled: () => unknown };
  /** Plain mode: ends a line the answer left open. */
  endLine: () => void;
}

/** Listens for Ctrl+C; call `ended` when the run has returned (its output written). */
export function handleInterrupts(target: InterruptTarget): { ended: () => void } {
  let grace: ReturnType<typeof setTimeout> | undefined;
  let ended = false;
  process.on('SIGINT', () => {
    if (!target.controller.signal.aborted) {
      target.controller.abort();
      return;
    }
    const json = target.json;
    if (!json) {
      target.endLine();
      process.exit(130);
    }
    if (ended) return;
    grace ??= setTimeout(() => {
      if (!json.object.claim()) return;
      process.stdout.write(`${JSON.stringify(json.cancelled())}\n`, () => process.exit(130));
    }, SECOND_INTERRUPT_GRACE_MS);
  });
  return {
    ended: () => {
      ended = true;
      clearTimeout(grace);
    },
  };
}
