/**
 * Shapes a run's time series into what the charts draw: one point per closed interval, at the
 * interval's start (as timeseries.csv does), and NaN where nothing was measured so a line
 * breaks instead of inventing a value.
 */
import type { TimeSeries } from 'meshsim/browser';

export interface Point {
  tS: number;
  value: number;
}

export type LineMetric = 'successRate' | 'ratePerS' | 'p50Ms' | 'p99Ms';

export const LINE_METRICS: Record<LineMetric, { label: string; unit: string }> = {
  successRate: { label: 'success rate', unit: '%' },
  ratePerS: { label: 'requests/s (ended)', unit: '/s' },
  p50Ms: { label: 'p50 latency', unit: 'ms' },
  p99Ms: { label: 'p99 latency', unit: 'ms' },
};

export function seriesIndex(ts: TimeSeries, name: string): number {
  return ts.series.findIndex((s) => s.name === name);
}

/** The interval that contains time `tS` (clamped to the run). */
export function intervalAt(ts: TimeSeries, tS: number): number {
  return Math.max(0, Math.min(ts.intervals - 1, Math.floor((tS * 1e9) / ts.intervalNs)));
}

export function intervalStartS(ts: TimeSeries, i: number): number {
  return (i * ts.intervalNs) / 1e9;
}

/** Value of a metric for series `s` at interval `i`. */
export function metricAt(ts: TimeSeries, s: number, i: number, metric: LineMetric): number {
  const cell = s * ts.intervals + i;
  const c = ts.columns;
  switch (metric) {
    case 'successRate': {
      const ended = c.ended[cell]!;
      return ended > 0 ? c.success[cell]! / ended : NaN;
    }
    case 'ratePerS':
      return c.ended[cell]! / (ts.intervalNs / 1e9);
    case 'p50Ms':
      return c.ended[cell]! > 0 ? c.p50Ms[cell]! : NaN;
    case 'p99Ms':
      return c.ended[cell]! > 0 ? c.p99Ms[cell]! : NaN;
  }
}

/** The first `closed` intervals of a metric for series `s`. */
export function line(ts: TimeSeries, s: number, closed: number, metric: LineMetric): Point[] {
  const out: Point[] = [];
  for (let i = 0; i < Math.min(closed, ts.intervals); i++) out.push({ tS: intervalStartS(ts, i), value: metricAt(ts, s, i, metric) });
  return out;
}

export interface Stacked {
  /** Keys in stacking order (bottom first); only those with a non-zero count. */
  keys: string[];
  rows: { tS: number; values: Record<string, number> }[];
}

/**
 * Per interval, responses of series `s` by non-2xx status code (`kind: 'codes'`) or by Envoy
 * response flag (`kind: 'flags'`), as counts, for a stacked chart.
 */
export function stacked(ts: TimeSeries, s: number, closed: number, kind: 'codes' | 'flags'): Stacked {
  const source = kind === 'codes' ? ts.codes : ts.flags;
  const n = Math.min(closed, ts.intervals);
  const keys = Object.keys(source)
    .filter((k) => kind === 'flags' || !(Number(k) >= 200 && Number(k) < 300))
    .filter((k) => {
      const col = source[k]!;
      for (let i = 0; i < n; i++) if (col[s * ts.intervals + i]! > 0) return true;
      return false;
    });
  if (kind === 'codes') keys.sort((a, b) => Number(a) - Number(b));
  const rows = Array.from({ length: n }, (_, i) => ({
    tS: intervalStartS(ts, i),
    values: Object.fromEntries(keys.map((k) => [k, source[k]![s * ts.intervals + i]!])),
  }));
  return { keys, rows };
}

/** Smallest and largest finite value over several lines; [0, 1] when there is none. */
export function extent(lines: readonly Point[][]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const l of lines) for (const p of l) if (Number.isFinite(p.value)) [lo, hi] = [Math.min(lo, p.value), Math.max(hi, p.value)];
  return Number.isFinite(lo) ? [lo, hi] : [0, 1];
}

/** Pod states in stacking order (bottom first), by their time-series column. */
const POD_STATE_COLUMNS = [
  ['ready', 'podsReady'],
  ['starting', 'podsStarting'],
  ['terminating', 'podsTerminating'],
] as const;

/**
 * A service's pods by state at each interval's end, for a stacked chart; undefined when the
 * result records no pod states (see pod-states.ts).
 */
export function podStates(ts: TimeSeries, s: number, closed: number): Stacked | undefined {
  const cols = ts.columns as Record<string, Float64Array | undefined>;
  const present = POD_STATE_COLUMNS.filter(([, c]) => cols[c]);
  if (present.length === 0) return undefined;
  const n = Math.min(closed, ts.intervals);
  return {
    keys: present.map(([k]) => k),
    rows: Array.from({ length: n }, (_, i) => ({ tS: intervalStartS(ts, i), values: Object.fromEntries(present.map(([k, c]) => [k, cols[c]![s * ts.intervals + i]!])) })),
  };
}
