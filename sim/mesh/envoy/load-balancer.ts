import type { RandomStream } from '../../engine/index.ts';
import { choiceIsDegraded, choosePriority, choicePriority, type PriorityLoad } from './priority-load.ts';

/** The LB policies of this model (Istio DestinationRule `loadBalancer.simple` names). */
export type LbPolicy = 'ROUND_ROBIN' | 'LEAST_REQUEST' | 'RANDOM';

/** One priority level as the load balancer sees it: host ids in each of Envoy's lists. */
export interface PriorityHosts {
  /** Every host, including unhealthy and excluded ones (Envoy's `hosts()`). */
  readonly hosts: ArrayLike<number>;
  readonly healthy: ArrayLike<number>;
  readonly degraded: ArrayLike<number>;
}

/** A cluster's host set: its priority levels and the load/panic state computed from them. */
export interface ClusterHosts {
  readonly priorities: readonly PriorityHosts[];
  readonly load: Pick<PriorityLoad, 'healthy' | 'degraded' | 'panic'>;
}

export interface LoadBalancerOptions {
  policy: LbPolicy;
  /** LEAST_REQUEST `choice_count`, default 2 (power of two choices; envoy.md §6). */
  choiceCount?: number;
  /** ZoneAwareLbConfig `fail_traffic_on_panic`, default false (envoy.md §1.5). */
  failTrafficOnPanic?: boolean;
}

/** rq_active per host as this proxy sees it; a Map<host, count> fits. Absent means 0. */
export interface ActiveRequests {
  get(host: number): number | undefined;
}

/** No host chosen: the router answers 503 with flag UH (envoy.md §1.5 "Zero hosts", §7). */
export const NO_HOST = -1;

const SOURCE_HEALTHY = 0;
const SOURCE_DEGRADED = 1;
const SOURCE_ALL = 2;

/**
 * One client proxy's load balancer for one upstream cluster, with Envoy's semantics:
 * pick a priority from the loads (one random draw), switch to all hosts if that priority
 * is in panic, then apply the policy. Envoy keeps one LB per worker; this model keeps one
 * per proxy (README: simplifications).
 */
export class EnvoyLoadBalancer {
  /** Envoy's `lb_healthy_panic` counter: picks made while the chosen priority was in panic. */
  panicPicks = 0;
  private readonly policy: LbPolicy;
  private readonly choiceCount: number;
  private readonly failTrafficOnPanic: boolean;
  private readonly random: RandomStream;
  private readonly seed: number;
  private readonly rrIndexes = new Map<number, number>();

  constructor(options: LoadBalancerOptions, random: RandomStream) {
    this.policy = options.policy;
    this.choiceCount = options.choiceCount ?? 2;
    this.failTrafficOnPanic = options.failTrafficOnPanic ?? false;
    this.random = random;
    // envoy.md §6: the EDF-based LBs (round robin, least request) draw seed_ once, when the LB is
    // created (load_balancer_impl.cc:956); only round robin uses it with equal weights.
    this.seed = options.policy === 'RANDOM' ? 0 : random.nextU32();
  }

  /**
   * Picks an upstream host id, or NO_HOST. `active` is this proxy's rq_active gauge per host
   * (read by least request only).
   */
  chooseHost(cluster: ClusterHosts, active: ActiveRequests): number {
    const hash = this.random.nextU32();
    const choice = choosePriority(cluster.load, hash);
    const priority = choicePriority(choice);
    const level = cluster.priorities[priority];
    if (level === undefined) return NO_HOST;
    let hosts: ArrayLike<number>;
    let source: number;
    if (cluster.load.panic[priority]) {
      // envoy.md §1.5 "What panic does": count it, then fail or spray over every host.
      this.panicPicks++;
      if (this.failTrafficOnPanic) return NO_HOST;
      hosts = level.hosts;
      source = SOURCE_ALL;
    } else if (choiceIsDegraded(choice)) {
      hosts = level.degraded;
      source = SOURCE_DEGRADED;
    } else {
      hosts = level.healthy;
      source = SOURCE_HEALTHY;
    }
    const n = hosts.length;
    if (n === 0) return NO_HOST;
    switch (this.policy) {
      case 'ROUND_ROBIN':
        return hosts[this.nextRoundRobin(priority * 3 + source) % n]!;
      case 'LEAST_REQUEST':
        return this.leastRequest(hosts, n, active);
      case 'RANDOM':
        // envoy.md §6: one random() value drives both the priority and the host (random_lb.cc:17-30).
        return hosts[hash % n]!;
    }
  }

  /**
   * Round robin keeps one index per host source, started at the seed. Envoy's
   * refreshHostSource() uses `rr_indexes_.insert({source, seed_})`, which never overwrites,
   * so an index persists across host-set changes (round_robin_lb.h; envoy.md §6 says it is
   * re-created, but the code wins).
   */
  private nextRoundRobin(sourceKey: number): number {
    const index = this.rrIndexes.get(sourceKey) ?? this.seed;
    this.rrIndexes.set(sourceKey, index + 1);
    return index;
  }

  /**
   * envoy.md §6: N random samples with replacement; a later sample replaces the candidate only
   * when its rq_active is strictly lower (least_request_lb.cc:119-140).
   */
  private leastRequest(hosts: ArrayLike<number>, n: number, active: ActiveRequests): number {
    let candidate = hosts[this.random.nextU32() % n]!;
    let candidateActive = active.get(candidate) ?? 0;
    for (let i = 1; i < this.choiceCount; i++) {
      const sampled = hosts[this.random.nextU32() % n]!;
      const sampledActive = active.get(sampled) ?? 0;
      if (sampledActive < candidateActive) {
        candidate = sampled;
        candidateActive = sampledActive;
      }
    }
    return candidate;
  }
}
