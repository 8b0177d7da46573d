import { NS_PER_MS, type DelayLine, type RandomStream } from '../../engine/index.ts';
import { ResponseFlag } from '../../metrics/index.ts';
import type { MeshContext } from '../context.ts';
import { upstreamsByClient } from '../service-model.ts';
import { EventKind } from '../event-kinds.ts';
import {
  CLIENT_ENDED,
  CLIENT_OPEN,
  InvariantError,
  NONE,
  PREV_HOSTS,
  ROW_ATTEMPT,
  ROW_REQUEST,
  UP_CONNECTING,
  UP_DONE,
  UP_IN_FLIGHT,
  UP_NOT_SENT,
} from '../traffic/requests.ts';
import { INGRESS_SERVICE, STARTING } from '../kube/pods.ts';
import { NO_ENDPOINT } from '../kube/kube-proxy.ts';
import type { RouteModel } from '../service-model.ts';
import { accessLogRecord } from './access-log-record.ts';
import { ActiveRequestTable, ClientActiveRequests } from './active-requests.ts';
import { EnvoyLoadBalancer, NO_HOST, type ClusterHosts } from './load-balancer.ts';
import type { ProxyConfigs } from './proxy-config.ts';
import { backoffMs, nextIntervalMs } from './backoff.ts';
import { ClusterResources } from './circuit-breaker.ts';
import { Detail, DETAIL_TEXT, RESET_REASON_OF_DETAIL } from './response-details.ts';
import type { HostHealth } from './host-health.ts';
import { Origin } from './outlier-detection.ts';
import { canCreateRetry } from './retry-budget.ts';
import { wouldRetry } from './retry-policy.ts';
import { pickWeightedCluster } from './weighted-clusters.ts';

/**
 * Outcomes that are a failed TCP connection, not an HTTP answer: a client without a sidecar sees
 * no status code for them (code 0), as no Envoy of its own turns them into a 503.
 */
const CONNECTION_LEVEL: Uint8Array = (() => {
  const t = new Uint8Array(32);
  for (const d of [Detail.UPSTREAM_RESET, Detail.UPSTREAM_REFUSED, Detail.CONNECT_TIMEOUT, Detail.CONNECT_FAILURE]) t[d] = 1;
  return t;
})();

/** Called once per request when its client side ends; `success` means a 2xx response. */
export type RequestEndedHandler = (request: number, success: boolean) => void;

/**
 * The client-side sidecar's router filter: picks an upstream host through the cluster's load
 * balancer over the endpoints of the config this proxy has applied (not istiod's latest: the
 * gap is the stale-endpoint window), arms the route timeout, sends attempts, retries them as the
 * route's retry policy says (envoy.md §4.1-4.4: retry_on, previous_hosts, jittered backoff,
 * per-try timeout, retries circuit breaker or budget), applies the cluster's circuit breakers
 * (§5), and ends the request exactly once with a status code and Envoy response flags (§4.3, §7). An app whose own sidecar
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
  /**
   * Whether sendUpstream goes through connection pools that call onAttemptSent once the request
   * is on a connection (world.ts sets it with connection tracking on). Off, the attempt is on
   * the wire as soon as it is dispatched.
   */
  pooledConnections = false;
  /**
   * The attempt's stream is reset while its request is out (timeout, or the caller gave up): with
   * connection pools, its HTTP/1.1 connection closes (world.ts points this at the pools).
   */
  resetUpstream: (a: number) => void = () => {};
  private readonly configs: ProxyConfigs;
  /** Circuit-breaker counts per (proxy, cluster) cell (envoy.md §5). */
  private readonly resources = new ClusterResources();
  private readonly backoffStreams: (RandomStream | undefined)[] = [];
  private readonly health: HostHealth;
  private readonly routeStreams: (RandomStream | undefined)[] = [];
  /**
   * The pseudo-pod that stands for clients without a sidecar (workloads via kube-proxy), or -1:
   * its requests have no client Envoy (no retries, timeouts, breakers, LB or flags of its own).
   */
  clientWithoutSidecar = -1;

  constructor(ctx: MeshContext, configs: ProxyConfigs, health: HostHealth) {
    this.health = health;
    this.ctx = ctx;
    this.configs = configs;
    const n = ctx.services.length;
    // Startup calls have their slots too: without one, a call would land in a neighbour's cell.
    this.slotOf = upstreamsByClient(ctx.scenario, ctx.services).map((ts) => {
      const slots = new Int32Array(n).fill(-1);
      ts.forEach((t, slot) => (slots[t] = slot));
      return slots;
    });
    this.slotsPerPod = Math.max(1, ...this.slotOf.map((slots) => slots.reduce((m, x) => Math.max(m, x + 1), 0)));
  }

  /**
   * Sends a request from `client`'s sidecar to `service`. Returns the request id. The request
   * may end before this returns (no healthy upstream). `deadlineNs` is the caller's deadline
   * (deadline propagation), Infinity for none.
   */
  send(client: number, service: number, parent: number, call: number, workload: number, workloadClient: number, deadlineNs = Infinity): number {
    const refused = !this.ctx.pods.sidecarListening(client) && this.ctx.pods.service[client] !== INGRESS_SERVICE;
    // A request its sidecar refuses, or that finds no config (503 NC), meets no route: it stays
    // the addressed service's.
    const route = this.ctx.services[service]!.route;
    if (route !== undefined && !refused && this.configs.version(client) >= 0) service = this.routeDestination(client, service, route);
    const { requests: rq, sim, metrics } = this.ctx;
    const r = rq.alloc();
    rq.client[r] = client;
    rq.service[r] = service;
    rq.parent[r] = parent;
    rq.parentGen[r] = parent === NONE ? 0 : rq.gen[parent]!;
    rq.call[r] = call;
    rq.workload[r] = workload;
    rq.workloadClient[r] = workloadClient;
    rq.startNs[r] = sim.nowNs;
    rq.host[r] = NONE;
    rq.deadlineNs[r] = deadlineNs;
    const policy = this.ctx.services[service]!.retry;
    rq.retriesLeft[r] = policy.numRetries;
    rq.backoffMs[r] = policy.baseIntervalMs;
    metrics.started(service, sim.nowNs);
    if (workload !== NONE) metrics.started(this.ctx.workloadSeriesBase + workload, sim.nowNs);
    this.linkOutbound(client, r);
    if (refused) {
      this.refusedLocally(client, r);
      return r;
    }
    this.startAttempt(r);
    return r;
  }

  /**
   * The destination of a routed request, on the route config this proxy applied
   * (weighted-clusters.ts); a lone destination takes every request whatever its weight
   * (kubernetes-istio.md §6: Istio then routes to a plain cluster).
   */
  private routeDestination(client: number, service: number, route: RouteModel): number {
    if (route.destinations.length === 1) return route.destinations[0]!;
    const weights = this.configs.routeWeights(client, service) ?? route.weights;
    const random = (this.routeStreams[client] ??= this.ctx.rng.stream(`pod/${this.ctx.pods.names[client]}/route`));
    const i = pickWeightedCluster(weights, random.nextU32());
    if (i < 0) throw new InvariantError(`route of ${this.ctx.services[service]!.name}: its weights sum to 0`);
    return route.destinations[i]!;
  }

  /**
   * A request from a client without a sidecar, which kube-proxy DNATed to `host` (NO_ENDPOINT:
   * none, the connection is refused): straight onto the wire, one attempt, no timeout, counted
   * under the service whose pod it reached (kubernetes-istio.md §5-6).
   * NOTE (hot path): its row is filled as send() fills one, written out in both: a shared helper
   * called from send() measured 2-4% slower on the yardstick (four alternated pairs).
   */
  sendWithoutSidecar(kubeService: number, host: number, workload: number, workloadClient: number): number {
    const { requests: rq, sim, metrics } = this.ctx;
    const client = this.clientWithoutSidecar;
    const service = host === NO_ENDPOINT ? kubeService : this.ctx.pods.service[host]!;
    const r = rq.alloc();
    rq.client[r] = client;
    rq.service[r] = service;
    rq.parent[r] = NONE;
    rq.parentGen[r] = 0;
    rq.call[r] = NONE;
    rq.workload[r] = workload;
    rq.workloadClient[r] = workloadClient;
    rq.startNs[r] = sim.nowNs;
    rq.host[r] = NONE;
    rq.deadlineNs[r] = Infinity;
    rq.retriesLeft[r] = 0;
    rq.backoffMs[r] = 0;
    metrics.started(service, sim.nowNs);
    metrics.started(this.ctx.workloadSeriesBase + workload, sim.nowNs);
    this.linkOutbound(client, r);
    if (host === NO_ENDPOINT) {
      this.endClient(r, 0, 0, Detail.NO_ENDPOINTS);
      return r;
    }
    const a = this.newAttempt(r, host);
    rq.upState[a] = UP_IN_FLIGHT;
    rq.deadlineNs[a] = Infinity;
    metrics.attempt(service, sim.nowNs);
    this.dispatchAttempt(a, host);
    return r;
  }

  /**
   * Picks a host and sends the request's next attempt, or ends the request when there is no
   * cluster (NC), no host (UH) or a circuit breaker overflows (UO, never retried: envoy.md §5).
   */
  private startAttempt(r: number): void {
    const rq = this.ctx.requests;
    const client = rq.client[r]!;
    const service = rq.service[r]!;
    const snapshot = this.configs.snapshot(client, service);
    if (snapshot === undefined) {
      // Started without config (initial_fetch_timeout ran out): the cluster does not exist (envoy.md §7 NC).
      return this.failAttempt(r, 503, ResponseFlag.NC, Detail.NO_CLUSTER);
    }
    // With active HC or outlier detection the proxy routes with its own host set (host-health.ts).
    const cluster = this.health.cluster(client, service);
    if (cluster) cluster.hadTraffic = true;
    const host = this.pickHost(r, client, service, cluster ?? snapshot);
    if (host === NO_HOST) {
      // envoy.md §1.5 "Zero hosts": the LB returned nothing -> local reply 503, flag UH.
      return this.failAttempt(r, 503, ResponseFlag.UH, Detail.NO_HEALTHY_UPSTREAM);
    }
    const svc = this.ctx.services[service]!;
    if (rq.attemptNo[r] === 0) {
      // envoy.md §4.3: the route timeout starts once the downstream request is complete (now)
      // and covers every retry.
      const line = svc.timeoutLine;
      if (line) rq.timeoutHandle[r] = line.schedule(EventKind.ROUTE_TIMEOUT, r, rq.gen[r]!);
    }
    const cell = this.cellOf(client, service);
    const res = this.resources;
    const breaker = svc.breaker;
    let queue = false;
    if (breaker.limitsRequests) {
      // envoy.md §5: HTTP/1.1 pools carry one request per connection, so with max_connections
      // busy a request waits as pending (max_pending_requests); an HTTP/2 pool multiplexes, so
      // only max_requests caps its requests in flight.
      // Connections: requests on one, and (with pools) requests whose own connect is under way.
      if (!svc.connectionPool.http2 && res.active[cell]! + res.connecting[cell]! >= breaker.maxConnections) {
        if (res.pending[cell]! >= breaker.maxPendingRequests) return this.overflow(r);
        queue = true;
      } else if (res.active[cell]! >= breaker.maxRequests) return this.overflow(r);
    }
    const a = this.newAttempt(r, host);
    if (queue) this.enqueuePending(cell, a);
    else this.attach(a, cell);
  }

  /** A circuit breaker overflowed: 503 UO with x-envoy-overloaded (envoy.md §5). */
  private overflow(r: number): void {
    this.failAttempt(r, 503, ResponseFlag.UO, Detail.OVERFLOW);
  }

  /**
   * The attempt could not be made: the request ends with a local reply. On a retry the attempt
   * count already went up (router.cc doRetry), so the request's line says which try failed.
   */
  private failAttempt(r: number, code: number, flags: number, detail: number): void {
    const rq = this.ctx.requests;
    if (rq.attemptNo[r]! > 0) rq.attemptNo[r]!++;
    this.endClient(r, code, flags, detail);
  }

  private newAttempt(r: number, host: number): number {
    const rq = this.ctx.requests;
    const a = rq.alloc(ROW_ATTEMPT);
    rq.kind[a] = ROW_ATTEMPT;
    rq.owner[a] = r;
    rq.owner[r] = a;
    rq.client[a] = rq.client[r]!;
    rq.service[a] = rq.service[r]!;
    rq.parent[a] = NONE;
    rq.workload[a] = NONE;
    rq.host[a] = host;
    rq.host[r] = host;
    rq.startNs[a] = this.ctx.sim.nowNs;
    const n = ++rq.attemptNo[r]!;
    rq.attemptNo[a] = n;
    rq.prevHosts[r * PREV_HOSTS + ((n - 1) % PREV_HOSTS)] = host;
    return a;
  }

  /** The attempt gets its stream: rq_active counts it, its per-try timer starts (envoy.md §4.3), it is sent. */
  private attach(a: number, cell: number): void {
    const { requests: rq, sim } = this.ctx;
    const client = rq.client[a]!;
    const host = rq.host[a]!;
    const svc = this.ctx.services[rq.service[a]!]!;
    if (this.pooledConnections) {
      // envoy.md §5: the stream is pending until its pool attaches it to a connection
      // (onAttemptSent); only then does it count in rq_active, which least request reads.
      rq.upState[a] = UP_CONNECTING;
      this.resources.pending[cell]!++;
      this.resources.connecting[cell]!++;
    } else {
      rq.upState[a] = UP_IN_FLIGHT;
      this.active.add(client, host, 1);
      this.resources.active[cell]!++;
    }
    this.ctx.metrics.attempt(svc.id, sim.nowNs);
    // The callee's deadline (Envoy's x-envoy-expected-rq-timeout-ms, envoy.md §4.5): the per-try
    // timeout, or what is left of the route timeout, and never later than the caller's own.
    const r = rq.owner[a]!;
    let deadline = rq.deadlineNs[r]!;
    if (svc.timeoutNs > 0) deadline = Math.min(deadline, rq.startNs[r]! + svc.timeoutNs);
    rq.deadlineNs[a] = deadline;
    // envoy.md §4.3: the per-try timer starts once the request is on an upstream stream. Without
    // connection pools that is now; with them, once the pool has a connection (onAttemptSent).
    if (!this.pooledConnections) this.armPerTry(a, svc.perTryLine);
    this.dispatchAttempt(a, host);
  }

  /**
   * The connection pool put attempt `a` on a connection (envoy.md §4.3: the request is attached
   * to its upstream stream): its per-try timer starts now. (An attempt given up while it waited
   * is dropped by its pool, never sent.)
   */
  onAttemptSent(a: number): void {
    const rq = this.ctx.requests;
    if (rq.clientState[a] !== CLIENT_OPEN) throw new InvariantError(`attempt ${a} sent after its request gave it up`);
    this.connected(a);
    this.armPerTry(a, this.ctx.services[rq.service[a]!]!.perTryLine);
  }

  /**
   * Pending attempt `a` (UP_CONNECTING) is attached to a connection: pending to active
   * (ConnPoolImplBase::attachStreamToClient increments the host's rq_active there).
   */
  private connected(a: number): void {
    const rq = this.ctx.requests;
    const client = rq.client[a]!;
    const cell = this.cellOf(client, rq.service[a]!);
    const res = this.resources;
    res.pending[cell]!--;
    res.connecting[cell]!--;
    res.active[cell]!++;
    this.active.add(client, rq.host[a]!, 1);
    rq.upState[a] = UP_IN_FLIGHT;
  }

  /**
   * envoy.md §5: a pool with no ready connection queues the stream only while the cluster's
   * pending requests (this one counted already) are below max_pending_requests.
   */
  mayWaitForConnection(a: number): boolean {
    const rq = this.ctx.requests;
    const breaker = this.ctx.services[rq.service[a]!]!.breaker;
    if (!breaker.limitsRequests) return true;
    return this.resources.pending[this.cellOf(rq.client[a]!, rq.service[a]!)]! - 1 < breaker.maxPendingRequests;
  }

  /** envoy.md §5: max_requests is checked as a pending stream is attached to a connection (conn_pool_base.cc). */
  mayAttach(a: number): boolean {
    const rq = this.ctx.requests;
    const breaker = this.ctx.services[rq.service[a]!]!.breaker;
    if (!breaker.limitsRequests) return true;
    return this.resources.active[this.cellOf(rq.client[a]!, rq.service[a]!)]! < breaker.maxRequests;
  }

  /**
   * The pool refused to queue attempt `a` (max_pending_requests) or to attach it (max_requests): 503 UO, x-envoy-overloaded,
   * never retried, no outlier charge (envoy.md §5 "What an overflow looks like").
   */
  poolOverflow(a: number): void {
    const rq = this.ctx.requests;
    this.connected(a); // counted as an attached stream for one moment, so detaching it balances
    rq.upState[a] = UP_DONE;
    this.finishWith(a, rq.owner[a]!, 503, ResponseFlag.UO, Detail.OVERFLOW);
  }

  /** Arms attempt a's per-try timeout (if the route has one) and bounds its deadline by it (envoy.md §4.3, §4.5). */
  private armPerTry(a: number, perTry: DelayLine | undefined): void {
    if (!perTry) return;
    const rq = this.ctx.requests;
    rq.timeoutHandle[a] = perTry.schedule(EventKind.PER_TRY_TIMEOUT, a, rq.gen[a]!);
    rq.deadlineNs[a] = Math.min(rq.deadlineNs[a]!, this.ctx.sim.nowNs + perTry.delayNs);
  }

  /** The one place an attempt leaves for its host (connection establishment hooks in here). */
  private dispatchAttempt(a: number, host: number): void {
    this.sendUpstream(a, this.ctx.network.latencyNs(this.ctx.requests.client[a]!, host));
  }

  private enqueuePending(cell: number, a: number): void {
    const { requests: rq } = this.ctx;
    const res = this.resources;
    res.pending[cell]!++;
    rq.queueNext[a] = NONE;
    const tail = res.pendingTail[cell]!;
    if (tail === NONE) res.pendingHead[cell] = a;
    else rq.queueNext[tail] = a;
    res.pendingTail[cell] = a;
  }

  /** A connection freed up: the oldest pending attempt still wanted gets it. */
  private attachPending(cell: number): void {
    const { requests: rq } = this.ctx;
    const res = this.resources;
    for (let a = res.pendingHead[cell]!; a !== NONE; a = res.pendingHead[cell]!) {
      res.pendingHead[cell] = rq.queueNext[a]!;
      if (res.pendingHead[cell] === NONE) res.pendingTail[cell] = NONE;
      if (rq.clientState[a] !== CLIENT_OPEN) {
        rq.release(a); // detached while pending (its request ended)
        continue;
      }
      res.pending[cell]!--;
      this.attach(a, cell);
      return;
    }
  }

  /** The upstream side answers (or is reset): the response travels back to the client sidecar. */
  deliverUpstream(a: number, code: number, flags: number, fromPod: number, detail: number = Detail.VIA_UPSTREAM): void {
    const rq = this.ctx.requests;
    rq.upCode[a] = code;
    rq.upFlags[a] = flags;
    rq.upDetail[a] = detail;
    this.ctx.sim.postAfter(this.ctx.network.latencyNs(fromPod, rq.client[a]!), EventKind.RESPONSE_ARRIVE, a, rq.gen[a]!);
  }

  onResponseArrive(a: number, gen: number): void {
    const rq = this.ctx.requests;
    rq.check(a, gen);
    // A pending attempt failed by its pool (503 UF) never had a connection: counted as attached
    // for this moment, so that detaching it balances.
    if (rq.upState[a] === UP_CONNECTING && rq.clientState[a] === CLIENT_OPEN) this.connected(a);
    rq.upState[a] = UP_DONE;
    if (rq.clientState[a] === CLIENT_OPEN) this.attemptEnded(a, rq.upCode[a]!, rq.upFlags[a]!, rq.upDetail[a]!);
    else rq.release(a); // nobody waits for it any more (timeout, or the caller died): discard the response
  }

  /** envoy.md §4.3: the per-try timeout resets the attempt (LocalReset); retried or 504 UT. */
  onPerTryTimeout(a: number, gen: number): void {
    const rq = this.ctx.requests;
    rq.check(a, gen);
    rq.timeoutHandle[a] = 0;
    this.attemptEnded(a, 504, ResponseFlag.UT, Detail.PER_TRY_TIMEOUT);
  }

  /**
   * The one place an upstream attempt's outcome (host, code, flags, detail) is decided on:
   * Envoy's RetryStateImpl::shouldRetry (envoy.md §4.1 decision order), then either a retry
   * after a jittered backoff (§4.2) or the end of the request with this outcome.
   */
  private attemptEnded(a: number, code: number, flags: number, detail: number): void {
    const { requests: rq, sim, metrics } = this.ctx;
    const r = rq.owner[a]!;
    const service = rq.service[r]!;
    if (rq.client[a] === this.clientWithoutSidecar) return this.finishWith(a, r, CONNECTION_LEVEL[detail] ? 0 : code, 0, detail);
    const svc = this.ctx.services[service]!;
    const policy = svc.retry;
    if (this.health.enabled) this.reportOutlier(a, code, detail);
    // NOTE (hot path): a plain 2xx answer to a request holding no retry is never retried by any
    // retry_on token (unless a 2xx is listed as retriable, which the check keeps honest).
    if (detail === Detail.VIA_UPSTREAM && code >= 200 && code < 300 && rq.retryHeld[r] === 0 && policy.retriableStatusCodes.length === 0) {
      return this.finishWith(a, r, code, flags, detail);
    }
    // resetRetry(): a retry scheduled earlier is resolved by this outcome.
    this.releaseRetry(r);
    // 1. The policy would not retry (num_retries 0: Istio's attempts 0 disables it, §4.6).
    if (policy.numRetries === 0 || !wouldRetry(policy, code, RESET_REASON_OF_DETAIL[detail]!)) return this.finishWith(a, r, code, flags, detail);
    // 2. retries_remaining == 0: URX (set before the reset flag, envoy.md §7).
    if (rq.retriesLeft[r] === 0) return this.finishWith(a, r, code, flags | ResponseFlag.URX, detail);
    // 3.
    rq.retriesLeft[r]!--;
    // 4. The retries resource (max_retries or the budget over active + pending, §4.4); on
    //    overflow the upstream's own response is returned, flagged UO (router.cc:1812-1815).
    const cell = this.cellOf(rq.client[r]!, service);
    const res = this.resources;
    const b = svc.breaker;
    if (!canCreateRetry(res.retries[cell]!, b.maxRetries, b.retryBudget, res.active[cell]!, res.pending[cell]!)) {
      metrics.retryOverflow(service, sim.nowNs);
      return this.finishWith(a, r, code, flags | ResponseFlag.UO, detail);
    }
    // 5. The retry is counted and its backoff timer armed.
    res.retries[cell]!++;
    rq.retryHeld[r] = 1;
    metrics.retry(service, sim.nowNs);
    if (this.ctx.accessLog) this.ctx.accessLog(accessLogRecord(this.ctx, r, code, flags, DETAIL_TEXT[detail]!, sim.nowNs, a));
    this.detachAttempt(a);
    const interval = rq.backoffMs[r]!;
    const waitMs = backoffMs(this.backoffRandom(rq.client[r]!).nextU32(), interval);
    rq.backoffMs[r] = nextIntervalMs(interval, policy.maxIntervalMs);
    rq.backoffHandle[r] = sim.after(waitMs * NS_PER_MS, EventKind.RETRY_BACKOFF, r, rq.gen[r]!);
  }

  /** envoy.md §3.2: timeouts, resets and refused connects are local-origin failures; the rest are HTTP codes. */
  private reportOutlier(a: number, code: number, detail: number): void {
    const rq = this.ctx.requests;
    const origin =
      detail === Detail.PER_TRY_TIMEOUT || detail === Detail.RESPONSE_TIMEOUT
        ? Origin.LOCAL_TIMEOUT
        : detail === Detail.UPSTREAM_REFUSED || detail === Detail.UPSTREAM_RESET || detail === Detail.CONNECT_TIMEOUT || detail === Detail.CONNECT_FAILURE
          ? Origin.LOCAL_CONNECT_FAILED
          : Origin.EXTERNAL;
    this.health.onAttemptResult(rq.client[a]!, rq.service[a]!, rq.host[a]!, code, origin);
  }

  /** rq_active of `client`'s proxy towards `host` (the proxy-config view). */
  rqActive(client: number, host: number): number {
    return this.active.get(client, host);
  }

  private finishWith(a: number, r: number, code: number, flags: number, detail: number): void {
    this.detachAttempt(a);
    this.endClient(r, code, flags, detail);
  }

  /** The backoff ran out: the next attempt (envoy.md §4.2). */
  onRetryBackoff(r: number, gen: number): void {
    const rq = this.ctx.requests;
    rq.check(r, gen);
    rq.backoffHandle[r] = 0;
    this.startAttempt(r);
  }

  /** The request stops waiting for attempt `a`: its per-try timer and its rq_active go; its work, if sent, goes on unseen. */
  private detachAttempt(a: number): void {
    const rq = this.ctx.requests;
    const r = rq.owner[a]!;
    if (rq.owner[r] === a) rq.owner[r] = NONE;
    rq.clientState[a] = CLIENT_ENDED;
    const handle = rq.timeoutHandle[a]!;
    if (handle !== 0) this.ctx.services[rq.service[a]!]!.perTryLine!.cancel(handle);
    rq.timeoutHandle[a] = 0;
    const client = rq.client[a]!;
    if (client === this.clientWithoutSidecar) {
      // No Envoy counted it: the row goes once its answer is in (it always is, by then).
      if (rq.upState[a] !== UP_IN_FLIGHT) rq.release(a);
      return;
    }
    const cell = this.cellOf(client, rq.service[a]!);
    const res = this.resources;
    if (rq.upState[a] === UP_NOT_SENT) {
      res.pending[cell]!--; // still in the pending FIFO: released when it reaches the head
      return;
    }
    if (rq.upState[a] === UP_CONNECTING) {
      // Still waiting in its pool, which drops it when its turn comes (connection-pool.ts
      // stillWanted); or failed by it already, and released when that answer arrives.
      res.pending[cell]!--;
      res.connecting[cell]!--;
      if (res.pending[cell]! > 0) this.attachPending(cell);
      return;
    }
    this.active.add(client, rq.host[a]!, -1);
    res.active[cell]!--;
    if (rq.upState[a] !== UP_IN_FLIGHT) rq.release(a);
    else this.resetUpstream(a); // its work goes on unseen; the row waits for the answer
    if (res.pending[cell]! > 0) this.attachPending(cell);
  }

  /** Returns the cluster's retries resource if the request holds it (resetRetry, envoy.md §4.4). */
  private releaseRetry(r: number): void {
    const rq = this.ctx.requests;
    if (rq.retryHeld[r] === 0) return;
    rq.retryHeld[r] = 0;
    this.resources.retries[this.cellOf(rq.client[r]!, rq.service[r]!)]!--;
  }

  /** envoy.md §4.3: the route timeout answers 504 with flag UT, no retry; the upstream work goes on unseen. */
  onTimeout(r: number, gen: number): void {
    const rq = this.ctx.requests;
    rq.check(r, gen);
    rq.timeoutHandle[r] = 0;
    // The attempt in flight, if any, is reset by the route timeout: outlier detection sees a timeout.
    const a = rq.owner[r]!;
    // A stream still pending (no connection yet) has no upstream host to charge.
    if (this.health.enabled && a !== NONE && rq.upState[a] !== UP_NOT_SENT && rq.upState[a] !== UP_CONNECTING) this.reportOutlier(a, 504, Detail.RESPONSE_TIMEOUT);
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

  /** The calling app closed the stream (its own client timed out): code 0, flag DC. */
  cancelByApp(r: number): void {
    this.endClient(r, 0, ResponseFlag.DC, Detail.APP_CLIENT_TIMEOUT);
  }

  /** The calling app abandoned request r (the job that made it timed out): code 0 DC. */
  abandonByApp(r: number): void {
    this.endClient(r, 0, ResponseFlag.DC, Detail.APP_ABANDONED);
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
    if (rq.clientState[r] !== CLIENT_OPEN || rq.kind[r] !== ROW_REQUEST) throw new InvariantError(`request ${r} ended twice`);
    rq.clientState[r] = CLIENT_ENDED;
    rq.detail[r] = detail;
    const handle = rq.timeoutHandle[r]!;
    if (handle !== 0) this.ctx.services[rq.service[r]!]!.timeoutLine!.cancel(handle);
    rq.timeoutHandle[r] = 0;
    if (rq.backoffHandle[r] !== 0) sim.cancel(rq.backoffHandle[r]!);
    rq.backoffHandle[r] = 0;
    this.releaseRetry(r);
    const a = rq.owner[r]!;
    if (a !== NONE) this.detachAttempt(a);
    const client = rq.client[r]!;
    this.unlinkOutbound(client, r);
    const start = rq.startNs[r]!;
    metrics.ended(rq.service[r]!, start, sim.nowNs, code, flags);
    const workload = rq.workload[r]!;
    if (workload !== NONE) metrics.ended(this.ctx.workloadSeriesBase + workload, start, sim.nowNs, code, flags);
    if (this.ctx.accessLog) this.log(r, code, flags);
    this.onEnded(r, code >= 200 && code < 300);
    rq.release(r);
  }

  /**
   * The one place hosts are chosen: the cluster's LB, and on a retry Istio's previous_hosts
   * predicate, which re-picks up to host_selection_retry_max_attempts times and then keeps the
   * last pick (envoy.md §4.1, §4.6; load_balancer_impl.cc:658-676).
   */
  private pickHost(r: number, client: number, service: number, snapshot: ClusterHosts): number {
    const lb = this.loadBalancer(client, service);
    const view = this.activeViews[client]!;
    const panicBefore = lb.panicPicks;
    let host = lb.chooseHost(snapshot, view);
    const policy = this.ctx.services[service]!.retry;
    if (this.ctx.requests.attemptNo[r]! > 0 && policy.previousHosts) {
      for (let i = 0; i < policy.hostSelectionRetryMaxAttempts && host !== NO_HOST && this.triedHost(r, host); i++) host = lb.chooseHost(snapshot, view);
    }
    for (let k = lb.panicPicks - panicBefore; k > 0; k--) this.ctx.metrics.panicPick(service, this.ctx.sim.nowNs);
    return host;
  }

  private triedHost(r: number, host: number): boolean {
    const rq = this.ctx.requests;
    const n = Math.min(rq.attemptNo[r]!, PREV_HOSTS);
    for (let k = 0; k < n; k++) if (rq.prevHosts[r * PREV_HOSTS + k] === host) return true;
    return false;
  }

  /** The (proxy, cluster) cell: the index of the client's LB and circuit-breaker counts for `service`. */
  private cellOf(client: number, service: number): number {
    return client * this.slotsPerPod + this.slotOf[this.ctx.pods.service[client]! + 1]![service]!;
  }

  /** The client pod's stream for retry backoff jitter, created on its first retry (so no other stream's draws move). */
  private backoffRandom(client: number): RandomStream {
    return (this.backoffStreams[client] ??= this.ctx.rng.stream(`pod/${this.ctx.pods.names[client]}/retry-backoff`));
  }

  private loadBalancer(client: number, service: number): EnvoyLoadBalancer {
    const cell = this.cellOf(client, service);
    if (cell >= this.lbOf.length) this.growLbOf(cell);
    const index = this.lbOf[cell]!;
    if (index !== 0) return this.lbs[index - 1]!;
    const lb = new EnvoyLoadBalancer({ policy: this.ctx.services[service]!.lbPolicy }, this.ctx.pods.lbRandom[client]!);
    this.lbs.push(lb);
    this.lbOf[cell] = this.lbs.length;
    this.resources.ensure(cell);
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
