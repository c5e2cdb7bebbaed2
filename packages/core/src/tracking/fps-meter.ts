/** Frames per second over a sliding window of wall time. */
export class FpsMeter {
  #times: number[] = [];
  constructor(readonly windowMs = 1000) {}

  /** Records a finished frame at `now` (ms) and returns the current rate. */
  tick(now: number): number {
    this.#times.push(now);
    while (this.#times.length > 2 && now - this.#times[0]! > this.windowMs) this.#times.shift();
    const n = this.#times.length;
    if (n < 2) return 0;
    const span = now - this.#times[0]!;
    return span > 0 ? ((n - 1) * 1000) / span : 0;
  }
}
