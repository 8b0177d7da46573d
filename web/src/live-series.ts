import { blankConnectionSeries, NODE_SERIES, SERVICE_SERIES, type ConnectionSeries, type ConntrackChunk, type IntervalChunk, type TimeSeries } from 'meshsim/browser';

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
    this.connections ??= { nfConntrackMax: c.nfConntrackMax, series: blankConnectionSeries(intervals, c.nodes, c.services, NaN) };
    const s = this.connections.series;
    for (const k of NODE_SERIES) s.node[k].set(c.node[k], from * c.nodes);
    for (const k of SERVICE_SERIES) s.service[k].set(c.service[k], from * c.services.length);
  }
}
