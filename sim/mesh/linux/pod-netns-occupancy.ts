import { nearestRank } from '../../metrics/index.ts';
import type { ConntrackTables } from './conntrack-tables.ts';

/** The pods whose netns to read: each pod's node (-1: none, the ingress gateway) and whether it is gone. */
export interface NetnsPods {
  count: number;
  node: ArrayLike<number>;
  gone: (pod: number) => boolean;
}

/**
 * Per node, the peaks of its pods' netns tables within an interval: the highest and the p99
 * (nearest rank, as the run's other exact percentiles) over the pods on the node that are not
 * gone (conntrack.md §6.3: "the maximum and p99 of pod-netns occupancy"; occupancy is that over
 * nf_conntrack_max, the same for every netns, §1.5). A pod whose table has not been needed yet
 * holds no entry: it counts as 0. A gone pod's netns went with its entries, though the model
 * keeps its table. With fewer than 100 pods on a node the nearest-rank p99 is the node's
 * highest. The ingress gateway's netns is on no node.
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

  /** Reads the pods' tables' peaks (call before the tables reset their peaks). */
  read(tables: ConntrackTables, pods: NetnsPods): void {
    if (this.sorted.length < pods.count) this.sorted = new Float64Array(pods.count);
    const counted = (pod: number) => pods.node[pod]! >= 0 && !pods.gone(pod);
    // Counting sort by node: perNode[n] .. perNode[n + 1] is node n's run in `sorted`.
    const start = this.perNode.fill(0);
    for (let pod = 0; pod < pods.count; pod++) if (counted(pod)) start[pods.node[pod]! + 1]!++;
    for (let n = 0; n < this.nodes; n++) start[n + 1]! += start[n]!;
    const fill = this.cursor;
    fill.set(start);
    for (let pod = 0; pod < pods.count; pod++) if (counted(pod)) this.sorted[fill[pods.node[pod]!]!++] = tables.podPeak(pod);
    for (let n = 0; n < this.nodes; n++) {
      const run = this.sorted.subarray(start[n]!, start[n + 1]!).sort();
      this.peakMax[n] = nearestRank(run, 1) ?? 0;
      this.peakP99[n] = nearestRank(run, 0.99) ?? 0;
    }
  }
}
