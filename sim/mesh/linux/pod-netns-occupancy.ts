import type { ConntrackTables } from './conntrack-tables.ts';

/**
 * Per node, the pod netns tables' peaks within an interval: the highest and the p99 (nearest
 * rank, as the run's other exact percentiles) over the pod netns the node has held
 * that are still there (conntrack.md §6.3: "the maximum and p99 of pod-netns occupancy";
 * occupancy is that over nf_conntrack_max, the same for every netns, §1.5). A gone pod's netns
 * is gone with its entries, though the model keeps its table. With at most 100 pods on a node
 * the nearest-rank p99 is the node's highest. The ingress gateway's netns is on no node.
 */
export class PodNetnsOccupancy {
  readonly peakMax: Float64Array;
  readonly peakP99: Float64Array;
  private readonly nodes: number;
  private readonly perNode: Int32Array;
  private readonly cursor: Int32Array;
  private sorted = new Float64Array(0);

  constructor(nodes: number) {
    this.nodes = nodes;
    this.peakMax = new Float64Array(nodes);
    this.peakP99 = new Float64Array(nodes);
    this.perNode = new Int32Array(nodes + 1);
    this.cursor = new Int32Array(nodes + 1);
  }

  /** Reads the peak of every pod netns table but those of gone pods (call before the tables reset their peaks). */
  read(tables: ConntrackTables, gone: (pod: number) => boolean): void {
    const first = this.nodes;
    const last = tables.tables;
    if (this.sorted.length < last - first) this.sorted = new Float64Array(last - first);
    // Counting sort by node: perNode[n] .. perNode[n + 1] is node n's run in `sorted`.
    const start = this.perNode.fill(0);
    for (let t = first; t < last; t++) {
      const n = tables.node[t]!;
      if (n >= 0 && !gone(t - first)) start[n + 1]!++;
    }
    for (let n = 0; n < this.nodes; n++) start[n + 1]! += start[n]!;
    const fill = this.cursor;
    fill.set(start);
    for (let t = first; t < last; t++) {
      const n = tables.node[t]!;
      if (n >= 0 && !gone(t - first)) this.sorted[fill[n]!++] = tables.peak[t]!;
    }
    for (let n = 0; n < this.nodes; n++) {
      const run = this.sorted.subarray(start[n]!, start[n + 1]!).sort();
      this.peakMax[n] = run.length > 0 ? run[run.length - 1]! : 0;
      this.peakP99[n] = run.length > 0 ? run[Math.max(0, Math.ceil(0.99 * run.length) - 1)]! : 0;
    }
  }
}
