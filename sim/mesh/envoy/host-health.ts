import type { RandomStream } from '../../engine/index.ts';
import type { MeshContext } from '../context.ts';
import { EventKind } from '../event-kinds.ts';
import { APP_SERVING, GONE, INGRESS_SERVICE } from '../kube/pods.ts';
import { ClusterHealth } from './cluster-health.ts';
import type { ConfigVersion } from './endpoints.ts';
import { HcResult, initialDelayNs, nextIntervalNs, Transition } from './health-check.ts';
import type { Origin } from './outlier-detection.ts';

/** Per service: what its callers' health machinery did over the run. */
export interface ServiceHealthCounters {
  checks: number;
  checkFailures: number;
  removedAfterHcFail: number;
}

// HC event payload b: slot, the slot's generation (mod 2^28) and the result, in one exact double.
const GEN_SPAN = 2 ** 28;
const encode = (slot: number, gen: number, result: number): number => slot * GEN_SPAN * 8 + (gen % GEN_SPAN) * 8 + result;

/**
 * Every proxy's per-cluster host health for the services that configure active HC or outlier
 * detection (the others share istiod's snapshots and cost nothing here). A proxy keeps a
 * ClusterHealth for each such service it calls, created when it applies its first config and
 * updated on every EDS change it applies; the HC sessions of its hosts run as events:
 * HC_CHECK sends a probe (its verdict read from the target pod's containers then) and
 * HC_RESULT applies the answer after the round trip, or after the timeout.
 *
 * Cost (README "Health"): one ClusterHealth per (calling proxy, service), ~30 bytes and two
 * events per check per host; 4,000 proxies checking a 200-pod service every 5 s is 800,000
 * sessions and 320,000 events per simulated second.
 */
export class HostHealth {
  readonly counters: ServiceHealthCounters[];
  private readonly ctx: MeshContext;
  private readonly clusters: (ClusterHealth | undefined)[] = [];
  /** Service -> index among managed services, -1 when unmanaged. */
  private readonly managedIndex: Int32Array;
  private readonly managed: number[] = [];
  /** clusterOf[proxy * managed.length + index] = cluster id + 1 (0: none). */
  private clusterOf = new Int32Array(0);
  /** calls[clientService + 1] = the managed services that service's pods call. */
  private readonly callsOf: number[][];
  private readonly droppedOutlier: { ejections: number; overflow: number }[];
  private readonly hcRandom: RandomStream;
  private readonly odRandom: RandomStream;
  private readonly netRandom: RandomStream;

  constructor(ctx: MeshContext) {
    this.ctx = ctx;
    const n = ctx.services.length;
    this.managedIndex = new Int32Array(n).fill(-1);
    for (const s of ctx.services) if (s.healthManaged) this.managedIndex[s.id] = this.managed.push(s.id) - 1;
    const gateway = ctx.scenario.workload.map((w) => ctx.services.findIndex((s) => s.name === w.to));
    const targets = [gateway, ...ctx.services.map((s) => [...s.calls.map((c) => c.target), ...s.lifecycle.startupCalls.map((c) => c.target)])];
    this.callsOf = targets.map((ts) => [...new Set(ts)].filter((t) => this.managedIndex[t]! >= 0).sort((a, b) => a - b));
    this.counters = ctx.services.map(() => ({ checks: 0, checkFailures: 0, removedAfterHcFail: 0 }));
    this.droppedOutlier = ctx.services.map(() => ({ ejections: 0, overflow: 0 }));
    this.hcRandom = ctx.rng.stream('envoy/health-check');
    this.odRandom = ctx.rng.stream('envoy/outlier-detection');
    this.netRandom = ctx.rng.stream('envoy/health-check/network');
  }

  get enabled(): boolean {
    return this.managed.length > 0;
  }

  /** The proxy's own host set for `service`, or undefined (unmanaged: use istiod's snapshot). */
  cluster(proxy: number, service: number): ClusterHealth | undefined {
    const index = this.managedIndex[service]!;
    if (index < 0) return undefined;
    const cell = proxy * this.managed.length + index;
    const id = cell < this.clusterOf.length ? this.clusterOf[cell]! - 1 : -1;
    return id >= 0 ? this.clusters[id] : undefined;
  }

  /**
   * `proxy` applied `config`. `steady`: a proxy already running when the run starts, whose
   * hosts have passed their checks (first checks spread over one interval).
   */
  onConfigApplied(proxy: number, config: ConfigVersion, steady: boolean): void {
    if (!this.enabled) return;
    const service = this.ctx.pods.service[proxy]!;
    for (const s of this.callsOf[service === INGRESS_SERVICE ? 0 : service + 1]!) {
      const snapshot = config.snapshots[s]!;
      let cluster = this.cluster(proxy, s);
      if (cluster?.eds === snapshot) continue; // no EDS change for this cluster
      cluster ??= this.create(proxy, s, steady);
      const added = cluster.applyEds(snapshot, steady);
      for (const slot of added) this.startSession(cluster, slot, steady);
    }
  }

  /** The proxy is gone: its sessions stop (their pending events find no cluster). */
  dropProxy(proxy: number): void {
    for (let i = 0; i < this.managed.length; i++) {
      const cell = proxy * this.managed.length + i;
      if (cell >= this.clusterOf.length || this.clusterOf[cell] === 0) continue;
      const cluster = this.clusters[this.clusterOf[cell]! - 1]!;
      if (cluster.od) {
        this.droppedOutlier[cluster.service]!.ejections += cluster.od.ejectionsTotal;
        this.droppedOutlier[cluster.service]!.overflow += cluster.od.ejectionsOverflow;
      }
      this.clusters[this.clusterOf[cell]! - 1] = undefined;
      this.clusterOf[cell] = 0;
    }
  }

  /** The router picked a host: the cluster has had traffic (upstream_cx_total used). */
  noteTraffic(cluster: ClusterHealth): void {
    cluster.hadTraffic = true;
  }

  /** An attempt on `host` ended: outlier detection's input (envoy.md §3.2). */
  onAttemptResult(proxy: number, service: number, host: number, code: number, origin: Origin): void {
    this.cluster(proxy, service)?.onAttemptResult(host, code, origin, this.ctx.sim.nowNs);
  }

  onCheck(clusterId: number, key: number): void {
    const cluster = this.clusters[clusterId];
    const slot = Math.floor(key / (GEN_SPAN * 8));
    if (!cluster || cluster.gen[slot]! % GEN_SPAN !== Math.floor(key / 8) % GEN_SPAN) return; // host removed
    const { resultNsAfter, result } = this.probe(cluster.proxy, cluster.pods[slot]!, cluster.config.hc!.timeoutNs);
    this.ctx.sim.postAfter(resultNsAfter, EventKind.HC_RESULT, clusterId, encode(slot, cluster.gen[slot]!, result));
  }

  onCheckResult(clusterId: number, key: number): void {
    const cluster = this.clusters[clusterId];
    const slot = Math.floor(key / (GEN_SPAN * 8));
    if (!cluster || cluster.gen[slot]! % GEN_SPAN !== Math.floor(key / 8) % GEN_SPAN) return;
    const result = (key % 8) as HcResult;
    const counters = this.counters[cluster.service]!;
    counters.checks++;
    if (result !== HcResult.OK) counters.checkFailures++;
    const removedBefore = cluster.removedAfterHcFail;
    const t: Transition = cluster.applyCheck(slot, result, this.ctx.sim.nowNs);
    if (cluster.removedAfterHcFail !== removedBefore) {
      counters.removedAfterHcFail++;
      return; // the host left the set: its session ends
    }
    const next = nextIntervalNs(cluster.config.hc!, result === HcResult.OK, t, cluster.hadTraffic, this.hcRandom);
    this.ctx.sim.postAfter(next, EventKind.HC_CHECK, clusterId, encode(slot, cluster.gen[slot]!, 0));
  }

  onOutlierTick(clusterId: number): void {
    const cluster = this.clusters[clusterId];
    if (!cluster) return;
    cluster.onOutlierTick(this.ctx.sim.nowNs);
    this.ctx.sim.postAfter(cluster.config.od!.intervalNs, EventKind.OUTLIER_TICK, clusterId);
  }

  /** Every live cluster (for the census and the summary). */
  liveClusters(): ClusterHealth[] {
    return this.clusters.filter((c): c is ClusterHealth => c !== undefined);
  }

  /** Ejections by outlier detection over the run, including proxies that are gone. */
  outlierTotals(service: number): { ejections: number; overflow: number } {
    const done = this.droppedOutlier[service]!;
    let ejections = done.ejections;
    let overflow = done.overflow;
    for (const c of this.clusters) {
      if (c?.service !== service || !c.od) continue;
      ejections += c.od.ejectionsTotal;
      overflow += c.od.ejectionsOverflow;
    }
    return { ejections, overflow };
  }

  get managedServices(): readonly number[] {
    return this.managed;
  }

  /**
   * What one probe of `pod` sees, and when its answer is back (kubernetes-istio.md §3.2 for the
   * refusals): a gone pod never answers (timeout); no listener in its netns resets the connection
   * (network failure); the inbound sidecar answers 503 when the app does not accept (a non-network
   * failure); a serving app answers 200 after its queue (an estimate: queued work / workers x mean
   * service time), or too late (timeout).
   */
  private probe(proxy: number, pod: number, timeoutNs: number): { resultNsAfter: number; result: HcResult } {
    const pods = this.ctx.pods;
    const rtt = this.ctx.network.latencyNsWith(proxy, pod, this.netRandom) + this.ctx.network.latencyNsWith(pod, proxy, this.netRandom);
    if (pods.phase[pod] === GONE) return { resultNsAfter: timeoutNs, result: HcResult.TIMEOUT };
    if (!pods.sidecarListening(pod)) return rtt < timeoutNs ? { resultNsAfter: rtt, result: HcResult.NETWORK_FAIL } : { resultNsAfter: timeoutNs, result: HcResult.TIMEOUT };
    const serviceModel = this.ctx.services[pods.service[pod]!]!;
    const waitNs = pods.app[pod] === APP_SERVING ? queueWaitNs(pods.jobs[pod]!, serviceModel.concurrency, serviceModel.serviceTime.mean) : 0;
    if (rtt + waitNs >= timeoutNs) return { resultNsAfter: timeoutNs, result: HcResult.TIMEOUT };
    const result = pods.app[pod] === APP_SERVING ? HcResult.OK : HcResult.HTTP_FAIL;
    return { resultNsAfter: rtt + waitNs, result };
  }

  private create(proxy: number, service: number, steady: boolean): ClusterHealth {
    const id = this.clusters.length;
    const cluster = new ClusterHealth(id, proxy, service, this.ctx.services[service]!.health, this.odRandom);
    cluster.hadTraffic = steady;
    this.clusters.push(cluster);
    const cell = proxy * this.managed.length + this.managedIndex[service]!;
    if (cell >= this.clusterOf.length) {
      const bigger = new Int32Array(Math.max(1024, (cell + 1) * 2));
      bigger.set(this.clusterOf);
      this.clusterOf = bigger;
    }
    this.clusterOf[cell] = id + 1;
    const od = cluster.config.od;
    if (od) this.ctx.sim.postAfter(od.intervalNs, EventKind.OUTLIER_TICK, id);
    return cluster;
  }

  /** A new host's first check: at once or after initial_jitter; spread over one interval when steady. */
  private startSession(cluster: ClusterHealth, slot: number, steady: boolean): void {
    const hc = cluster.config.hc;
    if (!hc) return;
    const delay = steady ? this.hcRandom.nextU32() % Math.max(1, Math.floor(hc.intervalNs / 1e6)) * 1e6 : initialDelayNs(hc, this.hcRandom);
    if (steady) cluster.firstCheck[slot] = 0; // it has been checked before the run began
    this.ctx.sim.postAfter(delay, EventKind.HC_CHECK, cluster.id, encode(slot, cluster.gen[slot]!, 0));
  }
}

/** Expected wait behind a pod's queue: jobs beyond its workers, drained `concurrency` at a time. */
function queueWaitNs(jobs: number, concurrency: number, meanServiceNs: number): number {
  const ahead = jobs - concurrency + 1;
  return ahead > 0 ? Math.round((ahead / concurrency) * meanServiceNs) : 0;
}
