/**
 * istiod's debounce of config events, exactly as pilot/pkg/xds/discovery.go `debounce` does it
 * (kubernetes-istio.md §4.2): the first event of a batch arms a timer for debounceAfter; when
 * the timer fires, the batch is pushed if debounceAfter has passed since the last event or
 * debounceMax since the first; otherwise the timer is re-armed for the rest of the quiet time.
 *
 * Pure state: the caller owns the clock and the timer. Push() itself (building the push context
 * and enqueueing proxies) takes no simulated time here, so the "one push in flight" rule never
 * holds a batch back (README: simplifications).
 */
export class Debouncer {
  private readonly afterNs: number;
  private readonly maxNs: number;
  private open = false;
  private startNs = 0;
  private lastNs = 0;

  constructor(afterNs: number, maxNs: number) {
    this.afterNs = afterNs;
    this.maxNs = maxNs;
  }

  /** An event at `nowNs`. Returns the time to arm the timer at, or -1 when one is armed already. */
  onEvent(nowNs: number): number {
    this.lastNs = nowNs;
    if (this.open) return -1;
    this.open = true;
    this.startNs = nowNs;
    return nowNs + this.afterNs;
  }

  /** The timer fired at `nowNs`. Returns -1 to push now (the batch closes), else the time to re-arm. */
  onTimer(nowNs: number): number {
    const quietNs = nowNs - this.lastNs;
    if (nowNs - this.startNs >= this.maxNs || quietNs >= this.afterNs) {
      this.open = false;
      return -1;
    }
    return nowNs + (this.afterNs - quietNs);
  }

  /** When the open batch began (its first event), or -1. */
  get batchStartNs(): number {
    return this.open ? this.startNs : -1;
  }
}
