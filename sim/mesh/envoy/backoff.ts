/**
 * Envoy's JitteredExponentialBackOffStrategy (envoy.md §4.2; backoff_strategy.cc:13-19):
 *
 *   backoff_ms    = random() % next_interval     // fully jittered: uniform in [0, next_interval)
 *   next_interval = next_interval < max/2 ? next_interval * 2 : max   // starts at base
 *
 * One strategy per request (retry_state_impl.cc:103-104): the router keeps `next_interval` on the
 * request's row and calls `nextBackoffMs`. The n-th retry waits U[0, min(base·2^(n-1), max)).
 * (The router docs' [0, (2^N−1)·B) is the implementation before Envoy PR #10417.)
 */

/** The wait before the next retry, in whole ms, from one random() draw and the current interval. */
export function backoffMs(random: number, intervalMs: number): number {
  return random % intervalMs;
}

/** The interval after `intervalMs` (integer comparison as in C++: max/2 truncates). */
export function nextIntervalMs(intervalMs: number, maxMs: number): number {
  return intervalMs < Math.floor(maxMs / 2) ? intervalMs * 2 : maxMs;
}

/** A standalone strategy (tests, and anything that wants the Envoy sequence outside the router). */
export class JitteredExponentialBackOff {
  private intervalMs: number;
  private readonly maxMs: number;

  constructor(baseMs: number, maxMs: number) {
    if (!(baseMs > 0) || maxMs < baseMs) throw new RangeError(`backoff needs 0 < base <= max (got ${baseMs}, ${maxMs})`);
    this.intervalMs = baseMs;
    this.maxMs = maxMs;
  }

  nextBackOffMs(random: number): number {
    const ms = backoffMs(random, this.intervalMs);
    this.intervalMs = nextIntervalMs(this.intervalMs, this.maxMs);
    return ms;
  }
}
