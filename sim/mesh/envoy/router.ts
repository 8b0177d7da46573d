import { ResponseFlag } from '../../metrics/index.ts';
import type { MeshContext } from '../context.ts';
import { EventKind } from '../event-kinds.ts';
import {
  CLIENT_ENDED,
  CLIENT_OPEN,
  InvariantError,
  NONE,
  UP_DONE,
  UP_IN_FLIGHT,
} from '../traffic/requests.ts';
import { INGRESS_SERVICE, STARTING } from '../kube/pods.ts';
import { accessLogRecord } from './access-log-record.ts';
import { ActiveRequestTable, ClientActiveRequests } from './active-requests.ts';
import { EnvoyLoadBalancer, NO_HOST, type ClusterHosts } from './load-balancer.ts';
import type { ProxyConfigs } from './proxy-config.ts';
import { Detail, DETAIL_TEXT } from './response-details.ts';

/** Called once per request when its client side ends; `success` means a 2xx response. */
export type RequestEndedHandler = (request: number, success: boolean) => void;

/**
 * The client-side sidecar's router filter: picks an upstream host through the cluster's load
 * balancer over the endpoints of the config this proxy has applied (not istiod's latest: the
 * gap is the stale-endpoint window), arms the route timeout, sends, and ends the request exactly
 * once with a status code and Envoy response flags (envoy.md §4.3, §7). An app whose own sidecar
 * is not listening (starting, or exited) has its connection refused through the iptables
 * redirect (kubernetes-istio.md §1.1, §3.2): no response at all.
 */
export class Router {
  private readonly ctx: MeshContext;
  /**
   * The LB slot of each upstream for a client: slotOf[clientService + 1][target] (index 0 is
   * the ingress gateway). Pods of one service call the same upstreams, so slots are per service.
   */
  private readonly slotOf: Int32Array[];
  private readonly slotsPerPod: number;
  /**
   * Each client pod's load balancer per upstream slot, as an index into `lbs` (0 = not yet
   * created): lbOf[pod * slotsPerPod + slot].
   * NOTE (hot path): a flat typed array instead of an array per pod saved ~5% at 4000 pods.
   */
  private lbOf = new Int32Array(1024);
  private readonly lbs: EnvoyLoadBalancer[] = [];
  /** rq_active for every (client, host) pair with requests open. */
  private readonly active = new ActiveRequestTable();
  private readonly activeViews: ClientActiveRequests[] = [];
  onEnded: RequestEndedHandler = () => {};
  /**
   * Puts a request on the wire to its host, `latencyNs` one way. With connection tracking on,
   * world.ts points this at the connection pools (envoy/connection-pool.ts), which find or open
   * a connection first.
   */
  sendUpstream: (r: number, latencyNs: number) => void = (r, latencyNs) =>
    this.ctx.sim.postAfter(latencyNs, EventKind.REQUEST_ARRIVE, r, this.ctx.requests.gen[r]!);
  private readonly configs: ProxyConfigs;

  constructor(ctx: MeshContext, configs: ProxyConfigs) {
    this.ctx = ctx;
    this.configs = configs;
    const n = ctx.services.length;
    const gatewayTargets = ctx.scenario.workload.map((w) => ctx.services.findIndex((s) => s.name === w.to));
    const targets = [gatewayTargets, ...ctx.services.map((s) => s.calls.map((c) => c.target))];
    this.slotOf = targets.map((ts) => {
      const slots = new Int32Array(n).fill(-1);
      let next = 0;
      for (const t of ts) if (slots[t] === -1) slots[t] = next++;
      return slots;
    });
    this.slotsPerPod = Math.max(1, ...this.slotOf.map((slots) => slots.reduce((m, x) => Math.max(m, x + 1), 0)));
  }

  /**
   * Sends a request from `client`'s sidecar to `service`. Returns the request id. The request
   * may end before this returns (no healthy upstream).
   */
  send(client: number, service: number, parent: number, call: number, workload: number, workloadClient: number): number {
    const { requests: rq, sim, metrics } = this.ctx;
    const r = rq.alloc();
    rq.client[r] = client;
    rq.service[r] = service;
    rq.parent[r] = parent;
    rq.call[r] = call;
    rq.workload[r] = workload;
    rq.workloadClient[r] = workloadClient;
    rq.startNs[r] = sim.nowNs;
    rq.host[r] = NONE;
    metrics.started(service, sim.nowNs);
    if (workload !== NONE) metrics.started(this.ctx.workloadSeriesBase + workload, sim.nowNs);
    this.linkOutbound(client, r);
    if (!this.ctx.pods.sidecarListening(client) && this.ctx.pods.service[client] !== INGRESS_SERVICE) {
      this.refusedLocally(client, r);
      return r;
    }
    const snapshot = this.configs.snapshot(client, service);
    if (snapshot === undefined) {
      // Started without config (initial_fetch_timeout ran out): the cluster does not exist (envoy.md §7 NC).
      this.endClient(r, 503, ResponseFlag.NC, Detail.NO_CLUSTER);
      return r;
    }
    const host = this.pickHost(client, service, snapshot);
    if (host === NO_HOST) {
      // envoy.md §1.5 "Zero hosts": the LB returned nothing -> local reply 503, flag UH.
      this.endClient(r, 503, ResponseFlag.UH, Detail.NO_HEALTHY_UPSTREAM);
      return r;
    }
    rq.host[r] = host;
    rq.upState[r] = UP_IN_FLIGHT;
    this.active.add(client, host, 1);
    const line = this.ctx.services[service]!.timeoutLine;
    // envoy.md §4.3: the route timeout starts once the downstream request is complete (now).
    if (line) rq.timeoutHandle[r] = line.schedule(EventKind.ROUTE_TIMEOUT, r, rq.gen[r]!);
    this.sendUpstream(r, this.ctx.network.latencyNs(client, host));
    return r;
  }

  /** The upstream side answers (or is reset): the response travels back to the client sidecar. */
  deliverUpstream(r: number, code: number, flags: number, fromPod: number, detail: number = Detail.VIA_UPSTREAM): void {
    const rq = this.ctx.requests;
    rq.upCode[r] = code;
    rq.upFlags[r] = flags;
    rq.upDetail[r] = detail;
    this.ctx.sim.postAfter(this.ctx.network.latencyNs(fromPod, rq.client[r]!), EventKind.RESPONSE_ARRIVE, r, rq.gen[r]!);
  }

  onResponseArrive(r: number, gen: number): void {
    const rq = this.ctx.requests;
    rq.check(r, gen);
    rq.upState[r] = UP_DONE;
    if (rq.clientState[r] === CLIENT_OPEN) this.endClient(r, rq.upCode[r]!, rq.upFlags[r]!, rq.upDetail[r]!);
    else rq.release(r); // the client gave up earlier (timeout, or it died): discard the response
  }

  /** envoy.md §4.3: the route timeout answers 504 with flag UT; the upstream work goes on unseen. */
  onTimeout(r: number, gen: number): void {
    const rq = this.ctx.requests;
    rq.check(r, gen);
    rq.timeoutHandle[r] = 0;
    this.endClient(r, 504, ResponseFlag.UT, Detail.RESPONSE_TIMEOUT);
  }

  /**
   * The client pod's sidecar is gone (the pod died, or its Envoy exited): the app's open requests
   * end with no response (code 0, flag DC: the downstream connection was terminated).
   */
  abortOutbound(client: number): void {
    const pods = this.ctx.pods;
    while (pods.outHead[client] !== NONE) this.endClient(pods.outHead[client]!, 0, ResponseFlag.DC, Detail.LOCAL_EXITED);
  }

  /** No listener on the pod's outbound port: connection refused, before any Envoy saw it. */
  private refusedLocally(client: number, r: number): void {
    const service = this.ctx.pods.service[client]!;
    if (this.ctx.pods.phase[client] === STARTING) this.ctx.metrics.startupFailure(service);
    else this.ctx.metrics.shutdownFailure(service);
    this.endClient(r, 0, 0, Detail.LOCAL_REFUSED);
  }

  /** The one place a request ends. Throws if it ends twice. */
  endClient(r: number, code: number, flags: number, detail: number = Detail.VIA_UPSTREAM): void {
    const { requests: rq, sim, metrics } = this.ctx;
    if (rq.clientState[r] !== CLIENT_OPEN) throw new InvariantError(`request ${r} ended twice`);
    rq.clientState[r] = CLIENT_ENDED;
    rq.detail[r] = detail;
    const handle = rq.timeoutHandle[r]!;
    if (handle !== 0) this.ctx.services[rq.service[r]!]!.timeoutLine!.cancel(handle);
    const client = rq.client[r]!;
    this.unlinkOutbound(client, r);
    const host = rq.host[r]!;
    if (host !== NONE) this.active.add(client, host, -1);
    const start = rq.startNs[r]!;
    metrics.ended(rq.service[r]!, start, sim.nowNs, code, flags);
    const workload = rq.workload[r]!;
    if (workload !== NONE) metrics.ended(this.ctx.workloadSeriesBase + workload, start, sim.nowNs, code, flags);
    if (this.ctx.accessLog) this.log(r, code, flags);
    this.onEnded(r, code >= 200 && code < 300);
    // Never sent (UH) or already answered: both ends are done.
    if (rq.upState[r] !== UP_IN_FLIGHT) rq.release(r);
  }

  private pickHost(client: number, service: number, snapshot: ClusterHosts): number {
    const lb = this.loadBalancer(client, service);
    const panicBefore = lb.panicPicks;
    const host = lb.chooseHost(snapshot, this.activeViews[client]!);
    if (lb.panicPicks !== panicBefore) this.ctx.metrics.panicPick(service, this.ctx.sim.nowNs);
    return host;
  }

  private loadBalancer(client: number, service: number): EnvoyLoadBalancer {
    const cell = client * this.slotsPerPod + this.slotOf[this.ctx.pods.service[client]! + 1]![service]!;
    if (cell >= this.lbOf.length) this.growLbOf(cell);
    const index = this.lbOf[cell]!;
    if (index !== 0) return this.lbs[index - 1]!;
    const lb = new EnvoyLoadBalancer({ policy: this.ctx.services[service]!.lbPolicy }, this.ctx.pods.lbRandom[client]!);
    this.lbs.push(lb);
    this.lbOf[cell] = this.lbs.length;
    this.activeViews[client] ??= new ClientActiveRequests(this.active, client);
    return lb;
  }

  private growLbOf(cell: number): void {
    let n = this.lbOf.length;
    while (n <= cell) n *= 2;
    const bigger = new Int32Array(n);
    bigger.set(this.lbOf);
    this.lbOf = bigger;
  }

  private linkOutbound(client: number, r: number): void {
    const { requests: rq, pods } = this.ctx;
    const head = pods.outHead[client]!;
    rq.outPrev[r] = NONE;
    rq.outNext[r] = head;
    if (head !== NONE) rq.outPrev[head] = r;
    pods.outHead[client] = r;
  }

  private unlinkOutbound(client: number, r: number): void {
    const { requests: rq, pods } = this.ctx;
    const prev = rq.outPrev[r]!;
    const next = rq.outNext[r]!;
    if (prev !== NONE) rq.outNext[prev] = next;
    else pods.outHead[client] = next;
    if (next !== NONE) rq.outPrev[next] = prev;
  }

  private log(r: number, code: number, flags: number): void {
    this.ctx.accessLog!(accessLogRecord(this.ctx, r, code, flags, DETAIL_TEXT[this.ctx.requests.detail[r]!]!, this.ctx.sim.nowNs));
  }
}
