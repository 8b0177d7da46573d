import type { MeshContext } from '../context.ts';
import { GONE } from '../kube/pods.ts';
import type { ProxyConfigRequest } from '../world.ts';
import { coarseHealth, edsStatusFlag, HealthFlag } from './health-flags.ts';
import type { HostHealth } from './host-health.ts';
import type { ProxyConfigs } from './proxy-config.ts';
import { edsStatusOf } from './endpoints.ts';
import type { Router } from './router.ts';
import type { RouteModel } from '../service-model.ts';

/** One upstream host as `istioctl proxy-config endpoint` lists it, plus Envoy's flags. */
export interface EndpointRow {
  pod: string;
  /** HEALTHY / UNHEALTHY / DEGRADED / DRAINING, as istioctl prints Envoy's health_status. */
  status: string;
  /** OK or FAILED (outlier detection's ejection). */
  outlierCheck: string;
  /** Envoy's health flag names (envoy.md §1.1), e.g. ["FAILED_ACTIVE_HC", "PENDING_ACTIVE_HC"]. */
  flags: string[];
  priority: number;
  rqActive: number;
  /** Whether the pod is gone (an "undead" host when still listed). */
  podGone: boolean;
}

export interface ProxyConfigDump {
  atNs: number;
  pod: string;
  service: string;
  cluster: string;
  /** Whether a pod of that name existed at the time. */
  found: boolean;
  /** The config version the proxy has applied, -1 before its first config. */
  version: number;
  /** Whether this proxy keeps its own host health for the cluster (active HC / outlier detection). */
  healthManaged: boolean;
  panic: boolean;
  rows: EndpointRow[];
  /** For a routed service: the route (RDS) this proxy applied, each destination with its weight. */
  route?: { destination: string; weight: number }[];
}

const FLAG_NAMES = Object.entries(HealthFlag) as [string, number][];

export function flagNames(flags: number): string[] {
  return FLAG_NAMES.filter(([, bit]) => flags & bit).map(([name]) => name);
}

function status(flags: number): string {
  if (flags & HealthFlag.EDS_STATUS_DRAINING) return 'DRAINING';
  const h = coarseHealth(flags);
  return h === 'healthy' ? 'HEALTHY' : h === 'degraded' ? 'DEGRADED' : 'UNHEALTHY';
}

/** The cluster of request.service as request.pod's sidecar sees it now. */
export function proxyConfigDump(ctx: MeshContext, request: ProxyConfigRequest, health: HostHealth, configs: ProxyConfigs, router: Router): ProxyConfigDump {
  const pods = ctx.pods;
  const proxy = pods.names.indexOf(request.pod);
  const service = ctx.services.find((s) => s.name === request.service)!;
  const applied = proxy >= 0 && configs.version(proxy) >= 0;
  const route = service.route && applied ? routeRows(ctx, service.route, configs.routeWeights(proxy, service.id) ?? service.route.weights) : undefined;
  const base = { atNs: ctx.sim.nowNs, found: proxy >= 0, pod: request.pod, service: service.name, cluster: service.cluster, version: proxy >= 0 ? configs.version(proxy) : -1, ...(route && { route }) };
  const cluster = proxy >= 0 ? health.cluster(proxy, service.id) : undefined;
  const row = (pod: number, flags: number): EndpointRow => ({
    pod: pods.names[pod]!,
    status: status(flags),
    outlierCheck: flags & HealthFlag.FAILED_OUTLIER_CHECK ? 'FAILED' : 'OK',
    flags: flagNames(flags),
    priority: 0,
    rqActive: router.rqActive(proxy, pod),
    podGone: pods.phase[pod] === GONE,
  });
  if (cluster) {
    const rows: EndpointRow[] = [];
    for (let slot = 0; slot < cluster.pods.length; slot++) if (cluster.pods[slot]! >= 0) rows.push(row(cluster.pods[slot]!, cluster.flags[slot]!));
    return { ...base, healthManaged: true, panic: cluster.load.panic[0] === true, rows };
  }
  const snapshot = proxy >= 0 ? configs.snapshot(proxy, service.id) : undefined;
  if (!snapshot) return { ...base, healthManaged: false, panic: false, rows: [] };
  const rows = [...snapshot.hosts].map((pod, i) => row(pod, edsStatusFlag(edsStatusOf(snapshot.status?.[i] ?? 0))));
  return { ...base, healthManaged: false, panic: snapshot.load.panic[0] === true, rows };
}

function routeRows(ctx: MeshContext, route: RouteModel, weights: Uint32Array): { destination: string; weight: number }[] {
  return Array.from(route.destinations, (d, i) => ({ destination: ctx.services[d]!.name, weight: weights[i]! }));
}
