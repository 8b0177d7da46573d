import type { ConnectionPools } from '../envoy/connection-pool.ts';
import type { Scenario } from '../../scenario/index.ts';
import type { ConfigVersion } from '../envoy/endpoints.ts';
import type { ProxyConfigs } from '../envoy/proxy-config.ts';
import type { PodTable } from '../kube/pods.ts';
import type { RequestTable } from '../traffic/requests.ts';

/**
 * The one channel through which checkers observe a run (TigerBeetle-style): read-only views of
 * the world's bookkeeping. Checkers never change the world and the world never reads them, so
 * turning them on cannot change a result (a test compares digests).
 */
export interface WorldInspection {
  readonly nowNs: number;
  readonly scenario: Scenario;
  readonly serviceNames: readonly string[];
  readonly pods: PodTable;
  readonly requests: RequestTable;
  readonly deployments: {
    desired(service: number): number;
    /** Pods not terminating and not gone. */
    active(service: number): readonly number[];
    /** Pods not gone. */
    pods(service: number): readonly number[];
    /** What the ReplicaSets want in all (desired, plus surge during a rollout). */
    targetPods(service: number): number;
    rolloutInProgress(service: number): boolean;
    /** A reconcile is posted and has not run yet. */
    reconcilePending(service: number): boolean;
    /** The rollout's bounds resolved against the desired count, or undefined. */
    rolloutBounds(service: number): { maxSurge: number; maxUnavailable: number } | undefined;
  };
  readonly endpointSlices: {
    readyEndpoints(service: number): readonly number[];
    /** What the controller would send istiod now (ready pods, or all with publishNotReadyAddresses, then DRAINING ones). */
    endpoints(service: number): readonly number[];
    pending(service: number): boolean;
  };
  readonly istiod: {
    current: ConfigVersion;
    connectedProxies: readonly number[];
    knownEndpoints(service: number): readonly number[];
    /** No EndpointSlice change waiting, no debounce open, no push queued or in flight. */
    idle(): boolean;
    pushesInFlight(): number;
    pushThrottle(): number;
  };
  readonly configs: ProxyConfigs;
  /** Requests started and ended per series over the whole run (warm-up included). */
  readonly startedPerSeries: (series: number) => number;
  readonly endedPerSeries: (series: number) => number;
  /** Requests started by workload w in [fromNs, toNs): from the time series, interval-aligned. */
  readonly startedInWindow: (series: number, fromInterval: number, toInterval: number) => number;
  readonly intervalNs: number;
  readonly workloadSeriesBase: number;
  /** Connection pools and conntrack tables, when the run tracks connections. */
  readonly connections: ConnectionPools | undefined;
  /** kube-proxy's rules, when some workload's clients have no sidecar. */
  readonly kubeProxy: { endpoints(service: number): readonly number[]; syncPending(): boolean } | undefined;
}
