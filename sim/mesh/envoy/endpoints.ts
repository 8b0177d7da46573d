import { computePriorityLoad, type PriorityLoadConfig, DEFAULT_PRIORITY_LOAD_CONFIG } from './priority-load.ts';
import type { ClusterHosts } from './load-balancer.ts';
import { EdsStatus } from './health-flags.ts';

/**
 * One immutable EDS snapshot of a service's endpoints, shared by every proxy that applied it
 * (ARCHITECTURE.md "Scale"): the host list once, the priority load computed once.
 *
 * Endpoints istiod sends are healthy, or DRAINING (a terminating pod, with
 * mesh.controlPlane.drainingEndpoints): EDS_STATUS_DRAINING makes a host unhealthy and excluded
 * (envoy.md §1.1). There is one priority. A proxy without active HC or outlier detection on the
 * cluster routes with this shared snapshot; with them it keeps its own (cluster-health.ts). The
 * load goes through Envoy's priority/panic function, which answers "panic, route to all hosts"
 * for an empty set and so yields UH.
 */
export interface EndpointSnapshot extends ClusterHosts {
  /** The istiod push version that built it. */
  readonly version: number;
  readonly hosts: Int32Array;
  /**
   * Per host: its EDS health_status (EdsStatus, health-flags.ts) plus EDS_HC_DISABLED for
   * `health_check_config.disable_active_health_check`; undefined when every host is plain HEALTHY.
   */
  readonly status?: Uint8Array | undefined;
}

/**
 * A whole config version as istiod pushes it: one snapshot per service (by service id). A proxy
 * holds a reference to the version it has applied, never a copy, so a push to 4,000 proxies
 * copies nothing per proxy.
 */
export interface ConfigVersion {
  readonly version: number;
  readonly snapshots: readonly EndpointSnapshot[];
  /**
   * Per service with a route (RDS): its destinations' weights as of this version, aligned with
   * ServiceModel.route.destinations; absent (or undefined per service) means the scenario's.
   */
  readonly routes?: readonly (Uint32Array | undefined)[];
}

const EMPTY = new Int32Array(0);

/**
 * Builds a snapshot of `pods` (endpoints in the order given), the last `drainingCount` of which
 * are DRAINING.
 */
export function buildSnapshot(
  version: number,
  pods: ArrayLike<number>,
  config: PriorityLoadConfig = DEFAULT_PRIORITY_LOAD_CONFIG,
  drainingCount = 0,
): EndpointSnapshot {
  const hosts = Int32Array.from(pods);
  const n = hosts.length;
  const healthyCount = n - drainingCount;
  const load = computePriorityLoad([{ hosts: n, healthy: healthyCount, degraded: 0, excluded: drainingCount }], config);
  if (drainingCount === 0) return { version, hosts, priorities: [{ hosts, healthy: hosts, degraded: EMPTY }], load };
  const status = new Uint8Array(n).fill(EDS_DRAINING, healthyCount);
  return { version, hosts, status, priorities: [{ hosts, healthy: hosts.subarray(0, healthyCount), degraded: EMPTY }], load };
}

/** EDS health_status DRAINING (envoy.md §1.1, kubernetes-istio.md §3.8). */
export const EDS_DRAINING = EdsStatus.DRAINING;
/** Bit in `status`: the endpoint's health_check_config.disable_active_health_check (envoy.md §2.1). */
export const EDS_HC_DISABLED = 0x80;

/** The EdsStatus in a `status` byte. */
export function edsStatusOf(statusByte: number): number {
  return statusByte & ~EDS_HC_DISABLED;
}
