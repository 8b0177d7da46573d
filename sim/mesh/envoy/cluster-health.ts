import { grownFor } from '../typed-arrays.ts';
import { EDS_HC_DISABLED, edsStatusOf, type EndpointSnapshot } from './endpoints.ts';
import { applyResult, HcResult, type HcSessionState, type HealthCheckConfig, Transition } from './health-check.ts';
import { coarseHealth, EDS_FLAGS, edsStatusFlag, HealthFlag, isExcluded } from './health-flags.ts';
import type { ClusterHosts, PriorityHosts } from './load-balancer.ts';
import type { OutlierConfig } from './outlier-detection.ts';
import { OutlierDetector } from './outlier-detection.ts';
import { computePriorityLoad, type PriorityLoad, type PriorityLoadConfig } from './priority-load.ts';
import type { RandomStream } from '../../engine/index.ts';

/** A service's Envoy cluster options as every calling proxy applies them (compiled). */
export interface ClusterHealthConfig {
  hc: HealthCheckConfig | undefined;
  od: OutlierConfig | undefined;
  priority: PriorityLoadConfig;
  /** warm_hosts_ = health checks configured && ignore_new_hosts_until_first_hc (envoy.md §1.6). */
  ignoreNewHosts: boolean;
  ignoreHealthOnHostRemoval: boolean;
  /** Envoy before #6714/#6765 (envoy.md §2.3). */
  legacyRemoval: boolean;
}


/**
 * One proxy's host set for one upstream cluster when active HC or outlier detection is on:
 * its own flags per host (so it cannot share istiod's snapshot), the EDS update rules of
 * `updateDynamicHostList` (envoy.md §2.1-2.3, Table H), and the LB view (hosts / healthy /
 * degraded and the priority load) rebuilt on every Changed transition. Hosts live in stable
 * slots so pending HC events can name them; a removed slot's generation moves on.
 */
export class ClusterHealth implements ClusterHosts {
  readonly id: number;
  readonly proxy: number;
  readonly service: number;
  readonly config: ClusterHealthConfig;
  /** Slot -> pod id, -1 for a free slot. */
  pods = new Int32Array(16).fill(-1);
  flags = new Uint16Array(16);
  numHealthy = new Uint16Array(16);
  numUnhealthy = new Uint16Array(16);
  firstCheck = new Uint8Array(16);
  /** Bumped when a slot is freed or reused: HC events carry it. */
  gen = new Uint32Array(16);
  /** The endpoint has disable_active_health_check (envoy.md §2.1): no session, never FAILED_ACTIVE_HC. */
  hcOff = new Uint8Array(16);
  /** A dormant session has no pending event: its checks pass until its pod changes (host-health.ts). */
  dormant = new Uint8Array(16);
  /** A dormant session's next check time. */
  nextCheckNs = new Float64Array(16);
  /** upstream_cx_total used: the no-traffic intervals apply until then (envoy.md §2.4). */
  hadTraffic = false;
  /** The last EDS snapshot applied (istiod shares it; identity tells a new EDS update). */
  eds: EndpointSnapshot | undefined;
  readonly od: OutlierDetector | undefined;
  priorities: readonly PriorityHosts[] = [];
  load: PriorityLoad;
  /** Hosts removed because they failed HC while pending removal (current Envoy). */
  removedAfterHcFail = 0;
  /**
   * Drains this proxy's connection pools towards a pod (envoy.md §2.3 item 8): called as a host
   * leaves the set, fails active HC, or is ejected. host-health.ts points it at the pools.
   */
  drain: (proxy: number, pod: number) => void = () => {};
  /** Bumped on every host-set change (the census caches per cluster by it). */
  changes = 0;
  censusKey = -1;
  censusGoneEpoch = -1;
  censusUndead = 0;
  /**
   * Slot of each host by its index in the service's PodIndex (-1: not in this set).
   * NOTE (hot path, memory): one shared pod -> index map per service and 4 bytes per pod here,
   * instead of a Map per (proxy, cluster) (about 10 KB each at 200 hosts).
   */
  private slotByIndex = new Int32Array(16).fill(-1);
  private readonly podIndex: PodIndex;
  private readonly freeSlots: number[] = [];
  private used = 0;
  private mark = new Uint32Array(16);
  private epoch = 0;
  private readonly scratch: HcSessionState = { flags: 0, numHealthy: 0, numUnhealthy: 0, firstCheck: true };

  private readonly views: SharedViews;

  constructor(
    id: number,
    proxy: number,
    service: number,
    config: ClusterHealthConfig,
    odRandom: RandomStream,
    views: SharedViews = new SharedViews(),
    podIndex: PodIndex = new PodIndex(),
  ) {
    this.id = id;
    this.views = views;
    this.podIndex = podIndex;
    this.proxy = proxy;
    this.service = service;
    this.config = config;
    this.od = config.od ? new OutlierDetector(config.od, this, odRandom) : undefined;
    this.load = computePriorityLoad([{ hosts: 0, healthy: 0, degraded: 0, excluded: 0 }], config.priority);
  }

  slotOf(pod: number): number {
    const k = this.podIndex.find(pod);
    return k >= 0 && k < this.slotByIndex.length ? this.slotByIndex[k]! : -1;
  }

  /** Slots in use (the host set, including hosts pending removal). */
  get slotsUsed(): number {
    return this.used;
  }

  /**
   * An EDS update (envoy.md §2.3). `steady` builds the set of a proxy that was running before
   * the run began: its hosts have passed HC already. Returns the slots of new hosts, whose
   * first check the caller schedules.
   */
  applyEds(snapshot: EndpointSnapshot, steady = false): number[] {
    this.eds = snapshot;
    this.epoch++;
    const added: number[] = [];
    const hc = this.config.hc !== undefined;
    this.reserve(snapshot.hosts.length);
    for (let i = 0; i < snapshot.hosts.length; i++) {
      const pod = snapshot.hosts[i]!;
      const status = snapshot.status?.[i] ?? 0;
      const edsFlags = edsStatusFlag(edsStatusOf(status));
      const hcOff = (status & EDS_HC_DISABLED) !== 0;
      let slot = this.slotOf(pod);
      // Table H E-5: toggling disable_active_health_check recreates the host.
      if (slot >= 0 && (this.hcOff[slot] === 1) !== hcOff) {
        this.removeHost(slot);
        slot = -1;
      }
      if (slot < 0) {
        // envoy.md §2.1: a new host with HC starts FAILED_ACTIVE_HC (+ PENDING_ACTIVE_HC when warming).
        const hcFlags = hc && !steady && !hcOff ? HealthFlag.FAILED_ACTIVE_HC | (this.config.ignoreNewHosts ? HealthFlag.PENDING_ACTIVE_HC : 0) : 0;
        slot = this.addHost(pod, hcFlags | edsFlags);
        this.hcOff[slot] = hcOff ? 1 : 0;
        if (!hcOff) added.push(slot);
      } else {
        let f = this.flags[slot]!;
        // envoy.md §2.3 item 1 (#6765): a host present again is no longer pending removal.
        if (!this.config.legacyRemoval) f &= ~HealthFlag.PENDING_DYNAMIC_REMOVAL;
        this.flags[slot] = (f & ~EDS_FLAGS) | edsFlags;
      }
      this.mark[slot] = this.epoch;
    }
    for (let slot = 0; slot < this.pods.length; slot++) {
      if (this.pods[slot]! >= 0 && this.mark[slot] !== this.epoch) this.onAbsent(slot);
    }
    this.rebuild();
    return added;
  }

  /** envoy.md §2.3 item 2: keep (stabilise) an absent host only if HC still passes it. */
  private onAbsent(slot: number): void {
    const dontRemoveHealthy = this.config.hc !== undefined && !this.config.ignoreHealthOnHostRemoval;
    const f = this.flags[slot]!;
    // #6714 added FAILED_EDS_HEALTH to the test; legacy Envoy checks active HC only.
    const failing = this.config.legacyRemoval ? f & HealthFlag.FAILED_ACTIVE_HC : f & (HealthFlag.FAILED_ACTIVE_HC | HealthFlag.FAILED_EDS_HEALTH);
    if (!dontRemoveHealthy || failing || this.hcOff[slot] === 1) this.removeHost(slot);
    else if (!this.config.legacyRemoval) this.flags[slot] = f | HealthFlag.PENDING_DYNAMIC_REMOVAL;
  }

  /**
   * One active check's result on `slot`. Returns the transition; on Changed the host sets are
   * rebuilt, and (current Envoy, #6765) a host failing HC while pending removal is removed.
   */
  applyCheck(slot: number, result: HcResult, nowNs: number): Transition {
    const s = this.scratch;
    s.flags = this.flags[slot]!;
    s.numHealthy = this.numHealthy[slot]!;
    s.numUnhealthy = this.numUnhealthy[slot]!;
    s.firstCheck = this.firstCheck[slot] === 1;
    const t = applyResult(s, result, this.config.hc!);
    this.flags[slot] = s.flags;
    this.numHealthy[slot] = s.numHealthy;
    this.numUnhealthy[slot] = s.numUnhealthy;
    this.firstCheck[slot] = s.firstCheck ? 1 : 0;
    let rebuild = t === Transition.CHANGED;
    if (result === HcResult.OK && this.od?.onHealthCheckSuccess(slot, nowNs)) rebuild = true;
    const f = this.flags[slot]!;
    // envoy.md §2.3 item 8: a host that turns FAILED_ACTIVE_HC has its pools drained (DrainExistingConnections).
    if (t === Transition.CHANGED && f & HealthFlag.FAILED_ACTIVE_HC) this.drain(this.proxy, this.pods[slot]!);
    if (t === Transition.CHANGED && !this.config.legacyRemoval && f & HealthFlag.FAILED_ACTIVE_HC && f & HealthFlag.PENDING_DYNAMIC_REMOVAL) {
      this.removeHost(slot);
      this.removedAfterHcFail++;
    }
    if (rebuild) this.rebuild();
    return t;
  }

  /** Outlier detection's view of one attempt; rebuilds on an ejection. */
  onAttemptResult(pod: number, code: number, origin: 0 | 1 | 2, nowNs: number): void {
    if (!this.od) return;
    const slot = this.slotOf(pod);
    if (slot < 0) return;
    if (this.od.onResult(slot, code, origin, nowNs)) this.rebuild();
  }

  onOutlierTick(nowNs: number): void {
    if (this.od?.onIntervalTick(nowNs)) this.rebuild();
  }

  /** Hosts this proxy's LB counts as healthy. */
  healthyCount(): number {
    let n = 0;
    for (const level of this.priorities) n += level.healthy.length;
    return n;
  }

  private addHost(pod: number, flags: number): number {
    const slot = this.freeSlots.length > 0 ? this.freeSlots.pop()! : this.used;
    if (slot >= this.pods.length) this.grow(slot);
    this.used++;
    this.pods[slot] = pod;
    this.flags[slot] = flags;
    this.numHealthy[slot] = 0;
    this.numUnhealthy[slot] = 0;
    this.firstCheck[slot] = 1;
    this.dormant[slot] = 0;
    this.gen[slot]!++;
    const k = this.podIndex.indexOf(pod);
    this.slotByIndex = grownFor(this.slotByIndex, k, -1);
    this.slotByIndex[k] = slot;
    this.od?.addHost(slot);
    return slot;
  }

  /** Outlier detection ejected the host in `slot`: its pools drain (envoy.md §2.3 item 8, §3.2). */
  onEjected(slot: number): void {
    this.drain(this.proxy, this.pods[slot]!);
  }

  /** The host leaves the set: its pools drain (DrainAndDelete, envoy.md §2.3 item 8). */
  private removeHost(slot: number): void {
    this.drain(this.proxy, this.pods[slot]!);
    this.od?.removeHost(slot);
    this.slotByIndex[this.podIndex.find(this.pods[slot]!)] = -1;
    this.pods[slot] = -1;
    this.flags[slot] = 0;
    this.dormant[slot] = 0;
    this.gen[slot]!++;
    this.freeSlots.push(slot);
    this.used--;
  }

  /**
   * Room for `slots` hosts in one step. NOTE (memory): the arrays used to double from 16 as the
   * first EDS update added its hosts; with 3,800 proxies (the health-check bench) the outgrown
   * copies were about 30 MiB of garbage at startup.
   */
  private reserve(slots: number): void {
    if (slots > this.pods.length) this.grow(slots - 1);
    const indexes = Math.max(slots, this.podIndex.size);
    if (indexes > this.slotByIndex.length) this.slotByIndex = grownFor(this.slotByIndex, indexes - 1, -1);
  }

  private grow(slot: number): void {
    this.pods = grownFor(this.pods, slot, -1);
    this.flags = grownFor(this.flags, slot);
    this.numHealthy = grownFor(this.numHealthy, slot);
    this.numUnhealthy = grownFor(this.numUnhealthy, slot);
    this.firstCheck = grownFor(this.firstCheck, slot);
    this.gen = grownFor(this.gen, slot);
    this.dormant = grownFor(this.dormant, slot);
    this.hcOff = grownFor(this.hcOff, slot);
    this.nextCheckNs = grownFor(this.nextCheckNs, slot);
    this.mark = grownFor(this.mark, slot);
  }

  /**
   * envoy.md §1.1 partitionHostList, then the priority load of §1.3-1.5 (one priority).
   * NOTE (hot path): identical host sets are shared through `views` (most proxies see the same
   * hosts with the same health), so thousands of proxies pick from one set of arrays.
   */
  rebuild(): void {
    this.changes++;
    let n = 0;
    let nh = 0;
    let nd = 0;
    let excluded = 0;
    const cap = this.pods.length;
    if (scratchHosts.length < cap) [scratchHosts, scratchHealthy, scratchDegraded] = [new Int32Array(cap), new Int32Array(cap), new Int32Array(cap)];
    let hash = 2166136261;
    for (let slot = 0; slot < cap; slot++) {
      const pod = this.pods[slot]!;
      if (pod < 0) continue;
      const f = this.flags[slot]!;
      scratchHosts[n++] = pod;
      if (isExcluded(f)) excluded++;
      const h = coarseHealth(f);
      if (h === 'healthy') scratchHealthy[nh++] = pod;
      else if (h === 'degraded') scratchDegraded[nd++] = pod;
      hash = Math.imul(hash ^ pod, 16777619) ^ (h === 'healthy' ? 1 : h === 'degraded' ? 2 : 3);
    }
    const load = computePriorityLoad([{ hosts: n, healthy: nh, degraded: nd, excluded }], this.config.priority, this.load);
    // With no availability at all Envoy keeps the previous loads (§1.4): such a view is not shared.
    const shareable = load.normalizedTotal !== 0;
    const key = Math.imul(hash, 31) + excluded;
    const hosts = scratchHosts.subarray(0, n);
    const healthy = scratchHealthy.subarray(0, nh);
    const degraded = scratchDegraded.subarray(0, nd);
    const shared = shareable ? this.views.find(key, hosts, healthy, degraded, excluded) : undefined;
    if (shared) {
      this.priorities = shared.priorities;
      this.load = shared.load;
      return;
    }
    this.priorities = [{ hosts: hosts.slice(), healthy: healthy.slice(), degraded: degraded.slice() }];
    this.load = load;
    if (shareable) this.views.add(key, { priorities: this.priorities, load, excluded });
  }
}

// Scratch lists for rebuild(), reused (one rebuild runs at a time).
let scratchHosts = new Int32Array(256);
let scratchHealthy = new Int32Array(256);
let scratchDegraded = new Int32Array(256);

function sameList(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Dense indexes for a service's pods, shared by every proxy's cluster of it (assigned on first sight). */
export class PodIndex {
  private readonly map = new Map<number, number>();

  /** Pods indexed so far. */
  get size(): number {
    return this.map.size;
  }

  indexOf(pod: number): number {
    let k = this.map.get(pod);
    if (k === undefined) {
      k = this.map.size;
      this.map.set(pod, k);
    }
    return k;
  }

  /** The pod's index, or -1 if no cluster of the service has listed it. */
  find(pod: number): number {
    return this.map.get(pod) ?? -1;
  }
}

/**
 * Host-set views of one service shared by its proxies' clusters, found by a hash of the lists and
 * then compared in full (bounded: cleared when large; views in use stay referenced by their clusters).
 */
interface SharedView {
  priorities: readonly PriorityHosts[];
  load: PriorityLoad;
  excluded: number;
}

export class SharedViews {
  private readonly map = new Map<number, SharedView[]>();
  private size = 0;

  find(key: number, hosts: ArrayLike<number>, healthy: ArrayLike<number>, degraded: ArrayLike<number>, excluded: number): SharedView | undefined {
    for (const v of this.map.get(key) ?? []) {
      const level = v.priorities[0]!;
      if (v.excluded === excluded && sameList(level.hosts, hosts) && sameList(level.healthy, healthy) && sameList(level.degraded, degraded)) return v;
    }
    return undefined;
  }

  add(key: number, view: SharedView): void {
    if (this.size >= 256) {
      this.map.clear();
      this.size = 0;
    }
    const list = this.map.get(key);
    if (list) list.push(view);
    else this.map.set(key, [view]);
    this.size++;
  }
}
