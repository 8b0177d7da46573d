import type { MergedFigure, MergedSeries, MergedVariant, RunResult, SeriesSummary } from '../run/index.ts';
import type { Scenario } from '../scenario/index.ts';
import { evaluateExpectations, figure } from '../run/index.ts';
import { formatCount, formatMs, formatPct, formatRate, plusMinus, pointsDelta, relativeDelta, sparkline, table } from './format.ts';
import { expectationLines, lifecycleLines, proxyStatusLines } from './render-lifecycle.ts';
import { healthLines, proxyConfigLines } from './render-health.ts';
import { conntrackLines } from './render-conntrack.ts';
import { routeLines } from './render-routes.ts';

export interface RenderInput {
  scenario: Scenario;
  /** Every run, in spec order (seed-major, base first within a seed). */
  runs: RunResult[];
  /** Present when there was more than one seed. */
  merged?: MergedVariant[];
  wallMs: number;
  workers: number;
}

const HEADER = ['', 'variant', 'req/s', 'success', 'p50', 'p90', 'p99', 'p99.9', 'errors (code=count | flag=count)'];
const RIGHT = new Set([2, 3, 4, 5, 6, 7]);

/** The terminal summary: per-series table with variant deltas, sparklines, timeline, totals. */
export function renderSummary(input: RenderInput): string {
  const { scenario, runs } = input;
  const seeds = [...new Set(runs.map((r) => r.summary.seed))];
  const variants = [...new Set(runs.map((r) => r.summary.variant))];
  const firstSeed = runs.filter((r) => r.summary.seed === seeds[0]);
  const out: string[] = [];
  const seedText = seeds.length === 1 ? `seed ${seeds[0]}` : `${seeds.length} seeds (${seeds[0]}..${seeds[seeds.length - 1]}), mean ±95% CI`;
  out.push(`meshsim · ${scenario.name} · ${scenario.file} · ${seedText} · ${firstSeed[0]!.summary.durationS}s simulated`);
  if (scenario.description) out.push(...wrap(scenario.description.trim(), 100));
  if (scenario.metrics.warmup > 0) out.push(`(figures exclude the first ${firstSeed[0]!.summary.warmupS}s of warm-up)`);
  for (const kind of ['services', 'workloads'] as const) {
    out.push('', seriesTable(kind, variants, firstSeed, input.merged));
  }
  out.push(...retryLines(runs, variants, seeds.length));
  const routes = routeLines(scenario, runs, variants);
  if (routes.length > 0) out.push('', ...routes);
  // The rest is one run's story (its sparklines, timeline, tables): the first seed's, said so.
  if (seeds.length > 1) out.push('', `from here on: seed ${seeds[0]}, the first of ${seeds.length} (summary.json holds every seed's figures)`);
  out.push('', ...sparklines(firstSeed, variants));
  out.push('', ...timelines(firstSeed));
  out.push('', ...lifecycleLines(firstSeed));
  const health = healthLines(firstSeed);
  if (health.length) out.push('', ...health);
  const ct = conntrackLines(firstSeed);
  if (ct.length > 0) out.push('', ...ct);
  for (const r of firstSeed) for (const ps of r.summary.proxyStatus) out.push('', ...proxyStatusLines(ps, r.summary.variant));
  for (const r of firstSeed) for (const pc of r.summary.proxyConfigs) out.push('', ...proxyConfigLines(pc, r.summary.variant));
  if (scenario.expect.length > 0) out.push('', `expectations${seeds.length > 1 ? ' (means over seeds)' : ''}:`, ...expectationLines(evaluateExpectations(scenario, runs)).map((l) => `  ${l}`));
  const events = runs.reduce((a, r) => a + r.summary.events, 0);
  const runWord = runs.length === 1 ? '1 run' : `${runs.length} runs`;
  const where = input.workers > 0 ? `${input.workers} worker thread${input.workers === 1 ? '' : 's'}` : 'in process';
  out.push('', `${runWord} · ${formatCount(events)} events · ${(input.wallMs / 1000).toFixed(2)}s wall (${where})`);
  return out.join('\n');
}

function seriesTable(kind: 'services' | 'workloads', variants: string[], runs: RunResult[], merged: MergedVariant[] | undefined): string {
  // merged codes and flags are sums over seeds (summary.json); a row shows them per run, like its other figures.
  const header = merged ? [...HEADER.slice(1, -1), 'errors per run, mean over seeds (code=count | flag=count)'] : HEADER.slice(1);
  const rows: string[][] = [[kind === 'services' ? 'service' : 'workload', ...header]];
  const base = runs[0]!.summary[kind];
  base.forEach((series, i) => {
    variants.forEach((variant, v) => {
      const run = runs.find((r) => r.summary.variant === variant)!;
      const s = run.summary[kind][i]!;
      const m = merged?.find((x) => x.variant === variant)?.[kind][i];
      rows.push(m ? mergedRow(series.name, v, variant, m, merged![0]![kind][i]!) : singleRow(series.name, v, variant, s, series));
    });
  });
  return table(rows, RIGHT);
}

/**
 * Retries and amplification per service that saw any (README "Retries and overload"): attempts,
 * Envoy retries, retries refused by the breaker or budget, the apps' own retries, attempts per
 * request at the sidecar, and attempts over the call graph's nominal load. With several seeds,
 * each figure is the mean over them, as in the table above.
 */
function retryLines(runs: RunResult[], variants: string[], seeds: number): string[] {
  const rows: string[][] = [['service', 'variant', 'attempts', 'retries', 'retry overflow', 'app retries', 'attempts/request', 'amplification']];
  runs[0]!.summary.services.forEach((svc, i) => {
    const per = variants.map((variant) => runs.filter((r) => r.summary.variant === variant).map((r) => r.summary.services[i]!));
    if (!per.some((all) => all.some((s) => s.retries + s.appRetries + s.retryOverflow > 0))) return;
    per.forEach((all, v) => {
      const count = (get: (s: SeriesSummary) => number) => formatCount(Math.round(figure(all.map(get)).mean!));
      const ratio = (get: (s: SeriesSummary) => number | null) => ratioText(figure(all.map(get)).mean);
      rows.push([v === 0 ? svc.name : '', variants[v]!, count((s) => s.attempts), count((s) => s.retries), count((s) => s.retryOverflow), count((s) => s.appRetries), ratio((s) => s.attemptsPerRequest), ratio((s) => s.amplification)]);
    });
  });
  if (rows.length === 1) return [];
  const means = seeds > 1 ? `; means over ${seeds} seeds` : '';
  return ['', `retries (attempts to each service; amplification = attempts / the load the call graph sends it with no retries${means})`, table(rows, new Set([2, 3, 4, 5, 6, 7]))];
}

function ratioText(x: number | null): string {
  return x === null ? '-' : `${x.toFixed(2)}x`;
}

function singleRow(name: string, v: number, variant: string, s: SeriesSummary, base: SeriesSummary): string[] {
  const vs = v > 0;
  const lat = (get: (x: SeriesSummary) => number | null) => withDelta(formatMs(get(s)), vs ? relativeDelta(get(base), get(s)) : '');
  return [
    v === 0 ? name : '',
    variant,
    formatRate(s.ratePerS),
    withDelta(formatPct(s.successRate), vs ? pointsDelta(base.successRate, s.successRate) : ''),
    lat((x) => x.latency.p50Ms),
    lat((x) => x.latency.p90Ms),
    lat((x) => x.latency.p99Ms),
    lat((x) => x.latency.p999Ms),
    errors(s.codes, s.flags),
  ];
}

function mergedRow(name: string, v: number, variant: string, m: MergedSeries, base: MergedSeries): string[] {
  const vs = v > 0;
  const lat = (get: (x: MergedSeries) => MergedFigure) =>
    withDelta(withCi(get(m), formatMs), vs ? relativeDelta(get(base).mean, get(m).mean) : '');
  return [
    v === 0 ? name : '',
    variant,
    formatRate(m.ratePerS.mean ?? 0),
    withDelta(withCi(m.successRate, (x) => formatPct(x)), vs ? pointsDelta(base.successRate.mean, m.successRate.mean) : ''),
    lat((x) => x.p50Ms),
    lat((x) => x.p90Ms),
    lat((x) => x.p99Ms),
    lat((x) => x.p999Ms),
    errors(perRun(m.codes, m.requests.n), perRun(m.flags, m.requests.n), meanCount),
  ];
}

/** Counts summed over `runs` seeds, as means per run. */
function perRun(sums: Record<string, number>, runs: number): Record<string, number> {
  return Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / Math.max(1, runs)]));
}

/** A mean count: whole above 100, one decimal below (a mean of 0.3 is not 0). */
function meanCount(x: number): string {
  return x >= 100 ? formatCount(Math.round(x)) : String(Math.round(x * 10) / 10);
}

function withCi(f: MergedFigure, fmt: (x: number | null) => string): string {
  if (f.mean === null) return '-';
  if (!f.ci95) return fmt(f.mean);
  return `${fmt(f.mean)} ${plusMinus(f.mean, (f.ci95[1] - f.ci95[0]) / 2, fmt === formatMs ? formatMs : formatPct)}`;
}

function withDelta(value: string, delta: string): string {
  return delta ? `${value} (${delta})` : value;
}

function errors(codes: Record<string, number>, flags: Record<string, number>, fmt: (n: number) => string = formatCount): string {
  const bad = Object.entries(codes).filter(([c]) => !(Number(c) >= 200 && Number(c) < 300));
  const parts = bad.map(([c, n]) => `${c}=${fmt(n)}`);
  const fl = Object.entries(flags).map(([f, n]) => `${f}=${fmt(n)}`);
  if (parts.length === 0 && fl.length === 0) return '-';
  return fl.length ? `${parts.join(' ')} | ${fl.join(' ')}` : parts.join(' ');
}

/** Per workload: success rate and p99 over time, one line per variant on shared scales. */
function sparklines(runs: RunResult[], variants: string[]): string[] {
  const ts0 = runs[0]!.timeSeries;
  const lines: string[] = [`over time (one character per ${ts0.intervalNs / 1e9}s interval)`];
  const first = ts0.series.findIndex((s) => s.kind === 'workload');
  ts0.series.forEach((series, s) => {
    if (s < first) return;
    const rowsOf = (r: RunResult, col: Float64Array) => col.subarray(s * r.timeSeries.intervals, (s + 1) * r.timeSeries.intervals);
    const success = runs.map((r) => ratio(rowsOf(r, r.timeSeries.columns.success), rowsOf(r, r.timeSeries.columns.ended)));
    const p99 = runs.map((r) => rowsOf(r, r.timeSeries.columns.p99Ms));
    const [lo, hi] = range(p99);
    const rows: string[][] = [];
    variants.forEach((v, i) => {
      rows.push([i === 0 ? `  ${series.name}` : '', v, 'success', sparkline(success[i]!, 0, 1), '0-100%']);
      rows.push(['', '', 'p99', sparkline(p99[i]!, lo, hi), `${formatMs(lo)}-${formatMs(hi)}`]);
    });
    lines.push(table(rows, new Set()));
  });
  return lines;
}

function ratio(num: ArrayLike<number>, den: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: num.length }, (_, i) => (den[i]! > 0 ? num[i]! / den[i]! : NaN));
}

function range(cols: ArrayLike<number>[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const col of cols) {
    for (let i = 0; i < col.length; i++) {
      const v = col[i]!;
      if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    }
  }
  return Number.isFinite(lo) ? [lo, hi] : [0, 0];
}

function timelines(runs: RunResult[]): string[] {
  const lines: string[] = [];
  for (const r of runs) {
    if (r.summary.timeline.length === 0) continue;
    lines.push(`timeline (${r.summary.variant}):`);
    for (const e of r.summary.timeline) lines.push(`  ${e.description}`);
  }
  return lines.length ? lines : ['timeline: (none)'];
}

/** Word-wraps prose to `width` columns (the scenario's description under the title). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
