import { compileDistribution, type RandomStream, type Sampler } from '../../engine/index.ts';
import type { MeshContext } from '../context.ts';
import { buildSnapshot, type ConfigVersion, type EndpointSnapshot } from '../envoy/endpoints.ts';
import type { ProxyConfigs } from '../envoy/proxy-config.ts';
import type { ServiceEndpoints } from '../kube/endpoint-slices.ts';
import { EventKind } from '../event-kinds.ts';
import { Debouncer } from './debounce.ts';
import { grownFor } from '../typed-arrays.ts';
import { PushQueue } from './push-queue.ts';

/** One debounced push and how long its proxies took to apply it. */
export interface PushRecord {
  version: number;
  pushNs: number;
  /** The earliest pod change behind this push (convergence is measured from it). */
  firstChangeNs: number;
  services: number[];
  /** Proxies connected when it was pushed and not yet at this version. */
  target: number;
  /** Per proxy that applied it (or a later version): apply time minus firstChangeNs. */
  delaysNs: number[];
}

/**
 * istiod, as far as endpoints go (kubernetes-istio.md §4.2): EndpointSlice events are debounced
 * (PILOT_DEBOUNCE_AFTER / _MAX), each push publishes one new shared config version (a snapshot
 * per changed service, the others shared with the previous version), and every connected proxy
 * is enqueued on the push queue. Pushes are built on `cpus` cores (CPU cost per proxy from the
 * scenario's pushCost), at most PILOT_PUSH_THROTTLE in flight, and a proxy applies its push
 * xdsLatency after it was sent. A proxy's config is whatever version was current when its push
 * was built, so merged pushes skip intermediate versions, as in Istio.
 */
export class Istiod {
  current: ConfigVersion;
  readonly pushes: PushRecord[] = [];
  /** Per new proxy: from asking for its config to applying it. */
  readonly initialConfigDelaysNs: number[] = [];
  onConfigured: (proxy: number) => void = () => {};

  private readonly ctx: MeshContext;
  private readonly configs: ProxyConfigs;
  private readonly debouncer: Debouncer;
  private readonly queue: PushQueue;
  private readonly coreFreeNs: Float64Array;
  private readonly xdsLatency: Sampler;
  private readonly random: RandomStream;
  private readonly cost: { edsNs: number; fullNs: number; perEndpointNs: number };
  private readonly known: number[][];
  private readonly knownDraining: number[];
  private readonly dirty: Set<number> = new Set();
  /** Route weights set since the last push, by service (a timeline `route:` shift). */
  private readonly routeChanges = new Map<number, Uint32Array>();
  private batchFirstChangeNs = Infinity;
  /** Connected proxies, dense, with each one's index for O(1) removal. */
  private readonly connected: number[] = [];
  private indexOf = new Int32Array(1024).fill(-1);
  private countFrom = new Int32Array(1024);
  private connectNs = new Float64Array(1024);
  private readonly pending: (ConfigVersion | undefined)[] = [];
  /** Endpoints carried by pushes up to each version, for the EDS cost of a merged push. */
  private readonly pushedEndpointsCum: number[] = [0];
  private readonly pushOf = new Map<number, PushRecord>();

  constructor(ctx: MeshContext, configs: ProxyConfigs, initial: ServiceEndpoints[]) {
    this.ctx = ctx;
    this.configs = configs;
    const cp = ctx.scenario.mesh.controlPlane;
    this.debouncer = new Debouncer(cp.debounceAfter, cp.debounceMax);
    this.queue = new PushQueue(cp.pushThrottle ?? Math.min(15 + 5 * cp.cpus, 100));
    this.coreFreeNs = new Float64Array(cp.cpus);
    this.xdsLatency = compileDistribution(cp.xdsLatency);
    this.random = ctx.rng.stream('istio/istiod/xds');
    this.cost = { edsNs: cp.pushCost.eds, fullNs: cp.pushCost.full, perEndpointNs: cp.pushCost.perEndpoint };
    this.known = initial.map((e) => [...e.pods]);
    this.knownDraining = initial.map((e) => e.draining);
    this.current = { version: 0, snapshots: initial.map((e, s) => this.snapshot(0, s, e.pods, e.draining)), routes: ctx.services.map((s) => s.route?.weights) };
  }

  /** Proxies present when the run starts have version 0 already. */
  connectSynced(proxy: number): void {
    this.addConnected(proxy);
    this.configs.apply(proxy, this.current, this.ctx.sim.nowNs, true);
  }

  /** A new proxy's xDS stream opens: it asks for its whole config. */
  connect(proxy: number): void {
    this.addConnected(proxy);
    this.connectNs[proxy] = this.ctx.sim.nowNs;
    this.queue.enqueue(proxy, true);
    this.pump();
  }

  disconnect(proxy: number): void {
    const i = proxy < this.indexOf.length ? this.indexOf[proxy]! : -1;
    if (i < 0) return;
    const last = this.connected.pop()!;
    if (last !== proxy) {
      this.connected[i] = last;
      this.indexOf[last] = i;
    }
    this.indexOf[proxy] = -1;
    this.queue.forget(proxy);
    this.pending[proxy] = undefined;
    for (let v = Math.max(this.configs.version(proxy), this.countFrom[proxy]!) + 1; v <= this.current.version; v++) {
      const p = this.pushOf.get(v);
      if (p) this.settle(p, -1);
    }
    this.configs.drop(proxy);
    this.pump();
  }

  isConnected(proxy: number): boolean {
    return proxy < this.indexOf.length && this.indexOf[proxy]! >= 0;
  }

  /** The EndpointSlice controller's view of a service reached istiod. */
  onEndpointSlice(service: number, endpoints: ServiceEndpoints, firstChangeNs: number): void {
    const before = this.known[service]!;
    const drainingBefore = this.knownDraining[service]!;
    this.known[service] = endpoints.pods;
    this.knownDraining[service] = endpoints.draining;
    // NoPush: nothing changed.
    if (sameMembers(before, endpoints.pods) && drainingBefore === endpoints.draining && !this.dirty.has(service)) return;
    this.dirty.add(service);
    this.batchFirstChangeNs = Math.min(this.batchFirstChangeNs, firstChangeNs);
    const armAt = this.debouncer.onEvent(this.ctx.sim.nowNs);
    if (armAt >= 0) this.ctx.sim.post(armAt, EventKind.ISTIOD_DEBOUNCE);
  }

  /**
   * A VirtualService's weights changed (kubernetes-istio.md §6): like any config change it is
   * debounced, and its push is a full one (RDS), not an EDS update.
   */
  setRouteWeights(service: number, weights: Uint32Array): void {
    this.routeChanges.set(service, weights);
    this.batchFirstChangeNs = Math.min(this.batchFirstChangeNs, this.ctx.sim.nowNs);
    const armAt = this.debouncer.onEvent(this.ctx.sim.nowNs);
    if (armAt >= 0) this.ctx.sim.post(armAt, EventKind.ISTIOD_DEBOUNCE);
  }

  /** The route weights of `service` as last set (pushed, or waiting for the next push). */
  routeWeights(service: number): Uint32Array | undefined {
    return this.routeChanges.get(service) ?? this.current.routes?.[service];
  }

  onDebounceTimer(): void {
    const rearm = this.debouncer.onTimer(this.ctx.sim.nowNs);
    if (rearm >= 0) this.ctx.sim.post(rearm, EventKind.ISTIOD_DEBOUNCE);
    else this.push();
  }

  /** The proxy applied the push it was sent. */
  onApply(proxy: number): void {
    const config = this.pending[proxy];
    this.pending[proxy] = undefined;
    this.queue.done(proxy);
    if (config && this.isConnected(proxy)) {
      const before = Math.max(this.configs.version(proxy), this.countFrom[proxy]!);
      const first = this.configs.version(proxy) < 0;
      this.configs.apply(proxy, config, this.ctx.sim.nowNs);
      for (let v = before + 1; v <= config.version; v++) {
        const p = this.pushOf.get(v);
        if (p) this.settle(p, this.ctx.sim.nowNs - p.firstChangeNs);
      }
      if (first) {
        this.initialConfigDelaysNs.push(this.ctx.sim.nowNs - this.connectNs[proxy]!);
        this.onConfigured(proxy);
      }
    }
    this.pump();
  }

  /** Ready endpoints istiod knows for a service (what its next push would send). */
  knownEndpoints(service: number): readonly number[] {
    return this.known[service]!;
  }

  /** Pushes built but not yet applied, and proxies waiting, for proxy-status. */
  hasPending(proxy: number): boolean {
    return this.pending[proxy] !== undefined;
  }

  /** Nothing left to propagate: no change waiting for a push, no push queued or in flight. */
  idle(): boolean {
    return this.dirty.size === 0 && this.routeChanges.size === 0 && this.debouncer.batchStartNs < 0 && this.queue.waiting === 0 && this.queue.inFlight === 0;
  }

  pushesInFlight(): number {
    return this.queue.inFlight;
  }

  pushThrottle(): number {
    return this.queue.throttle;
  }

  get connectedProxies(): readonly number[] {
    return this.connected;
  }

  private push(): void {
    const version = this.current.version + 1;
    const snapshots: EndpointSnapshot[] = [...this.current.snapshots];
    const full = this.routeChanges.size > 0;
    const services = [...new Set([...this.dirty, ...this.routeChanges.keys()])].sort((a, b) => a - b);
    let endpoints = 0;
    for (const s of this.dirty) {
      snapshots[s] = this.snapshot(version, s, this.known[s]!, this.knownDraining[s]!);
      endpoints += this.known[s]!.length;
    }
    let routes = this.current.routes;
    if (full) {
      const changed = [...(routes ?? [])];
      for (const [s, weights] of this.routeChanges) changed[s] = weights;
      routes = changed;
    }
    this.current = { version, snapshots, routes };
    this.dirty.clear();
    this.routeChanges.clear();
    this.pushedEndpointsCum[version] = this.pushedEndpointsCum[version - 1]! + endpoints;
    const record: PushRecord = { version, pushNs: this.ctx.sim.nowNs, firstChangeNs: this.batchFirstChangeNs, services, target: 0, delaysNs: [] };
    this.batchFirstChangeNs = Infinity;
    this.pushes.push(record);
    this.pushOf.set(version, record);
    for (const proxy of this.connected) {
      if (this.configs.version(proxy) < version) record.target++;
      this.queue.enqueue(proxy, full);
    }
    if (record.target === 0) this.pushOf.delete(version);
    this.pump();
  }

  /** One proxy of a push is settled: applied it (delay >= 0) or went away (-1). */
  private settle(p: PushRecord, delayNs: number): void {
    if (delayNs >= 0) p.delaysNs.push(delayNs);
    else p.target--;
    if (p.delaysNs.length >= p.target) this.pushOf.delete(p.version);
  }

  private pump(): void {
    for (let proxy = this.queue.next(); proxy >= 0; proxy = this.queue.next()) {
      const full = this.queue.takeFull(proxy);
      if (!this.isConnected(proxy)) {
        this.queue.done(proxy);
        continue;
      }
      this.send(proxy, full);
    }
  }

  /** Builds the proxy's config on the first free core, then it travels and is applied. */
  private send(proxy: number, full: boolean): void {
    const now = this.ctx.sim.nowNs;
    let core = 0;
    for (let c = 1; c < this.coreFreeNs.length; c++) if (this.coreFreeNs[c]! < this.coreFreeNs[core]!) core = c;
    const startNs = Math.max(now, this.coreFreeNs[core]!);
    const doneNs = startNs + this.costNs(proxy, full);
    this.coreFreeNs[core] = doneNs;
    this.pending[proxy] = this.current;
    this.ctx.sim.post(doneNs + this.xdsLatency.sample(this.random), EventKind.XDS_APPLY, proxy);
  }

  private snapshot(version: number, service: number, pods: readonly number[], draining: number): EndpointSnapshot {
    return buildSnapshot(version, pods, this.ctx.services[service]!.health.priority, draining);
  }

  private costNs(proxy: number, full: boolean): number {
    const total = this.totalEndpoints();
    if (full) return this.cost.fullNs + this.cost.perEndpointNs * total;
    const since = Math.max(0, this.configs.version(proxy));
    const changed = this.pushedEndpointsCum[this.current.version]! - this.pushedEndpointsCum[since]!;
    return this.cost.edsNs + this.cost.perEndpointNs * Math.min(total, changed);
  }

  private totalEndpoints(): number {
    let n = 0;
    for (const s of this.current.snapshots) n += s.hosts.length;
    return n;
  }

  private addConnected(proxy: number): void {
    this.indexOf = grownFor(this.indexOf, proxy, -1);
    this.countFrom = grownFor(this.countFrom, proxy);
    this.connectNs = grownFor(this.connectNs, proxy);
    this.indexOf[proxy] = this.connected.length;
    this.countFrom[proxy] = this.current.version;
    this.connected.push(proxy);
  }

}

function sameMembers(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
