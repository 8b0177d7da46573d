/**
 * The per-interval conntrack metrics of conntrack.md §6.3. Per node: its host-netns table
 * (entries at the interval's end, the peak within it, entries by state at the end, and the
 * kernel's counters over the interval: inserts, SYNs dropped, early drops, GC evictions, entries
 * expired) and its
 * pod netns tables (the highest and the p99 of their peaks within the interval). Per upstream
 * service: connects, connect failures, pooled connections open at the end. Plain typed arrays,
 * interval-major: node n of interval i is at i * nodes + n (services alike).
 */
export const NODE_SERIES = [
  'entries',
  'peakEntries',
  'drops',
  'inserts',
  'earlyDrops',
  'gcEvictions',
  'expired',
  'synSent',
  'established',
  'timeWait',
  'close',
  'podNetnsPeakMax',
  'podNetnsPeakP99',
] as const;
export const SERVICE_SERIES = ['connects', 'connectFailures', 'poolConnections'] as const;
export type NodeSeriesName = (typeof NODE_SERIES)[number];

/** The entries-by-state columns, with the states' names as the conntrack tool prints them (conntrack.md §1.3). */
export const STATE_SERIES = [
  ['SYN_SENT', 'synSent'],
  ['ESTABLISHED', 'established'],
  ['TIME_WAIT', 'timeWait'],
  ['CLOSE', 'close'],
] as const satisfies readonly (readonly [string, NodeSeriesName])[];
export type StateName = (typeof STATE_SERIES)[number][0];
export type ServiceSeriesName = (typeof SERVICE_SERIES)[number];

export interface ConnectionSeries {
  intervals: number;
  nodes: number;
  services: string[];
  /** [interval * nodes + node] */
  node: Record<NodeSeriesName, Float64Array>;
  /** [interval * services + service] */
  service: Record<ServiceSeriesName, Float64Array>;
}

/** The node columns that count events (cumulative in the tables, per interval in the series). */
const NODE_COUNTERS = ['drops', 'inserts', 'earlyDrops', 'gcEvictions', 'expired'] as const satisfies readonly NodeSeriesName[];
const SERVICE_COUNTERS = ['connects', 'connectFailures'] as const satisfies readonly ServiceSeriesName[];

/** What a node's tables read as an interval closes: counters cumulative, the rest gauges. */
export type NodeReadings = Record<NodeSeriesName, ArrayLike<number>>;
export type ServiceReadings = Record<ServiceSeriesName, ArrayLike<number>>;

/** A series with every cell filled with `fill` (0 for a run's recorder, NaN for a live view's cells not yet closed). */
export function blankConnectionSeries(intervals: number, nodes: number, services: string[], fill = 0): ConnectionSeries {
  const column = (rows: number) => new Float64Array(intervals * rows).fill(fill);
  return {
    intervals,
    nodes,
    services,
    node: Object.fromEntries(NODE_SERIES.map((k) => [k, column(nodes)])) as ConnectionSeries['node'],
    service: Object.fromEntries(SERVICE_SERIES.map((k) => [k, column(services.length)])) as ConnectionSeries['service'],
  };
}

/** Every column of a series, nodes' then services', in the order of NODE_SERIES and SERVICE_SERIES. */
export function connectionColumns(cs: Pick<ConnectionSeries, 'node' | 'service'>): Float64Array[] {
  return [...NODE_SERIES.map((k) => cs.node[k]), ...SERVICE_SERIES.map((k) => cs.service[k])];
}

export class ConnectionRecorder {
  readonly series: ConnectionSeries;
  private readonly lastNode: Record<(typeof NODE_COUNTERS)[number], Float64Array>;
  private readonly lastService: Record<(typeof SERVICE_COUNTERS)[number], Float64Array>;

  constructor(intervals: number, nodes: number, services: string[]) {
    this.series = blankConnectionSeries(intervals, nodes, services);
    this.lastNode = Object.fromEntries(NODE_COUNTERS.map((k) => [k, new Float64Array(nodes)])) as ConnectionRecorder['lastNode'];
    this.lastService = Object.fromEntries(SERVICE_COUNTERS.map((k) => [k, new Float64Array(services.length)])) as ConnectionRecorder['lastService'];
  }

  /** Closes interval k: counters become their increase since the last close, gauges are copied. */
  close(k: number, nodes: NodeReadings, services: ServiceReadings): void {
    const s = this.series;
    if (k >= s.intervals) return;
    record(s.node, nodes, this.lastNode, k, s.nodes);
    record(s.service, services, this.lastService, k, s.services.length);
  }
}

function record<K extends string>(target: Record<K, Float64Array>, readings: Record<K, ArrayLike<number>>, last: Partial<Record<K, Float64Array>>, k: number, rows: number): void {
  for (const name of Object.keys(target) as K[]) {
    const column = target[name];
    const now = readings[name];
    const previous = last[name];
    for (let r = 0; r < rows; r++) {
      const v = now[r]!;
      if (previous === undefined) column[k * rows + r] = v;
      else {
        column[k * rows + r] = v - previous[r]!;
        previous[r] = v;
      }
    }
  }
}

/** The busiest node in interval i: the highest peak any node's host-netns table reached in it. */
export function busiestNodePeakAt(cs: ConnectionSeries, i: number): number {
  let top = 0;
  for (let n = 0; n < cs.nodes; n++) top = Math.max(top, cs.node.peakEntries[i * cs.nodes + n]!);
  return top;
}

/** Node column `name` in interval i, summed over nodes (SYNs dropped, TIME_WAIT entries, ...). */
export function nodeSumAt(cs: ConnectionSeries, name: NodeSeriesName, i: number): number {
  const column = cs.node[name];
  let sum = 0;
  for (let n = 0; n < cs.nodes; n++) sum += column[i * cs.nodes + n]!;
  return sum;
}

/** SYNs the nodes' host-netns tables dropped in interval i, summed over nodes. */
export function nodeDropsAt(cs: ConnectionSeries, i: number): number {
  return nodeSumAt(cs, 'drops', i);
}
