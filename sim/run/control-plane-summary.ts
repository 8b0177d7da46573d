import { NS_PER_MS, NS_PER_S } from '../engine/index.ts';
import { nearestRank } from '../metrics/index.ts';
import type { ProxyStatusSnapshot, WorldResult } from '../mesh/index.ts';
import type { ControlPlaneSummary, DurationStats, ProxyStatusSummary, PushSummary } from './result.ts';

/** Exact percentiles (nearest rank) of durations in ns, reported in ms. */
export function durationStats(valuesNs: readonly number[]): DurationStats {
  if (valuesNs.length === 0) return { count: 0, p50Ms: null, p99Ms: null, maxMs: null };
  const sorted = Float64Array.from(valuesNs).sort();
  const at = (q: number) => nearestRank(sorted, q)! / NS_PER_MS;
  return { count: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted[sorted.length - 1]! / NS_PER_MS };
}

export function controlPlaneSummary(world: WorldResult, serviceNames: readonly string[]): ControlPlaneSummary {
  const perPush: PushSummary[] = world.pushes.map((p) => ({
    version: p.version,
    atS: p.pushNs / NS_PER_S,
    services: p.services.map((s) => serviceNames[s]!),
    proxies: p.target,
    unconverged: Math.max(0, p.target - p.delaysNs.length),
    ...durationStats(p.delaysNs),
  }));
  const all = world.pushes.flatMap((p) => p.delaysNs);
  const last = world.pushes.filter((p) => p.delaysNs.length > 0).map((p) => p.delaysNs.reduce((a, b) => Math.max(a, b), 0));
  return {
    pushes: world.pushes.length,
    convergence: durationStats(all),
    lastProxy: durationStats(last),
    initialConfig: durationStats(world.initialConfigDelaysNs),
    perPush,
  };
}

export function proxyStatusSummary(s: ProxyStatusSnapshot): ProxyStatusSummary {
  return {
    atS: s.atNs / NS_PER_S,
    latestVersion: s.latestVersion,
    rows: s.rows.map((r) => ({ pod: r.pod, service: r.service, status: r.status, version: r.version, behind: r.behind, appliedAtS: r.appliedAtNs / NS_PER_S })),
  };
}
