import { computePriorityLoad, type PriorityLoadConfig, DEFAULT_PRIORITY_LOAD_CONFIG } from './priority-load.ts';
import type { ClusterHosts } from './load-balancer.ts';

/**
 * One immutable, versioned EDS snapshot of a service's endpoints, shared by every proxy
 * (ARCHITECTURE.md "Scale"): the host list once, the priority load computed once. A proxy
 * holds a reference to the snapshot it has applied, never a copy.
 *
 * In this model every endpoint is healthy (no active health checking yet) and there is one
 * priority, so healthy == hosts; the load still goes through Envoy's priority/panic function,
 * which answers "panic, route to all hosts" for an empty set and so yields UH.
 */
export interface EndpointSnapshot extends ClusterHosts {
  readonly version: number;
  readonly hosts: Int32Array;
}

export class ServiceEndpoints {
  private readonly members: number[] = [];
  private readonly config: PriorityLoadConfig;
  current: EndpointSnapshot;

  constructor(config: PriorityLoadConfig = DEFAULT_PRIORITY_LOAD_CONFIG) {
    this.config = config;
    this.current = this.build(0);
  }

  /** Publishes a pod (in creation order, as pods are added). */
  add(pod: number): void {
    this.members.push(pod);
    this.current = this.build(this.current.version + 1);
  }

  remove(pod: number): boolean {
    const i = this.members.indexOf(pod);
    if (i < 0) return false;
    this.members.splice(i, 1);
    this.current = this.build(this.current.version + 1);
    return true;
  }

  get size(): number {
    return this.members.length;
  }

  private build(version: number): EndpointSnapshot {
    const hosts = Int32Array.from(this.members);
    const n = hosts.length;
    const load = computePriorityLoad([{ hosts: n, healthy: n, degraded: 0, excluded: 0 }], this.config);
    const empty = new Int32Array(0);
    return { version, hosts, priorities: [{ hosts, healthy: hosts, degraded: empty }], load };
  }
}
