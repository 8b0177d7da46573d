/**
 * A sweep's result, pure: one tidy row per grid point x variant x series x metric (mean and
 * Student-t 95% CI over the seeds), the runs it came from, and a digest. The same function
 * builds it from an unsharded sweep and from merged shards, so both give the same result, digest
 * included; shards' partials carry whole run summaries, and the merge only checks and sorts.
 */
import type { SweepPlan } from '../scenario/index.ts';
import { canonicalJson, ResultDigest } from './digest.ts';
import { mergeReplications, type MergedFigure, type MergedSeries } from './merge.ts';
import type { RunSummary } from './result.ts';
import { expandSweepRuns, sweepSeeds, sweepVariants, type ShardSpec, type SweepRunSpec } from './sweep-runs.ts';

/** A sweep's input, everything a shard must agree on before its runs can be merged with others'. */
export interface SweepHeader {
  scenario: string;
  /** Digest of the scenario (variants included, file path excluded), the grid and the seeds. */
  fingerprint: string;
  axes: { path: string; values: unknown[] }[];
  points: { index: number; settings: Record<string, unknown>; label: string }[];
  variants: string[];
  seeds: number[];
  runs: number;
}

export interface SweepRunRecord {
  index: number;
  point: number;
  variant: string;
  seed: number;
  summary: RunSummary;
}

export const SWEEP_METRICS = ['requests', 'ratePerS', 'successRate', 'meanMs', 'p50Ms', 'p90Ms', 'p99Ms', 'p999Ms'] as const;
export type SweepMetric = (typeof SWEEP_METRICS)[number];

/** One tidy row. */
export interface SweepRow {
  point: number;
  settings: Record<string, unknown>;
  variant: string;
  series: string;
  kind: 'service' | 'workload';
  metric: SweepMetric;
  /** Seeds where the metric was defined. */
  n: number;
  mean: number | null;
  ci95Low: number | null;
  ci95High: number | null;
}

export interface SweepResult {
  header: SweepHeader;
  table: SweepRow[];
  /** In canonical order. */
  runs: SweepRunRecord[];
  digest: string;
}

/** What one shard writes. */
export interface SweepPartial {
  kind: 'meshsim-sweep-partial';
  header: SweepHeader;
  shard: ShardSpec;
  runs: SweepRunRecord[];
}

/** A sweep cannot be merged or built as asked (inconsistent or missing partials): bad input. */
export class SweepError extends Error {
  override name = 'SweepError';
}

export function sweepHeader(plan: SweepPlan): SweepHeader {
  const axes = plan.axes.map((a) => ({ path: a.path, values: a.values }));
  const seeds = sweepSeeds(plan);
  const scenario = JSON.parse(JSON.stringify(plan.scenario, (k, v: unknown) => (k === 'file' || k === 'sweep' ? undefined : v))) as unknown;
  return {
    scenario: plan.scenario.name,
    fingerprint: new ResultDigest().addString(canonicalJson({ scenario, axes, seeds })).hex(),
    axes,
    points: plan.points.map((p) => ({ index: p.index, settings: p.settings, label: p.label })),
    variants: sweepVariants(plan),
    seeds,
    runs: expandSweepRuns(plan).length,
  };
}

export function runRecord(spec: SweepRunSpec, summary: RunSummary): SweepRunRecord {
  return { index: spec.index, point: spec.point, variant: spec.variant, seed: spec.seed, summary };
}

/** The result from every run of the sweep (any order; each run exactly once). */
export function sweepResult(header: SweepHeader, records: readonly SweepRunRecord[]): SweepResult {
  const runs = [...records].sort((a, b) => a.index - b.index);
  const perPoint = header.seeds.length * header.variants.length;
  runs.forEach((r, i) => {
    if (r.index !== i) throw new SweepError(`run ${i} of ${header.runs} is missing`);
    // The canonical order (sweep-runs.ts): point, then seed, then variant.
    const point = header.points[Math.floor(i / perPoint)]?.index;
    const seed = header.seeds[Math.floor(i / header.variants.length) % header.seeds.length];
    const variant = header.variants[i % header.variants.length];
    if (r.point !== point || r.seed !== seed || r.variant !== variant || r.summary.seed !== seed || r.summary.variant !== variant) {
      throw new SweepError(`run ${i} should be point ${point}, seed ${seed}, variant ${variant}; got point ${r.point}, seed ${r.seed}, variant ${r.variant}`);
    }
  });
  if (runs.length !== header.runs) throw new SweepError(`${header.runs - runs.length} of ${header.runs} runs are missing`);
  const byCell = new Map<string, RunSummary[]>();
  for (const r of runs) {
    const key = `${r.point}\u0000${r.variant}`;
    const cell = byCell.get(key);
    if (cell) cell.push(r.summary);
    else byCell.set(key, [r.summary]);
  }
  const table: SweepRow[] = [];
  for (const point of header.points) {
    for (const variant of header.variants) {
      const summaries = byCell.get(`${point.index}\u0000${variant}`);
      if (!summaries) throw new SweepError(`no runs for grid point ${point.index}, variant ${variant}`);
      const merged = mergeReplications(summaries);
      for (const s of [...merged.services, ...merged.workloads]) table.push(...rowsOf(point.index, point.settings, variant, s));
    }
  }
  const digest = new ResultDigest().addString(canonicalJson(header)).addString(canonicalJson(table));
  for (const r of runs) digest.addString(`${r.index}:${r.summary.digest}`);
  return { header, table, runs, digest: digest.hex() };
}

function rowsOf(point: number, settings: Record<string, unknown>, variant: string, s: MergedSeries): SweepRow[] {
  return SWEEP_METRICS.map((metric) => {
    const f: MergedFigure = s[metric];
    return { point, settings, variant, series: s.name, kind: s.kind, metric, n: f.n, mean: f.mean, ci95Low: f.ci95?.[0] ?? null, ci95High: f.ci95?.[1] ?? null };
  });
}

/** A shard's partial result. */
export function sweepPartial(header: SweepHeader, shard: ShardSpec, records: readonly SweepRunRecord[]): SweepPartial {
  return { kind: 'meshsim-sweep-partial', header, shard, runs: [...records].sort((a, b) => a.index - b.index) };
}

/**
 * Merges partials (any order, from any shard counts) into the sweep's result. Every partial must
 * come from the same sweep (same fingerprint); every run must be present; a run present twice
 * (a retried shard) must be identical both times.
 */
export function mergeSweepPartials(partials: readonly { name: string; partial: SweepPartial }[]): SweepResult {
  if (partials.length === 0) throw new SweepError('no partial results to merge');
  const first = partials[0]!;
  const header = canonicalJson(first.partial.header);
  for (const p of partials) {
    if (canonicalJson(p.partial.header) !== header) {
      throw new SweepError(`${p.name} is from a different sweep than ${first.name} (fingerprint ${p.partial.header.fingerprint}, not ${first.partial.header.fingerprint})`);
    }
  }
  const byIndex = new Map<number, SweepRunRecord>();
  for (const p of partials) {
    for (const r of p.partial.runs) {
      const seen = byIndex.get(r.index);
      if (seen && seen.summary.digest !== r.summary.digest) throw new SweepError(`run ${r.index} differs between partials (${p.name} has digest ${r.summary.digest}, another has ${seen.summary.digest})`);
      byIndex.set(r.index, r);
    }
  }
  const total = first.partial.header.runs;
  if (byIndex.size < total) throw new SweepError(`${total - byIndex.size} of ${total} runs are missing${missingShards(partials, byIndex, total)}`);
  return sweepResult(first.partial.header, [...byIndex.values()]);
}

/** ", shards 2/3 and 3/3 are missing" when every partial has the same shard count. */
function missingShards(partials: readonly { partial: SweepPartial }[], have: Map<number, SweepRunRecord>, total: number): string {
  const counts = new Set(partials.map((p) => p.partial.shard.count));
  if (counts.size !== 1) return '';
  const n = [...counts][0]!;
  const missing = new Set<number>();
  for (let i = 0; i < total; i++) if (!have.has(i)) missing.add((i % n) + 1);
  const names = [...missing].sort((a, b) => a - b).map((k) => `${k}/${n}`);
  return names.length === 1 ? ` (shard ${names[0]} is missing)` : ` (shards ${names.join(', ')} are missing)`;
}
