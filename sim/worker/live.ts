import type { Progress } from '../run/index.ts';
import { connectionColumns, type ConnectionSeries, type SeriesSpec, type TimeSeries } from '../metrics/index.ts';
import type { LiveConnections } from '../mesh/index.ts';

/**
 * Intervals [fromInterval, toInterval) of every series of a run's time series, cut out while
 * the run goes on. Each array is series-major: cell (s, i) is at s * (toInterval - fromInterval)
 * + (i - fromInterval). Only final (closed) intervals are ever sent, so a live view never
 * shows a number that later changes.
 */
export interface IntervalChunk {
  fromInterval: number;
  toInterval: number;
  /** The run's whole shape, so the first chunk is enough to lay out the charts. */
  intervals: number;
  intervalNs: number;
  series: SeriesSpec[];
  columns: Record<string, Float64Array>;
  codes: Record<string, Float64Array>;
  flags: Record<string, Float64Array>;
  /** With connection tracking: the same intervals of its series, and nf_conntrack_max. */
  conntrack?: ConntrackChunk;
}

/**
 * Intervals [fromInterval, toInterval) of a run's connection series. Interval-major, as in
 * ConnectionSeries: node n of the chunk's interval j is at j * nodes + n (services alike).
 */
export interface ConntrackChunk extends Omit<ConnectionSeries, 'intervals'> {
  nfConntrackMax: number;
}

/** What a live run reports while it goes on: how far it is and, when intervals closed, their data. */
export interface LiveUpdate {
  /** Fraction of simulated time done, 0..1. */
  fraction: number;
  events: number;
  simNs: number;
  chunk?: IntervalChunk;
}

/** Copies intervals [from, to) of every column, code and flag of `ts` into a chunk. */
export function sliceIntervals(ts: TimeSeries, from: number, to: number): IntervalChunk {
  const width = to - from;
  const cut = (col: Float64Array) => {
    const out = new Float64Array(ts.series.length * width);
    for (let s = 0; s < ts.series.length; s++) out.set(col.subarray(s * ts.intervals + from, s * ts.intervals + to), s * width);
    return out;
  };
  const map = (cols: Record<string, Float64Array>) => Object.fromEntries(Object.entries(cols).map(([k, col]) => [k, cut(col)]));
  return {
    fromInterval: from,
    toInterval: to,
    intervals: ts.intervals,
    intervalNs: ts.intervalNs,
    series: ts.series,
    columns: map(ts.columns),
    codes: map(ts.codes),
    flags: map(ts.flags),
  };
}

/** Copies intervals [from, to) of a connection series into a chunk. */
export function sliceConnections(live: LiveConnections, from: number, to: number): ConntrackChunk {
  const cs = live.series;
  const cut = <K extends string>(columns: Record<K, Float64Array>, rows: number) =>
    Object.fromEntries(Object.entries<Float64Array>(columns).map(([k, a]) => [k, a.slice(from * rows, to * rows)])) as Record<K, Float64Array>;
  return {
    nfConntrackMax: live.nfConntrackMax,
    nodes: cs.nodes,
    services: cs.services,
    node: cut(cs.node, cs.nodes),
    service: cut(cs.service, cs.services.length),
  };
}

/**
 * Turns a run's progress callbacks into live updates: every call reports the fraction done,
 * and carries the intervals closed since the previous call, if any.
 */
export function liveUpdates(send: (u: LiveUpdate) => void): (p: Progress) => void {
  let sent = 0;
  return (p) => {
    const update: LiveUpdate = { fraction: p.durationNs > 0 ? p.simNs / p.durationNs : 1, events: p.events, simNs: p.simNs };
    if (p.intervalsClosed > sent) {
      update.chunk = sliceIntervals(p.timeSeriesSoFar(), sent, p.intervalsClosed);
      const connections = p.connectionsSoFar();
      if (connections) update.chunk.conntrack = sliceConnections(connections, sent, p.intervalsClosed);
      sent = p.intervalsClosed;
    }
    send(update);
  };
}

/** Every ArrayBuffer in an update, so it can be transferred instead of copied. */
export function updateTransferables(u: LiveUpdate): ArrayBuffer[] {
  if (!u.chunk) return [];
  const c = u.chunk;
  const ct = c.conntrack ? connectionColumns(c.conntrack) : [];
  return [...Object.values(c.columns), ...Object.values(c.codes), ...Object.values(c.flags), ...ct].map((a) => a.buffer as ArrayBuffer);
}
