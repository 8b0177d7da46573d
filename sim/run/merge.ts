/**
 * Merging replications (the same scenario and variant, different seeds) into means with 95%
 * confidence intervals: each seed is one independent observation of each summary figure, and
 * the interval is mean +- t(0.975, n-1) * s / sqrt(n). Results are ordered by seed before
 * merging, so the merge is identical whatever order workers finished in.
 */
import type { RunSummary, SeriesSummary } from './result.ts';

export interface MergedFigure {
  mean: number | null;
  /** 95% confidence interval of the mean; null with fewer than 2 observations. */
  ci95: [number, number] | null;
  /** Observations (seeds where the figure was defined). */
  n: number;
}

export interface MergedSeries {
  name: string;
  kind: SeriesSummary['kind'];
  requests: MergedFigure;
  successRate: MergedFigure;
  ratePerS: MergedFigure;
  meanMs: MergedFigure;
  p50Ms: MergedFigure;
  p90Ms: MergedFigure;
  p99Ms: MergedFigure;
  p999Ms: MergedFigure;
  /** Summed over seeds. */
  codes: Record<string, number>;
  flags: Record<string, number>;
}

export interface MergedVariant {
  variant: string;
  seeds: number[];
  services: MergedSeries[];
  workloads: MergedSeries[];
}

/** Merges runs of one variant (any order) into per-series figures with CIs. */
export function mergeReplications(runs: readonly RunSummary[]): MergedVariant {
  if (runs.length === 0) throw new Error('nothing to merge');
  const sorted = [...runs].sort((a, b) => a.seed - b.seed);
  const variant = sorted[0]!.variant;
  if (sorted.some((r) => r.variant !== variant)) throw new Error('merge mixes variants');
  const mergeKind = (pick: (r: RunSummary) => SeriesSummary[]) =>
    pick(sorted[0]!).map((first, i) => mergeSeries(first, sorted.map((r) => pick(r)[i]!)));
  return { variant, seeds: sorted.map((r) => r.seed), services: mergeKind((r) => r.services), workloads: mergeKind((r) => r.workloads) };
}

function mergeSeries(first: SeriesSummary, all: SeriesSummary[]): MergedSeries {
  const fig = (get: (s: SeriesSummary) => number | null) => figure(all.map(get));
  return {
    name: first.name,
    kind: first.kind,
    requests: fig((s) => s.requests),
    successRate: fig((s) => s.successRate),
    ratePerS: fig((s) => s.ratePerS),
    meanMs: fig((s) => s.latency.meanMs),
    p50Ms: fig((s) => s.latency.p50Ms),
    p90Ms: fig((s) => s.latency.p90Ms),
    p99Ms: fig((s) => s.latency.p99Ms),
    p999Ms: fig((s) => s.latency.p999Ms),
    codes: sumCounts(all.map((s) => s.codes)),
    flags: sumCounts(all.map((s) => s.flags)),
  };
}

/** Mean and Student-t 95% interval of the defined values. */
export function figure(values: readonly (number | null)[]): MergedFigure {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { mean: null, ci95: null, n: 0 };
  let sum = 0;
  for (const x of xs) sum += x;
  const mean = sum / n;
  if (n < 2) return { mean, ci95: null, n };
  let ss = 0;
  for (const x of xs) ss += (x - mean) * (x - mean);
  const half = studentT975(n - 1) * Math.sqrt(ss / (n - 1) / n);
  return { mean, ci95: [mean - half, mean + half], n };
}

function sumCounts(all: readonly Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const counts of all) for (const [k, v] of Object.entries(counts)) out[k] = (out[k] ?? 0) + v;
  return out;
}

// t(0.975, df) for df = 1..30 (standard tables).
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** The 97.5% quantile of Student's t; beyond 30 degrees of freedom, the Cornish-Fisher expansion. */
export function studentT975(df: number): number {
  if (df < 1) return NaN;
  if (df <= 30) return T975[df - 1]!;
  const z = 1.959963984540054;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df);
}
