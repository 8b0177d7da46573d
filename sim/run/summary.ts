import { NS_PER_MS, NS_PER_S } from '../engine/index.ts';
import { connectionColumns, histogramBins, type Histogram, type SeriesTotals } from '../metrics/index.ts';
import { spreadOverRouteGroups } from '../metrics/route-groups.ts';
import type { WorldResult } from '../mesh/index.ts';
import type { Scenario } from '../scenario/index.ts';
import { canonicalJson, ResultDigest } from './digest.ts';
import { routePeers } from '../scenario/routes.ts';
import { controlPlaneSummary, proxyStatusSummary } from './control-plane-summary.ts';
import type { HealthSummary, LatencySummary, RunResult, RunSummary, SeriesSummary } from './result.ts';

const QS = [0.5, 0.9, 0.99, 0.999];

export function latencySummary(h: Histogram): LatencySummary {
  if (h.count === 0) return { meanMs: null, p50Ms: null, p90Ms: null, p99Ms: null, p999Ms: null, maxMs: null };
  const [p50, p90, p99, p999] = h.percentiles(QS).map(ms);
  return { meanMs: ms(h.mean()), p50Ms: p50!, p90Ms: p90!, p99Ms: p99!, p999Ms: p999!, maxMs: ms(h.max) };
}

function ms(ns: number): number {
  return ns / NS_PER_MS;
}

function seriesSummary(t: SeriesTotals, windowS: number, nominal: number, depth: number): SeriesSummary {
  return {
    name: t.name,
    kind: t.kind,
    requests: t.requests,
    successes: t.successes,
    successRate: t.requests > 0 ? t.successes / t.requests : null,
    ratePerS: windowS > 0 ? t.requests / windowS : 0,
    latency: latencySummary(t.latency),
    queueWait: t.kind === 'service' ? latencySummary(t.queueWait) : null,
    codes: Object.fromEntries([...t.codes].sort((a, b) => a[0] - b[0]).map(([c, n]) => [String(c), n])),
    flags: { ...t.flags },
    panicPicks: t.panicPicks,
    startupFailures: t.startupFailures,
    shutdownFailures: t.shutdownFailures,
    appRestarts: t.appRestarts,
    startedTotal: t.startedTotal,
    inFlightAtEnd: t.inFlightAtEnd,
    attempts: t.attempts,
    retries: t.retries,
    retryOverflow: t.retryOverflow,
    appRetries: t.appRetries,
    attemptsPerRequest: t.startedTotal > 0 && t.kind === 'service' ? t.attempts / t.startedTotal : null,
    nominalRequests: nominal,
    amplification: nominal > 0 ? t.attempts / nominal : null,
    depth,
    share: null,
  };
}

/**
 * Each routed service's and its destinations' share of the requests addressed to it
 * (kubernetes-istio.md §6; routes.ts routePeers: nothing else reaches a destination).
 */
function setRouteShares(scenario: Scenario, services: SeriesSummary[]): void {
  for (const [name, svc] of Object.entries(scenario.services)) {
    if (!svc.route) continue;
    const peers = routePeers(scenario, name)!.map((n) => services.find((s) => s.name === n)!);
    const total = peers.reduce((n, s) => n + s.requests, 0);
    for (const s of peers) s.share = total > 0 ? s.requests / total : null;
  }
}

function healthSummaries(world: WorldResult): Record<string, HealthSummary> {
  const ts = world.timeSeries;
  return Object.fromEntries(
    world.health.map(({ service, ...h }): [string, HealthSummary] => {
      const index = ts.series.findIndex((x) => x.name === service);
      let healthyHostsMin: number | null = null;
      let undeadHostsMax = 0;
      let picks = 0;
      let started = 0; // attempts: every attempt picks a host
      for (let i = 0; i < ts.intervals; i++) {
        const cell = index * ts.intervals + i;
        picks += ts.columns.panicPicks[cell]!;
        started += ts.columns.attempts[cell]!;
        const min = ts.columns.healthyHostsMin[cell]!;
        if (!Number.isNaN(min)) healthyHostsMin = healthyHostsMin === null ? min : Math.min(healthyHostsMin, min);
        undeadHostsMax = Math.max(undeadHostsMax, ts.columns.undeadHosts[cell]!);
      }
      return [service, { ...h, panicShare: started > 0 ? picks / started : null, healthyHostsMin, undeadHostsMax }];
    }),
  );
}

/** Per depth of the call graph: attempts over nominal load, summed over the services at that depth. */
function amplificationByDepth(services: SeriesSummary[]): { depth: number; attempts: number; nominalRequests: number; amplification: number | null }[] {
  const maxDepth = services.reduce((m, s) => Math.max(m, s.depth), 0);
  const out = [];
  for (let d = 1; d <= maxDepth; d++) {
    const at = services.filter((s) => s.depth === d);
    const attempts = at.reduce((n, s) => n + s.attempts, 0);
    const nominalRequests = at.reduce((n, s) => n + s.nominalRequests, 0);
    out.push({ depth: d, attempts, nominalRequests, amplification: nominalRequests > 0 ? attempts / nominalRequests : null });
  }
  return out;
}

function conntrackSummary(world: WorldResult): RunSummary['conntrack'] {
  if (world.connections === null) return null;
  const { series: _series, ...rest } = world.connections;
  return rest;
}

/** Turns a finished world into the run's result, digest included. */
export function buildRunResult(scenario: Scenario, variant: string, seed: number, world: WorldResult, memoryEstimateBytes: number): RunResult {
  const windowS = (scenario.duration - scenario.metrics.warmup) / NS_PER_S;
  const base = scenario.workload.length ? world.totals.length - scenario.workload.length : world.totals.length;
  const nominal = Float64Array.from({ length: base }, (_, s) => world.reach.reduce((n, r, w) => n + r[s]! * world.totals[base + w]!.startedTotal, 0));
  spreadOverRouteGroups(nominal, (s) => world.totals[s]!.startedTotal, world.routeGroups);
  const series = world.totals.map((t, s) => seriesSummary(t, windowS, s < base ? nominal[s]! : 0, s < base ? world.depths[s]! : 0));
  setRouteShares(scenario, series.slice(0, base));
  const summary: RunSummary = {
    scenario: scenario.name,
    variant,
    seed,
    durationS: scenario.duration / NS_PER_S,
    warmupS: scenario.metrics.warmup / NS_PER_S,
    services: series.filter((s) => s.kind === 'service'),
    workloads: series.filter((s) => s.kind === 'workload'),
    timeline: world.timeline.map((e) => ({ atS: e.atNs / NS_PER_S, action: e.action, description: e.description })),
    events: world.events,
    podsCreated: world.podsCreated,
    memoryEstimateMb: Math.round((memoryEstimateBytes / (1024 * 1024)) * 10) / 10,
    readyAtEnd: Object.fromEntries(Object.keys(scenario.services).map((n, i) => [n, world.readyAtEnd[i]!])),
    controlPlane: controlPlaneSummary(world, Object.keys(scenario.services)),
    rollouts: Object.fromEntries(
      Object.keys(scenario.services)
        .map((n, i): [string, number[]] => [n, world.rolloutDurationsNs[i]!.map((d) => d / NS_PER_S)])
        .filter(([, d]) => d.length > 0),
    ),
    proxyStatus: world.proxyStatus.map(proxyStatusSummary),
    health: healthSummaries(world),
    proxyConfigs: world.proxyConfigs,
    amplificationByDepth: amplificationByDepth(series.slice(0, base)),
    conntrack: conntrackSummary(world),
    eventDigest: world.digest,
    digest: '',
  };
  const ts = world.timeSeries;
  const digest = new ResultDigest().addString(canonicalJson(summary));
  for (const col of Object.values(ts.columns)) digest.addFloats(col);
  for (const [code, col] of Object.entries(ts.codes)) digest.addString(code).addFloats(col);
  for (const [flag, col] of Object.entries(ts.flags)) digest.addString(flag).addFloats(col);
  const cs = world.connections?.series;
  if (cs) for (const col of connectionColumns(cs)) digest.addFloats(col);
  summary.digest = digest.hex();
  return { summary, timeSeries: ts, latencyBins: world.totals.map((t) => histogramBins(t.latency)), ...(cs ? { connectionSeries: cs } : {}), ...(world.invariantCheckPoints !== null ? { invariantCheckPoints: world.invariantCheckPoints } : {}) };
}
