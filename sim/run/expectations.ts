/**
 * `expect:` entries evaluated against finished runs: each applies to every variant it names (by
 * default all of them), is measured per run (whole-run summary figures, or the time series over
 * a from/to window) and averaged over seeds, and holds when atLeast <= measured <= atMost.
 */
import { NS_PER_S } from '../engine/index.ts';
import { CONNTRACK_FIGURES, CONTROL_PLANE_FIGURES, parseMetric, type MetricRef } from '../scenario/metric-names.ts';
import type { Scenario } from '../scenario/index.ts';
import type { ExpectationParsed } from '../scenario/schema.ts';
import { routePeers } from '../scenario/routes.ts';
import { BASE_VARIANT, type RunResult, type RunSummary, type SeriesSummary } from './result.ts';

export interface ExpectationResult {
  /** Index in the scenario's expect list. */
  index: number;
  metric: string;
  variant: string;
  /** "20s-40s" for a windowed figure, else null. */
  window: string | null;
  /** Mean over the runs' seeds; null when no run defines it (no requests, say). */
  measured: number | null;
  atLeast: number | null;
  atMost: number | null;
  pass: boolean;
  seeds: number;
  description: string | null;
}

export function evaluateExpectations(scenario: Scenario, runs: readonly RunResult[]): ExpectationResult[] {
  const services = Object.keys(scenario.services);
  const workloads = scenario.workload.map((w) => w.name);
  const variants = [BASE_VARIANT, ...scenario.variants.map((v) => v.name)].filter((v) => runs.some((r) => r.summary.variant === v));
  const results: ExpectationResult[] = [];
  scenario.expect.forEach((e, index) => {
    const ref = parseMetric(e.metric, services, workloads, e.from !== undefined || e.to !== undefined);
    if (typeof ref === 'string') throw new Error(`expect.${index}.metric: ${ref}`); // validated at load
    for (const variant of appliesTo(e, variants)) {
      const own = runs.filter((r) => r.summary.variant === variant);
      const values = own.map((r) => measure(ref, e, r, scenario)).filter((v): v is number => v !== null && Number.isFinite(v));
      const measured = values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
      const pass = measured !== null && (e.atLeast === undefined || measured >= e.atLeast) && (e.atMost === undefined || measured <= e.atMost);
      results.push({
        index,
        metric: e.metric,
        variant,
        window: windowLabel(e),
        measured,
        atLeast: e.atLeast ?? null,
        atMost: e.atMost ?? null,
        pass,
        seeds: own.length,
        description: e.description ?? null,
      });
    }
  });
  return results;
}

function appliesTo(e: ExpectationParsed, variants: string[]): string[] {
  if (e.variant === undefined) return variants;
  const named = typeof e.variant === 'string' ? [e.variant] : e.variant;
  return variants.filter((v) => named.includes(v));
}

function windowLabel(e: ExpectationParsed): string | null {
  if (e.from === undefined && e.to === undefined) return null;
  return `${(e.from ?? 0) / NS_PER_S}s-${e.to === undefined ? 'end' : `${e.to / NS_PER_S}s`}`;
}

function measure(ref: MetricRef, e: ExpectationParsed, run: RunResult, scenario: Scenario): number | null {
  if (ref.target === 'controlPlane') return controlPlaneFigure(ref.figure, run.summary);
  if (ref.target === 'conntrack') return conntrackFigure(ref.figure, run.summary);
  if (ref.figure === 'share') return routeShare(ref.series, e, run, scenario);
  if (e.from !== undefined || e.to !== undefined) return windowFigure(ref, e, run);
  const s = [...run.summary.services, ...run.summary.workloads].find((x) => x.name === ref.series);
  return s ? seriesFigure(ref, s, run.summary) : null;
}

function seriesFigure(ref: Extract<MetricRef, { target: 'series' }>, s: SeriesSummary, summary: RunSummary): number | null {
  switch (ref.figure) {
    case 'code':
      return s.codes[ref.code!] ?? 0;
    case 'flag':
      return s.flags[ref.flag!] ?? 0;
    case 'successRate':
      return s.successRate;
    case 'errorRate':
      return s.successRate === null ? null : 1 - s.successRate;
    case 'meanMs':
    case 'p50Ms':
    case 'p90Ms':
    case 'p99Ms':
    case 'p999Ms':
    case 'maxMs':
      return s.latency[ref.figure];
    case 'readyAtEnd':
      return summary.readyAtEnd[s.name] ?? null;
    case 'panicShare':
    case 'healthyHostsMin':
    case 'undeadHostsMax':
    case 'undeadHostsAtEnd':
    case 'hcChecks':
    case 'hcFailures':
    case 'ejections':
      return healthFigure(summary, s.name, ref.figure);
    case 'connects':
    case 'connectFailures':
    case 'connectionsOpenAtEnd': {
      const c = summary.conntrack?.services.find((x) => x.name === s.name);
      if (!c) return 0;
      return ref.figure === 'connects' ? c.connects : ref.figure === 'connectFailures' ? c.connectFailures : c.openAtEnd;
    }
    default:
      return (s as unknown as Record<string, number>)[ref.figure] ?? null;
  }
}

/** Sums of the interval columns over [from, to), interval-aligned. */
function windowFigure(ref: Extract<MetricRef, { target: 'series' }>, e: ExpectationParsed, run: RunResult): number | null {
  const ts = run.timeSeries;
  const series = ts.series.findIndex((x) => x.name === ref.series);
  if (series < 0) return null;
  const first = Math.floor((e.from ?? 0) / ts.intervalNs);
  const last = e.to === undefined ? ts.intervals : Math.min(ts.intervals, Math.ceil(e.to / ts.intervalNs));
  const sum = (col: ArrayLike<number> | undefined) => {
    let n = 0;
    if (col) for (let i = first; i < last; i++) n += col[series * ts.intervals + i]!;
    return n;
  };
  const ended = sum(ts.columns.ended);
  const success = sum(ts.columns.success);
  switch (ref.figure) {
    case 'code':
      return sum(ts.codes[ref.code!]);
    case 'flag':
      return sum(ts.flags[ref.flag!]);
    case 'successRate':
      return ended > 0 ? success / ended : null;
    case 'errorRate':
      return ended > 0 ? 1 - success / ended : null;
    case 'requests':
      return ended;
    case 'ratePerS':
      return last > first ? ended / (((last - first) * ts.intervalNs) / NS_PER_S) : null;
    case 'panicPicks':
      return sum(ts.columns.panicPicks);
    case 'panicShare':
      return sum(ts.columns.attempts) > 0 ? sum(ts.columns.panicPicks) / sum(ts.columns.attempts) : null;
    case 'healthyHostsMin':
    case 'undeadHostsMax':
      return Object.hasOwn(run.summary.health, ref.series) ? extreme(ts.columns[ref.figure === 'healthyHostsMin' ? 'healthyHostsMin' : 'undeadHosts'], series * ts.intervals, first, last, ref.figure === 'healthyHostsMin') : null;
    case 'attempts':
    case 'retries':
    case 'retryOverflow':
    case 'appRetries':
      return sum(ts.columns[ref.figure]);
    default:
      return null;
  }
}

/**
 * A route destination's share of its route's requests: the summary's, or over the from/to window
 * (requests that ended in it); null when it is no route's destination or nothing ended.
 */
function routeShare(service: string, e: ExpectationParsed, run: RunResult, scenario: Scenario): number | null {
  if (e.from === undefined && e.to === undefined) return run.summary.services.find((s) => s.name === service)?.share ?? null;
  const own = scenario.variants.find((v) => v.name === run.summary.variant)?.scenario ?? scenario;
  const peers = routePeers(own, service);
  if (!peers) return null;
  const requests = (name: string) => windowFigure({ target: 'series', series: name, figure: 'requests' }, e, run) ?? 0;
  const total = peers.reduce((n, p) => n + requests(p), 0);
  return total > 0 ? requests(service) / total : null;
}

/** Min (or max) of one series' column over intervals [first, last), skipping NaN. */
function extreme(col: Float64Array, base: number, first: number, last: number, min: boolean): number | null {
  let best: number | null = null;
  for (let i = first; i < last; i++) {
    const x = col[base + i]!;
    if (Number.isNaN(x)) continue;
    best = best === null ? x : min ? Math.min(best, x) : Math.max(best, x);
  }
  return best;
}

function healthFigure(summary: RunSummary, service: string, figure: string): number | null {
  const h = Object.hasOwn(summary.health, service) ? summary.health[service] : undefined;
  if (!h) return null;
  switch (figure) {
    case 'hcChecks':
      return h.hcChecks;
    case 'hcFailures':
      return h.hcFailures;
    default:
      return (h as unknown as Record<string, number | null>)[figure] ?? null;
  }
}

/** controlPlane.NAME -> the summary figure it reads. */
const CONTROL_PLANE: Record<(typeof CONTROL_PLANE_FIGURES)[number], (cp: RunSummary['controlPlane']) => number | null> = {
  pushes: (cp) => cp.pushes,
  convergenceP50Ms: (cp) => cp.convergence.p50Ms,
  convergenceP99Ms: (cp) => cp.convergence.p99Ms,
  convergenceMaxMs: (cp) => cp.convergence.maxMs,
  lastProxyP99Ms: (cp) => cp.lastProxy.p99Ms,
  lastProxyMaxMs: (cp) => cp.lastProxy.maxMs,
  initialConfigP99Ms: (cp) => cp.initialConfig.p99Ms,
  initialConfigMaxMs: (cp) => cp.initialConfig.maxMs,
};

function controlPlaneFigure(figure: string, s: RunSummary): number | null {
  return CONTROL_PLANE[figure as keyof typeof CONTROL_PLANE]?.(s.controlPlane) ?? null;
}

/** conntrack.NAME -> the summary figure it reads; 0 when the run tracks no connections. */
function conntrackFigure(figure: (typeof CONNTRACK_FIGURES)[number], s: RunSummary): number {
  const c = s.conntrack;
  if (c === null) return 0;
  switch (figure) {
    case 'worstNodePeakEntries':
      return c.worstNode.peakEntries;
    case 'worstNodeDrops':
      return c.worstNode.drops;
    default:
      return c[figure];
  }
}
