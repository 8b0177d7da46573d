/**
 * The data a run report's charts draw, from run results: per series and variant (the first seed
 * of each), the per-interval success rate, request rate, p50/p99, non-2xx codes and response
 * flags, any pod-count columns, and the latency histogram; the timeline marks; with connection
 * tracking, the busiest node's conntrack table, the SYNs dropped and the entries by state. Plain JSON.
 */
import { busiestNodePeakAt, nodeDropsAt, nodeSumAt, STATE_SERIES, type StateName } from '../metrics/index.ts';
import type { RunResult } from '../run/index.ts';

/** More intervals than this are grouped for the charts (counts summed, percentiles the group's max). */
export const MAX_CHART_POINTS = 1500;

export interface VariantSeries {
  success: (number | null)[];
  ratePerS: (number | null)[];
  p50Ms: (number | null)[];
  p99Ms: (number | null)[];
  /** Non-2xx status codes ("code 503") and Envoy flags ("flag UT"), responses per second. */
  errors: Record<string, (number | null)[]>;
  /** Columns whose name starts with "pods" (pod lifecycle counts), when the model records them. */
  pods: Record<string, (number | null)[]>;
  histogram: { lowMs: number[]; highMs: number[]; counts: number[] };
}

export interface RunChartData {
  kind: 'run';
  /** Start of each chart point, in seconds. */
  t: number[];
  stepS: number;
  /** Intervals per chart point (1 unless the run has more than MAX_CHART_POINTS intervals). */
  group: number;
  warmupS: number;
  durationS: number;
  seed: number;
  variants: string[];
  marks: { atS: number; label: string; description: string }[];
  series: { name: string; kind: string; variants: Record<string, VariantSeries> }[];
  /** Runs that track connections (cluster.conntrack.enabled), per variant; absent when none does. */
  conntrack?: Record<string, ConntrackSeries>;
}

/** Per chart point: the busiest node's host-netns table and the SYNs full tables dropped (conntrack.csv's node rows). */
export interface ConntrackSeries {
  nfConntrackMax: number;
  /** The highest peak any node's table reached in the point's intervals. */
  busiestPeak: (number | null)[];
  /** SYNs dropped by the nodes' tables, summed, per second. */
  dropsPerS: (number | null)[];
  /** The nodes' host-netns entries by conntrack state, summed, at the end of the point's last interval. */
  entriesByState: Record<StateName, (number | null)[]>;
}

export function runChartData(runs: readonly RunResult[]): RunChartData {
  const seed = runs[0]!.summary.seed;
  const first = runs.filter((r) => r.summary.seed === seed);
  const ts0 = first[0]!.timeSeries;
  const group = Math.max(1, Math.ceil(ts0.intervals / MAX_CHART_POINTS));
  const points = Math.ceil(ts0.intervals / group);
  const stepS = (ts0.intervalNs * group) / 1e9;
  // One mark per (time, action): variants often do the same thing differently (scale 3 -> 8 vs 8 -> 8).
  const marks = new Map<string, RunChartData['marks'][number]>();
  for (const r of first) {
    for (const e of r.summary.timeline) {
      const key = `${e.atS}\u0000${e.action}`;
      const text = first.length > 1 ? `${r.summary.variant}: ${e.description}` : e.description;
      const seen = marks.get(key);
      if (seen) seen.description += `\n${text}`;
      else marks.set(key, { atS: e.atS, label: e.action, description: text });
    }
  }
  return {
    kind: 'run',
    t: Array.from({ length: points }, (_, i) => round(i * stepS)),
    stepS,
    group,
    warmupS: first[0]!.summary.warmupS,
    durationS: first[0]!.summary.durationS,
    seed,
    variants: first.map((r) => r.summary.variant),
    marks: [...marks.values()].sort((a, b) => a.atS - b.atS),
    series: ts0.series.map((s, k) => ({
      name: s.name,
      kind: s.kind,
      variants: Object.fromEntries(first.map((r) => [r.summary.variant, variantSeries(r, k, group, points, stepS)])),
    })),
    ...conntrackData(first, group, points, stepS),
  };
}

function conntrackData(runs: readonly RunResult[], group: number, points: number, stepS: number): Pick<RunChartData, 'conntrack'> {
  const tracked = runs.filter((r) => r.connectionSeries && r.summary.conntrack);
  if (tracked.length === 0) return {};
  return { conntrack: Object.fromEntries(tracked.map((r) => [r.summary.variant, conntrackSeries(r, group, points, stepS)])) };
}

function conntrackSeries(r: RunResult, group: number, points: number, stepS: number): ConntrackSeries {
  const cs = r.connectionSeries!;
  const busiestPeak: (number | null)[] = [];
  const dropsPerS: (number | null)[] = [];
  const entriesByState = Object.fromEntries(STATE_SERIES.map(([state]) => [state, [] as (number | null)[]])) as ConntrackSeries['entriesByState'];
  for (let p = 0; p < points; p++) {
    let peak = 0;
    let drops = 0;
    const last = Math.min(cs.intervals, (p + 1) * group) - 1;
    for (let i = p * group; i <= last; i++) {
      peak = Math.max(peak, busiestNodePeakAt(cs, i));
      drops += nodeDropsAt(cs, i);
    }
    busiestPeak.push(clean(peak));
    dropsPerS.push(clean(drops / stepS));
    for (const [state, column] of STATE_SERIES) entriesByState[state].push(clean(nodeSumAt(cs, column, last)));
  }
  return { nfConntrackMax: r.summary.conntrack!.nfConntrackMax, busiestPeak, dropsPerS, entriesByState };
}

function variantSeries(r: RunResult, s: number, group: number, points: number, stepS: number): VariantSeries {
  const ts = r.timeSeries;
  const cells = (col: Float64Array, reduce: 'sum' | 'max') => {
    const out: number[] = new Array(points);
    for (let p = 0; p < points; p++) {
      let acc = reduce === 'sum' ? 0 : NaN;
      for (let i = p * group; i < Math.min(ts.intervals, (p + 1) * group); i++) {
        const v = col[s * ts.intervals + i]!;
        if (reduce === 'sum') acc += v;
        else if (Number.isFinite(v)) acc = Number.isFinite(acc) ? Math.max(acc, v) : v;
      }
      out[p] = acc;
    }
    return out;
  };
  const ended = cells(ts.columns.ended, 'sum');
  const success = cells(ts.columns.success, 'sum');
  const errors: Record<string, (number | null)[]> = {};
  for (const [code, col] of Object.entries(ts.codes)) {
    if (Number(code) >= 200 && Number(code) < 300) continue;
    const sums = cells(col, 'sum');
    if (sums.some((v) => v > 0)) errors[`code ${code}`] = sums.map((v) => clean(v / stepS));
  }
  for (const [flag, col] of Object.entries(ts.flags)) {
    const sums = cells(col, 'sum');
    if (sums.some((v) => v > 0)) errors[`flag ${flag}`] = sums.map((v) => clean(v / stepS));
  }
  const pods: Record<string, (number | null)[]> = {};
  for (const [name, col] of Object.entries(ts.columns)) {
    if (!name.startsWith('pods')) continue;
    const values = cells(col, 'max');
    if (values.some((v) => v > 0)) pods[name] = values.map(clean); // workloads have no pods
  }
  const bins = r.latencyBins[s]!;
  return {
    success: success.map((v, i) => (ended[i]! > 0 ? clean(v / ended[i]!) : null)),
    ratePerS: ended.map((v) => clean(v / stepS)),
    p50Ms: cells(ts.columns.p50Ms, 'max').map(clean),
    p99Ms: cells(ts.columns.p99Ms, 'max').map(clean),
    errors,
    pods,
    histogram: { lowMs: bins.lowNs.map((v) => v / 1e6), highMs: bins.highNs.map((v) => v / 1e6), counts: bins.counts },
  };
}

/** Chart values: 6 significant digits (the page stays small), null for no value. */
function clean(v: number): number | null {
  return Number.isFinite(v) ? Number(v.toPrecision(6)) : null;
}

function round(x: number): number {
  return Number(x.toPrecision(12));
}
