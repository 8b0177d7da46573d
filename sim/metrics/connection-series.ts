/**
 * Per interval: each node's host-netns conntrack table (entries at the interval's end, the peak
 * within it, SYNs dropped in it) and each upstream service's connections (connects, connect
 * failures, pooled connections open at the end). Plain typed arrays, row-major by interval.
 */
export interface ConnectionSeries {
  intervals: number;
  nodes: number;
  services: string[];
  /** [interval * nodes + node] */
  nodeEntries: Float64Array;
  nodePeak: Float64Array;
  nodeDrops: Float64Array;
  /** [interval * services + service] */
  serviceConnects: Float64Array;
  serviceConnectFailures: Float64Array;
  servicePoolSize: Float64Array;
}

export class ConnectionRecorder {
  readonly series: ConnectionSeries;
  private readonly lastDrops: Float64Array;
  private readonly lastConnects: Float64Array;
  private readonly lastFailures: Float64Array;

  constructor(intervals: number, nodes: number, services: string[]) {
    this.series = {
      intervals,
      nodes,
      services,
      nodeEntries: new Float64Array(intervals * nodes),
      nodePeak: new Float64Array(intervals * nodes),
      nodeDrops: new Float64Array(intervals * nodes),
      serviceConnects: new Float64Array(intervals * services.length),
      serviceConnectFailures: new Float64Array(intervals * services.length),
      servicePoolSize: new Float64Array(intervals * services.length),
    };
    this.lastDrops = new Float64Array(nodes);
    this.lastConnects = new Float64Array(services.length);
    this.lastFailures = new Float64Array(services.length);
  }

  /** Closes interval k from cumulative counters (drops, connects, failures) and current gauges. */
  close(k: number, entries: ArrayLike<number>, peak: ArrayLike<number>, drops: ArrayLike<number>, connects: ArrayLike<number>, failures: ArrayLike<number>, open: ArrayLike<number>): void {
    const s = this.series;
    if (k >= s.intervals) return;
    for (let n = 0; n < s.nodes; n++) {
      s.nodeEntries[k * s.nodes + n] = entries[n]!;
      s.nodePeak[k * s.nodes + n] = peak[n]!;
      s.nodeDrops[k * s.nodes + n] = drops[n]! - this.lastDrops[n]!;
      this.lastDrops[n] = drops[n]!;
    }
    const m = s.services.length;
    for (let i = 0; i < m; i++) {
      s.serviceConnects[k * m + i] = connects[i]! - this.lastConnects[i]!;
      s.serviceConnectFailures[k * m + i] = failures[i]! - this.lastFailures[i]!;
      s.servicePoolSize[k * m + i] = open[i]!;
      this.lastConnects[i] = connects[i]!;
      this.lastFailures[i] = failures[i]!;
    }
  }
}

/** The busiest node in interval i: the highest peak any node's host-netns table reached in it. */
export function busiestNodePeakAt(cs: ConnectionSeries, i: number): number {
  let top = 0;
  for (let n = 0; n < cs.nodes; n++) top = Math.max(top, cs.nodePeak[i * cs.nodes + n]!);
  return top;
}

/** SYNs the nodes' host-netns tables dropped in interval i, summed over nodes. */
export function nodeDropsAt(cs: ConnectionSeries, i: number): number {
  let sum = 0;
  for (let n = 0; n < cs.nodes; n++) sum += cs.nodeDrops[i * cs.nodes + n]!;
  return sum;
}
