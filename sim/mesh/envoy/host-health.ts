import type { RandomStream } from '../../engine/index.ts';
import type { MeshContext } from '../context.ts';
import { upstreamsByClient } from '../service-model.ts';
import { EventKind } from '../event-kinds.ts';
import { APP_SERVING, GONE, INGRESS_SERVICE } from '../kube/pods.ts';
import { ClusterHealth, PodIndex, SharedViews } from './cluster-health.ts';
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
const SLOT_SPAN = 2 ** 20;
const hasJitter = (hc: { intervalJitterNs: number; intervalJitterPercent: number }): boolean => hc.intervalJitterNs >= 1e6 || hc.intervalJitterPercent > 0;
const encode = (slot: number, gen: number, result: number): number => slot * GEN_SPAN * 8 + (gen % GEN_SPAN) * 8 + result;

/**
 * Every proxy's per-cluster host health for the services that configure active HC or outlier
 * detection (the others share istiod's snapshots and cost nothing here). A proxy keeps a
 * ClusterHealth for each such service it calls, created when it applies its first config and
 * updated on every EDS change it applies; the HC sessions of its hosts run as events:
 * HC_CHECK sends a probe (its verdict read from the target pod's containers then) and
 * HC_RESULT applies a timeout.
 *
 * Cost (README "Health"): one ClusterHealth per (calling proxy, service), a few dozen bytes
 * and one pending event per host; 3,800 proxies checking a 200-pod service every 5 s is
 * 760,000 sessions and ~150,000 events per simulated second.
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
  /** Per pod, the dormant sessions checking it (cluster id x SLOT_SPAN + slot). */
  private readonly watchers: number[][] = [];
  /** Per service, identical host-set views shared by its proxies' clusters. */
  private readonly views: SharedViews[] = [];
  private readonly podIndexes: PodIndex[] = [];
  /** Dormant sessions on (README); false checks every interval with an event, for the test that compares. */
  private readonly lazy: boolean;
  private readonly odRandom: RandomStream;

  constructor(ctx: MeshContext, lazy = true) {
    this.ctx = ctx;
    this.lazy = lazy;
    const n = ctx.services.length;
    this.managedIndex = new Int32Array(n).fill(-1);
    for (const s of ctx.services) if (s.healthManaged) this.managedIndex[s.id] = this.managed.push(s.id) - 1;
    this.callsOf = upstreamsByClient(ctx.scenario, ctx.services).map((ts) => ts.filter((t) => this.managedIndex[t]! >= 0).sort((a, b) => a - b));
    this.counters = ctx.services.map(() => ({ checks: 0, checkFailures: 0, removedAfterHcFail: 0 }));
    this.droppedOutlier = ctx.services.map(() => ({ ejections: 0, overflow: 0 }));
    this.hcRandom = ctx.rng.stream('envoy/health-check');
    this.odRandom = ctx.rng.stream('envoy/outlier-detection');
  }

  /** Drains a proxy's pools towards a host (connection-pool.ts drainHost; world.ts sets it with connection tracking on). */
  drainHost: (proxy: number, pod: number) => void = () => {};

  /** Bumped whenever a pod is gone (the census's undead count depends on it). */
  goneEpoch = 0;

  podGone(): void {
    this.goneEpoch++;
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

  /** An attempt on `host` ended: outlier detection's input (envoy.md §3.2). */
  onAttemptResult(proxy: number, service: number, host: number, code: number, origin: Origin): void {
    this.cluster(proxy, service)?.onAttemptResult(host, code, origin, this.ctx.sim.nowNs);
  }

  /**
   * A check is sent. Its verdict is read from the target pod now; an answer arrives one round
   * trip later. NOTE (hot path): an answer that is back within the timeout is applied at once,
   * one round trip (50-500 us) early, and the next check is set from when the answer would
   * arrive, so the check sequence and its intervals are Envoy's; only a timeout, applied when
   * it fires, takes a second event. This halves the events of active HC (README "Health").
   */
  onCheck(clusterId: number, key: number): void {
    const cluster = this.clusters[clusterId];
    const slot = Math.floor(key / (GEN_SPAN * 8));
    if (!cluster || cluster.gen[slot]! % GEN_SPAN !== Math.floor(key / 8) % GEN_SPAN) return; // host removed
    const result = this.probe(cluster.proxy, cluster.pods[slot]!, cluster.config.hc!.timeoutNs);
    if (result === HcResult.TIMEOUT) this.ctx.sim.postAfter(cluster.config.hc!.timeoutNs, EventKind.HC_RESULT, clusterId, encode(slot, cluster.gen[slot]!, result));
    else this.complete(cluster, slot, result, this.answerNs);
  }

  /** A timed-out check's result, at the timeout. */
  onCheckResult(clusterId: number, key: number): void {
    const cluster = this.clusters[clusterId];
    const slot = Math.floor(key / (GEN_SPAN * 8));
    if (!cluster || cluster.gen[slot]! % GEN_SPAN !== Math.floor(key / 8) % GEN_SPAN) return;
    this.complete(cluster, slot, (key % 8) as HcResult, 0);
  }

  /** Applies a result; the next check follows `interval` after the answer (`answerInNs` from now). */
  private complete(cluster: ClusterHealth, slot: number, result: HcResult, answerInNs: number): void {
    const counters = this.counters[cluster.service]!;
    counters.checks++;
    if (result !== HcResult.OK) counters.checkFailures++;
    let t: Transition = Transition.UNCHANGED;
    if (result === HcResult.OK && cluster.flags[slot] === 0 && cluster.od === undefined) {
      // NOTE (hot path): a healthy host passing again changes nothing but its failure count.
      cluster.numUnhealthy[slot] = 0;
      cluster.firstCheck[slot] = 0;
      const nextNs = answerInNs + nextIntervalNs(cluster.config.hc!, true, t, cluster.hadTraffic, this.hcRandom);
      if (this.lazy && cluster.hadTraffic && !hasJitter(cluster.config.hc!) && this.idle(cluster.pods[slot]!)) this.sleep(cluster, slot, this.ctx.sim.nowNs + nextNs);
      else this.scheduleNext(cluster, slot, nextNs);
      return;
    }
    const removedBefore = cluster.removedAfterHcFail;
    t = cluster.applyCheck(slot, result, this.ctx.sim.nowNs);
    if (cluster.removedAfterHcFail !== removedBefore) {
      counters.removedAfterHcFail++;
      return; // the host left the set: its session ends
    }
    this.scheduleNext(cluster, slot, answerInNs + nextIntervalNs(cluster.config.hc!, result === HcResult.OK, t, cluster.hadTraffic, this.hcRandom));
  }

  /**
   * Dormant sessions (NOTE: a deliberate batching, identical to checking every interval, which
   * a test compares). A healthy host that passes, with no jitter, no outlier detection and the
   * cluster past its no-traffic phase, is checked every (round trip + interval) with the same
   * verdict, OK, for as long as its pod stays as it is: serving, listening, not busy. So the
   * session sleeps, with its next check time and no pending event, and the pod's next change
   * (any kubelet step, or its app's queue reaching its workers) wakes it: the checks it slept
   * through are counted, and the next one is scheduled where it falls.
   */
  private sleep(cluster: ClusterHealth, slot: number, nextCheckNs: number): void {
    cluster.dormant[slot] = 1;
    cluster.nextCheckNs[slot] = nextCheckNs;
    const pod = cluster.pods[slot]!;
    (this.watchers[pod] ??= []).push(cluster.id * SLOT_SPAN + slot);
  }

  /** No queue at the pod: a probe's answer takes just the round trip. */
  private idle(pod: number): boolean {
    return this.ctx.pods.jobs[pod]! < this.ctx.services[this.ctx.pods.service[pod]!]!.concurrency;
  }

  /** Pod `pod` changed in a way a probe could see: its dormant sessions wake. */
  wake(pod: number): void {
    const list = this.watchers[pod];
    if (list === undefined || list.length === 0) return;
    this.watchers[pod] = [];
    const now = this.ctx.sim.nowNs;
    for (const ref of list) {
      const cluster = this.clusters[Math.floor(ref / SLOT_SPAN)];
      const slot = ref % SLOT_SPAN;
      if (!cluster || cluster.dormant[slot] !== 1 || cluster.pods[slot] !== pod) continue;
      cluster.dormant[slot] = 0;
      const periodNs = this.periodNs(cluster, pod);
      const next = cluster.nextCheckNs[slot]!;
      const slept = next < now ? Math.ceil((now - next) / periodNs) : 0;
      this.counters[cluster.service]!.checks += slept;
      this.ctx.sim.post(next + slept * periodNs, EventKind.HC_CHECK, cluster.id, encode(slot, cluster.gen[slot]!, 0));
    }
  }

  /** Counts the checks dormant sessions passed up to `endNs` (for the summary; no state changes). */
  settled(endNs: number): this {
    this.settle(endNs);
    return this;
  }

  private settle(endNs: number): void {
    for (const cluster of this.clusters) {
      if (!cluster) continue;
      for (let slot = 0; slot < cluster.pods.length; slot++) {
        if (cluster.dormant[slot] !== 1) continue;
        const next = cluster.nextCheckNs[slot]!;
        if (next <= endNs) this.counters[cluster.service]!.checks += Math.floor((endNs - next) / this.periodNs(cluster, cluster.pods[slot]!)) + 1;
      }
    }
  }

  /** A dormant session's period: the answer's round trip, then the interval. */
  private periodNs(cluster: ClusterHealth, pod: number): number {
    return 2 * this.ctx.network.meanLatencyNs(cluster.proxy, pod) + cluster.config.hc!.intervalNs;
  }

  private scheduleNext(cluster: ClusterHealth, slot: number, afterNs: number): void {
    this.ctx.sim.postAfter(afterNs, EventKind.HC_CHECK, cluster.id, encode(slot, cluster.gen[slot]!, 0));
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

  /** Round trip of the last probe's answer (probe() sets it; no object per check). */
  private answerNs = 0;

  /**
   * What one probe of `pod` sees (kubernetes-istio.md §3.2 for the refusals): a gone pod never
   * answers (timeout); no listener in its netns resets the connection (network failure); the
   * inbound sidecar answers 503 when the app does not accept (a non-network failure); a serving
   * app answers 200 after its queue (an estimate: queued work / workers x mean service time), or
   * too late (timeout). Sets answerNs to when the answer is back.
   */
  private probe(proxy: number, pod: number, timeoutNs: number): HcResult {
    const pods = this.ctx.pods;
    if (pods.phase[pod] === GONE) return HcResult.TIMEOUT;
    // NOTE (hot path): the round trip is the mean latency both ways, not a draw per check.
    const rtt = 2 * this.ctx.network.meanLatencyNs(proxy, pod);
    if (!pods.sidecarListening(pod)) {
      this.answerNs = rtt;
      return rtt < timeoutNs ? HcResult.NETWORK_FAIL : HcResult.TIMEOUT;
    }
    const serving = pods.app[pod] === APP_SERVING;
    let wait = 0;
    if (serving) {
      const svc = this.ctx.services[pods.service[pod]!]!;
      wait = queueWaitNs(pods.jobs[pod]!, svc.concurrency, svc.serviceTime.mean);
    }
    this.answerNs = rtt + wait;
    if (this.answerNs >= timeoutNs) return HcResult.TIMEOUT;
    return serving ? HcResult.OK : HcResult.HTTP_FAIL;
  }

  private create(proxy: number, service: number, steady: boolean): ClusterHealth {
    const id = this.clusters.length;
    const cluster = new ClusterHealth(id, proxy, service, this.ctx.services[service]!.health, this.odRandom, (this.views[service] ??= new SharedViews()), (this.podIndexes[service] ??= new PodIndex()));
    cluster.hadTraffic = steady;
    cluster.drain = (p, pod) => this.drainHost(p, pod);
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
    if (!steady) {
      this.scheduleNext(cluster, slot, initialDelayNs(hc, this.hcRandom));
      return;
    }
    cluster.firstCheck[slot] = 0; // it has been checked before the run began
    const phaseNs = (this.hcRandom.nextU32() % Math.max(1, Math.floor(hc.intervalNs / 1e6))) * 1e6;
    // A steady session that would pass its next check can sleep from the start (see sleep()).
    if (this.lazy && !hasJitter(hc) && cluster.od === undefined && this.idle(cluster.pods[slot]!) && this.ctx.pods.app[cluster.pods[slot]!] === APP_SERVING && this.ctx.pods.sidecarListening(cluster.pods[slot]!)) {
      this.sleep(cluster, slot, this.ctx.sim.nowNs + phaseNs);
    } else this.scheduleNext(cluster, slot, phaseNs);
  }
}

/** Expected wait behind a pod's queue: jobs beyond its workers, drained `concurrency` at a time. */
function queueWaitNs(jobs: number, concurrency: number, meanServiceNs: number): number {
  const ahead = jobs - concurrency + 1;
  return ahead > 0 ? Math.round((ahead / concurrency) * meanServiceNs) : 0;
}
