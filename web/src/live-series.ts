import type { ConnectionSeries, ConntrackChunk, IntervalChunk, TimeSeries } from 'meshsim/browser';

/** A run's connection series and the table limit its entries are read against. */
export interface ConnectionData {
  series: ConnectionSeries;
  nfConntrackMax: number;
}

/**
 * A run's time series as it arrives from the worker, one chunk of closed intervals at a time.
 * Cells not yet closed are NaN (columns, connection series) or 0 (codes, flags); `closed` says
 * how far the data is final. When the run ends, its full result replaces this.
 */
export class LiveSeries {
  readonly ts: TimeSeries;
  /** With connection tracking: its series, interval-major as in the result. */
  connections: ConnectionData | undefined;
  closed = 0;

  constructor(first: IntervalChunk) {
    const cells = first.series.length * first.intervals;
    const columns = Object.fromEntries(Object.keys(first.columns).map((k) => [k, new Float64Array(cells).fill(NaN)]));
    this.ts = { intervalNs: first.intervalNs, intervals: first.intervals, series: first.series, columns: columns as TimeSeries['columns'], codes: {}, flags: {} };
    this.add(first);
  }

  /** Writes a chunk's intervals into place. Chunks arrive in order; codes appear when first seen. */
  add(chunk: IntervalChunk): void {
    const { ts } = this;
    const width = chunk.toInterval - chunk.fromInterval;
    const put = (target: Float64Array, source: Float64Array) => {
      for (let s = 0; s < ts.series.length; s++) target.set(source.subarray(s * width, (s + 1) * width), s * ts.intervals + chunk.fromInterval);
    };
    const cols = ts.columns as Record<string, Float64Array>;
    for (const [k, col] of Object.entries(chunk.columns)) put((cols[k] ??= new Float64Array(ts.series.length * ts.intervals).fill(NaN)), col);
    for (const [k, col] of Object.entries(chunk.codes)) put((ts.codes[k] ??= new Float64Array(ts.series.length * ts.intervals)), col);
    for (const [k, col] of Object.entries(chunk.flags)) put((ts.flags[k] ??= new Float64Array(ts.series.length * ts.intervals)), col);
    if (chunk.conntrack) this.addConnections(chunk.conntrack, chunk.fromInterval, ts.intervals);
    this.closed = Math.max(this.closed, chunk.toInterval);
  }

  private addConnections(c: ConntrackChunk, from: number, intervals: number): void {
    const m = c.services.length;
    const blank = (rows: number) => new Float64Array(intervals * rows).fill(NaN);
    this.connections ??= {
      nfConntrackMax: c.nfConntrackMax,
      series: {
        intervals,
        nodes: c.nodes,
        services: c.services,
        nodeEntries: blank(c.nodes),
        nodePeak: blank(c.nodes),
        nodeDrops: blank(c.nodes),
        serviceConnects: blank(m),
        serviceConnectFailures: blank(m),
        servicePoolSize: blank(m),
      },
    };
    const s = this.connections.series;
    s.nodeEntries.set(c.nodeEntries, from * c.nodes);
    s.nodePeak.set(c.nodePeak, from * c.nodes);
    s.nodeDrops.set(c.nodeDrops, from * c.nodes);
    s.serviceConnects.set(c.serviceConnects, from * m);
    s.serviceConnectFailures.set(c.serviceConnectFailures, from * m);
    s.servicePoolSize.set(c.servicePoolSize, from * m);
  }
}
