import type { EndpointSnapshot } from './endpoints.ts';

const NONE = new Int32Array(0);

/**
 * The hosts that leave a proxy's host set when it applies a new EDS snapshot of a cluster in place
 * of its old one. Without active HC every absent host is removed in that same update (envoy.md
 * §2.3 item 2); with HC or outlier detection the proxy's own host set decides (cluster-health.ts).
 * Snapshots are shared by every proxy (endpoints.ts), so each (old, new) pair's difference is
 * computed once, however many proxies make the same step.
 */
export class RemovedHosts {
  private readonly memo = new WeakMap<EndpointSnapshot, Map<EndpointSnapshot, Int32Array>>();
  /** Per pod: the epoch in which it was last seen in a new snapshot. */
  private seen = new Uint32Array(1024);
  private epoch = 0;

  /** Hosts of `old` that `next` no longer lists, in `old`'s order. */
  between(old: EndpointSnapshot, next: EndpointSnapshot): Int32Array {
    if (old === next) return NONE;
    let byNext = this.memo.get(old);
    const known = byNext?.get(next);
    if (known) return known;
    const removed = this.diff(old.hosts, next.hosts);
    if (!byNext) this.memo.set(old, (byNext = new Map()));
    byNext.set(next, removed);
    return removed;
  }

  private diff(old: Int32Array, next: Int32Array): Int32Array {
    const epoch = ++this.epoch;
    for (let i = 0; i < next.length; i++) this.mark(next[i]!, epoch);
    const out: number[] = [];
    for (let i = 0; i < old.length; i++) {
      const pod = old[i]!;
      if (pod >= this.seen.length || this.seen[pod] !== epoch) out.push(pod);
    }
    return out.length === 0 ? NONE : Int32Array.from(out);
  }

  private mark(pod: number, epoch: number): void {
    if (pod >= this.seen.length) {
      let n = this.seen.length;
      while (n <= pod) n *= 2;
      const bigger = new Uint32Array(n);
      bigger.set(this.seen);
      this.seen = bigger;
    }
    this.seen[pod] = epoch;
  }
}
