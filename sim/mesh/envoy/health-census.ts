import type { MeshContext } from '../context.ts';
import { GONE } from '../kube/pods.ts';
import type { ClusterHealth } from './cluster-health.ts';
import type { HostHealth } from './host-health.ts';

/** A managed service's host health over the run, as its callers' proxies kept it. */
export interface ServiceHealthSummary {
  service: string;
  activeHealthCheck: boolean;
  outlierDetection: boolean;
  /** Calling proxies with a host set for it at the end. */
  proxies: number;
  hcChecks: number;
  hcFailures: number;
  /** Hosts removed when they failed HC while pending removal (current Envoy, #6765). */
  removedAfterHcFail: number;
  ejections: number;
  ejectionsOverflow: number;
  ejectedAtEnd: number;
  /** Over the calling proxies at the end: hosts each LB counts as healthy. */
  healthyHostsP50AtEnd: number | null;
  healthyHostsMinAtEnd: number | null;
  /** Host entries (summed over proxies) whose pod is gone, at the end. */
  undeadHostsAtEnd: number;
}

interface Census {
  healthyP50: number;
  healthyMin: number;
  undead: number;
  proxies: number;
}

function census(ctx: MeshContext, clusters: readonly ClusterHealth[], goneEpoch: number): Census {
  const healthy = clusters.map((c) => c.healthyCount()).sort((a, b) => a - b);
  let undead = 0;
  for (const c of clusters) undead += undeadIn(ctx, c, goneEpoch);
  return {
    healthyP50: healthy.length > 0 ? healthy[Math.floor((healthy.length - 1) / 2)]! : Number.NaN,
    healthyMin: healthy.length > 0 ? healthy[0]! : Number.NaN,
    undead,
    proxies: clusters.length,
  };
}

/** Host entries of `c` whose pod is gone; recounted only when its hosts or the gone pods changed. */
function undeadIn(ctx: MeshContext, c: ClusterHealth, goneEpoch: number): number {
  if (c.censusKey === c.changes && c.censusGoneEpoch === goneEpoch) return c.censusUndead;
  let n = 0;
  for (let slot = 0; slot < c.pods.length; slot++) if (c.pods[slot]! >= 0 && ctx.pods.phase[c.pods[slot]!] === GONE) n++;
  c.censusKey = c.changes;
  c.censusGoneEpoch = goneEpoch;
  c.censusUndead = n;
  return n;
}

/** Fills the health columns of the interval about to close, for every managed service. */
export function healthCensus(ctx: MeshContext, health: HostHealth): void {
  if (!health.enabled) return;
  const byService = groupByService(health);
  for (const s of health.managedServices) {
    const c = census(ctx, byService.get(s) ?? [], health.goneEpoch);
    ctx.metrics.healthCensus(s, c.healthyP50, c.healthyMin, c.undead);
  }
}

export function healthSummary(ctx: MeshContext, health: HostHealth): ServiceHealthSummary[] {
  const byService = groupByService(health);
  return health.managedServices.map((s) => {
    const clusters = byService.get(s) ?? [];
    const c = census(ctx, clusters, health.goneEpoch);
    const counters = health.counters[s]!;
    const od = health.outlierTotals(s);
    const model = ctx.services[s]!;
    return {
      service: model.name,
      activeHealthCheck: model.health.hc !== undefined,
      outlierDetection: model.health.od !== undefined,
      proxies: c.proxies,
      hcChecks: counters.checks,
      hcFailures: counters.checkFailures,
      removedAfterHcFail: counters.removedAfterHcFail,
      ejections: od.ejections,
      ejectionsOverflow: od.overflow,
      ejectedAtEnd: clusters.reduce((n, cl) => n + (cl.od?.ejectionsActive ?? 0), 0),
      healthyHostsP50AtEnd: Number.isNaN(c.healthyP50) ? null : c.healthyP50,
      healthyHostsMinAtEnd: Number.isNaN(c.healthyMin) ? null : c.healthyMin,
      undeadHostsAtEnd: c.undead,
    };
  });
}

function groupByService(health: HostHealth): Map<number, ClusterHealth[]> {
  const map = new Map<number, ClusterHealth[]>();
  for (const c of health.liveClusters()) {
    const list = map.get(c.service);
    if (list) list.push(c);
    else map.set(c.service, [c]);
  }
  return map;
}
