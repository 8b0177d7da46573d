import { computePriorityLoad, type PriorityLoadConfig, DEFAULT_PRIORITY_LOAD_CONFIG } from './priority-load.ts';
import type { ClusterHosts } from './load-balancer.ts';

/**
 * One immutable EDS snapshot of a service's endpoints, shared by every proxy that applied it
 * (ARCHITECTURE.md "Scale"): the host list once, the priority load computed once.
 *
 * In this model every endpoint istiod sends is healthy (no active health checking yet) and there
 * is one priority, so healthy == hosts; the load still goes through Envoy's priority/panic
 * function, which answers "panic, route to all hosts" for an empty set and so yields UH.
 */
export interface EndpointSnapshot extends ClusterHosts {
  /** The istiod push version that built it. */
  readonly version: number;
  readonly hosts: Int32Array;
}

/**
 * A whole config version as istiod pushes it: one snapshot per service (by service id). A proxy
 * holds a reference to the version it has applied, never a copy, so a push to 4,000 proxies
 * copies nothing per proxy.
 */
export interface ConfigVersion {
  readonly version: number;
  readonly snapshots: readonly EndpointSnapshot[];
}

const EMPTY = new Int32Array(0);

/** Builds a snapshot of `pods` (ready endpoints, in the order given). */
export function buildSnapshot(version: number, pods: ArrayLike<number>, config: PriorityLoadConfig = DEFAULT_PRIORITY_LOAD_CONFIG): EndpointSnapshot {
  const hosts = Int32Array.from(pods);
  const n = hosts.length;
  const load = computePriorityLoad([{ hosts: n, healthy: n, degraded: 0, excluded: 0 }], config);
  return { version, hosts, priorities: [{ hosts, healthy: hosts, degraded: EMPTY }], load };
}
