/** A sliding one-minute window: at most `perMinute` requests start in any 60 s. */
export class MinuteCap {
  private starts: number[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** Counts a request starting now, or returns false (and counts nothing) when the cap is reached. */
  take(perMinute: number): boolean {
    const t = this.now();
    this.starts = this.starts.filter((s) => t - s < 60_000);
    if (this.starts.length >= perMinute) return false;
    this.starts.push(t);
    return true;
  }

  /** Milliseconds until the next request may start (0 when one may start now). */
  waitMs(perMinute: number): number {
    const t = this.now();
    const recent = this.starts.filter((s) => t - s < 60_000);
    return recent.length < perMinute ? 0 : 60_000 - (t - recent[recent.length - perMinute]);
  }
}
