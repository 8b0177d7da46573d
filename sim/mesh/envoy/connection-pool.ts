import type { DelayLine, RandomStream } from '../../engine/index.ts';
import { ResponseFlag } from '../../metrics/index.ts';
import type { MeshContext } from '../context.ts';
import { EventKind } from '../event-kinds.ts';
import { INGRESS_SERVICE } from '../kube/pods.ts';
import { CLIENT_OPEN, UP_DONE } from '../traffic/requests.ts';
import { CT_ESTABLISHED, CT_SYN_SENT, CT_TIME_WAIT } from '../linux/conntrack-states.ts';
import type { ConntrackTables } from '../linux/conntrack-tables.ts';
import { CONNECTED, MAX_PATH, TcpConnects } from '../linux/tcp-connect.ts';
import type { SynSchedule } from '../linux/syn-retransmit.ts';
import { ConnectionsByPair } from './connections-by-pair.ts';
import { IdleWheel } from './idle-queue.ts';
import { isLone, lone, LONE_BUSY_NEW, loneBusy, loneDeadlineSlot, loneQueued, loneTaken, MAX_DEADLINE_SLOT } from './lone-pool.ts';
import { FULL, PoolSlots } from './pool-slots.ts';
import { Detail } from './response-details.ts';

/** reqSlot[r]: not a request this layer dispatched. */
const NOT_OURS = -1;
/** reqSlot[r]: dispatched, but it holds no connection (waiting, or failed). */
const NO_CONNECTION = -2;
/** reqSlot[r]: its stream was reset on its connection, which closed; it still holds its inbound leg until the host answers. */
const RESET = -3;

export type UpstreamFailure = (r: number, code: number, flags: number, fromPod: number, detail: number) => void;

/**
 * Envoy's upstream connection pools (envoy.md §5, conntrack.md §3.1): one per (client sidecar,
 * upstream host, worker thread), created lazily on first use. HTTP/1.1 pools run one request per
 * connection at a time and open a new connection whenever none is idle; HTTP/2 pools multiplex
 * every request on one connection. A request that finds no ready connection waits in its pool
 * while a connect runs through the kernel and conntrack (linux/tcp-connect.ts); Envoy's connect
 * timeout (conntrack.md §2.2) abandons it, and a failed connect fails every request waiting in
 * that pool with 503 UF (Envoy source/common/conn_pool/conn_pool_base.cc, onConnectionEvent:
 * "If we see a connect failure, we purge all pending streams"; checked in Envoy's source). Idle connections close after the idle timeout; their entries go to TIME_WAIT.
 *
 * A pool is counters, not connection objects: open, idle, busy and connecting connections. Most
 * pools at scale hold one connection and nothing else, and keep that state in their slot
 * (lone-pool.ts); the rest have a full record, indexed by pool id. Everything outside this class
 * (requests, the idle wheel, connect attempts) names a pool by its slot.
 * Simplifications (README "Connections and conntrack"): a pool's idle connections share one
 * idle clock (all close together once the pool has been idle for idleTimeout), and
 * maxRequestsPerConnection counts requests per pool, closing a connection every N responses.
 */
export class ConnectionPools {
  private readonly ctx: MeshContext;
  readonly tables: ConntrackTables;
  readonly tcp: TcpConnects;
  private readonly fail: UpstreamFailure;
  /**
   * Called as request r goes out on a connection (envoy.md §4.3: the request is attached to its
   * upstream stream, which starts its per-try timer). world.ts points it at the router.
   */
  onSent: (r: number) => void = () => {};
  /** Whether request r, finding no ready connection, may wait for one (max_pending_requests; the router). */
  mayWait: (r: number) => boolean = () => true;
  /** Whether waiting request r may be attached to a connection now (max_requests; the router). */
  mayAttach: (r: number) => boolean = () => true;
  /** Request r may not wait: the router ends it with 503 UO (envoy.md §5). */
  onOverflow: (r: number) => void = () => {};
  readonly slots: PoolSlots;
  /** Pools created (triples used at least once). */
  poolCount = 0;
  // Per pool with a full record (struct of arrays, by pool id in creation order).
  private fullCount = 0;
  private slotOf = new Int32Array(1024);
  private open = new Int32Array(1024);
  private idle = new Int32Array(1024);
  private busy = new Int32Array(1024);
  private connecting = new Int32Array(1024);
  private served = new Int32Array(1024);
  private idleSinceNs = new Float64Array(1024);
  /**
   * Draining connections (envoy.md §2.3 item 8): open, carrying a stream, never reused, closed
   * once free. HTTP/1.1: one per busy connection at the drain; HTTP/2: every connection open at
   * the drain, closed together once their streams have ended.
   */
  private draining = new Int32Array(1024);
  /** HTTP/2: streams still on the draining connections (the next responses are theirs). */
  private drainStreams = new Int32Array(1024);
  /**
   * Requests waiting for a connection, per pool that has any (rare: only while a connect waits),
   * as pairs (request id, its generation then).
   */
  private readonly pending = new Map<number, number[]>();
  // Per request id: the slot of the pool whose connection it holds, or NOT_OURS / NO_CONNECTION / RESET.
  private reqSlot = new Int32Array(4096).fill(NOT_OURS);
  /** Per downstream request row: 1 while it holds its app -> sidecar leg (counted once per request). */
  private outLeg = new Uint8Array(4096);
  // Per attempt id (TcpConnects' ids): the Envoy connect-timeout handle.
  private attemptTimeout = new Int32Array(64);
  // Per pod: app -> sidecar and sidecar -> app connections (the local legs, conntrack.md §3.2).
  private outInFlight = new Int32Array(1024);
  private inInFlight = new Int32Array(1024);
  private appConns = new Int32Array(1024);
  private inboundConns = new Int32Array(1024);
  /** Per pod: 1 once its Envoy has exited or it is gone (closePod); connections from or to it close as they free. */
  private gone = new Uint8Array(1024);
  private readonly connectLines: DelayLine[];
  private readonly idleWheel: IdleWheel;
  /** Whether full pool p has an entry in the idle wheel. */
  private idleQueued = new Uint8Array(1024);
  private readonly path = new Int32Array(MAX_PATH);
  // Envoy's upstream_cx_* counters, per upstream service.
  readonly cxTotal: Float64Array;
  readonly cxConnectFail: Float64Array;
  readonly cxActive: Float64Array;
  readonly cxDestroyed: Float64Array;
  /** Pooled connections per (caller service, upstream service). */
  readonly byPair: ConnectionsByPair;
  /** Pools drained because their host left the proxy's host set or turned unhealthy (envoy.md §2.3 item 8). */
  poolsDrained = 0;
  /** Pooled connections opened, closed, and local legs opened, over the run. */
  opened = 0;
  closed = 0;
  localLegs = 0;

  constructor(ctx: MeshContext, tables: ConntrackTables, schedule: SynSchedule, fail: UpstreamFailure) {
    this.ctx = ctx;
    this.tables = tables;
    this.fail = fail;
    this.slots = new PoolSlots(ctx.services.map((s) => s.replicas));
    this.tcp = new TcpConnects(ctx.sim, tables, schedule, {
      established: (p, a) => this.onConnected(p, a),
      timedOut: (p, a) => this.onConnectFailed(p, a, Detail.CONNECT_FAILURE),
    });
    const n = ctx.services.length;
    this.cxTotal = new Float64Array(n);
    this.cxConnectFail = new Float64Array(n);
    this.cxActive = new Float64Array(n);
    this.cxDestroyed = new Float64Array(n);
    this.byPair = new ConnectionsByPair(n);
    this.connectLines = ctx.services.map((s) => ctx.sim.createDelayLine(s.connectionPool.connectTimeoutNs));
    this.idleWheel = new IdleWheel(tables.wheel.slotNs);
  }

  /**
   * The router's one call: request r (client and host set) goes upstream, `latencyNs` one way.
   * It takes a ready connection of its pool, or waits for a new one.
   */
  dispatch(r: number, latencyNs: number): void {
    const { requests: rq, pods } = this.ctx;
    const client = rq.client[r]!;
    const host = rq.host[r]!;
    const request = rq.owner[r]!;
    this.ensureRequests(Math.max(r, request));
    this.ensurePods(Math.max(client, host));
    // conntrack.md §3.2: the app's connection to its sidecar carries the whole request, retries
    // included (they reuse it), so it counts once per request, until requestEnded. The ingress
    // gateway has no app: its downstreams connect from outside the mesh.
    if (this.outLeg[request] === 0 && pods.service[client] !== INGRESS_SERVICE) {
      this.outLeg[request] = 1;
      this.localLeg(client, this.outInFlight, this.appConns);
    }
    const workers = this.workersOf(client);
    const worker = workers === 1 ? 0 : this.random(client).nextU32() % workers;
    const service = pods.service[host]!;
    const s = this.slots.find(client, host, service, worker, workers);
    const v = this.slots.value[s]!;
    const model = this.ctx.services[service]!.connectionPool;
    if (isLone(v)) {
      if (!loneBusy(v)) {
        this.slots.value[s] = loneTaken(v);
        this.send(r, s, latencyNs);
        return;
      }
      // A second request while its one connection is busy: it needs another one.
      this.dispatchFull(r, this.promote(s), client, host, service, latencyNs);
      return;
    }
    if (v > 0) {
      this.dispatchFull(r, this.slots.full[s]!, client, host, service, latencyNs);
      return;
    }
    this.poolCount++;
    if (canBeLone(model)) this.firstRequest(r, s, client, host, service, latencyNs);
    else this.dispatchFull(r, this.promote(s), client, host, service, latencyNs);
  }

  /** Request r is a new HTTP/1.1 pool's first: it connects, and if that goes through at once the pool is lone. */
  private firstRequest(r: number, s: number, client: number, host: number, service: number, latencyNs: number): void {
    // No ready connection: the stream may wait only below max_pending_requests (envoy.md §5).
    if (!this.mayWait(r)) {
      this.promote(s); // the pool exists, with no connection
      return this.onOverflow(r);
    }
    const a = this.connect(s, client, host, service);
    if (a === CONNECTED) {
      this.countConnected(s, service);
      this.slots.value[s] = LONE_BUSY_NEW;
      // The handshake's round trip comes before the request: SYN, SYN-ACK, then the request.
      this.send(r, s, 3 * latencyNs);
      return;
    }
    const p = this.promote(s);
    this.trackConnect(p, a, service);
    this.reqSlot[r] = NO_CONNECTION;
    this.wait(p, r);
  }

  /** Request r goes out through full pool p: on an idle connection, or it waits for one. */
  private dispatchFull(r: number, p: number, client: number, host: number, service: number, latencyNs: number): void {
    const s = this.slotOf[p]!;
    const http2 = this.ctx.services[service]!.connectionPool.http2;
    if (http2 ? this.open[p]! > this.draining[p]! : this.idle[p]! > 0) {
      this.take(p, http2);
      this.send(r, s, latencyNs);
      return;
    }
    if (!this.mayWait(r)) return this.onOverflow(r);
    this.reqSlot[r] = NO_CONNECTION;
    // HTTP/2: one connection per pool; HTTP/1.1: a connection per waiting request.
    const wanted = http2 ? 1 : (this.pending.get(p)?.length ?? 0) / 2 + 1;
    if (this.connecting[p]! >= wanted) {
      this.wait(p, r);
      return;
    }
    const a = this.connect(s, client, host, service);
    if (a === CONNECTED) {
      this.connected(p, service);
      this.take(p, http2);
      this.send(r, s, 3 * latencyNs);
      return;
    }
    this.trackConnect(p, a, service);
    this.wait(p, r);
  }

  /**
   * Opens one connection in the (client, host, worker) pool and leaves it idle, as a pool is
   * after its first request has been answered; false if a table dropped the first SYN. For
   * static counts (conntrack.md §3.4: every pool holding its one long-lived connection).
   */
  openIdle(client: number, host: number, worker: number): boolean {
    const service = this.ctx.pods.service[host]!;
    const s = this.slots.find(client, host, service, worker, this.workersOf(client));
    const v = this.slots.value[s]!;
    if (v === 0) this.poolCount++;
    const len = this.pathOf(client, host);
    const a = this.tcp.connect(this.path, len, s, this.ctx.sim.nowNs);
    if (a !== CONNECTED) {
      this.tcp.abandon(a); // its SYN was dropped: nobody waits for a retransmit
      if (v === 0) this.promote(s);
      return false;
    }
    if (v === 0 && canBeLone(this.ctx.services[service]!.connectionPool)) {
      this.countConnected(s, service);
      this.slots.value[s] = lone(false, false, 0);
    } else this.connected(isLone(v) || v === 0 ? this.promote(s) : this.slots.full[s]!, service);
    return true;
  }

  /** Downstream request r ended at its client sidecar: the app's connection to it is free again (conntrack.md §3.2). */
  requestEnded(r: number): void {
    if (r >= this.outLeg.length || this.outLeg[r] === 0) return;
    this.outLeg[r] = 0;
    this.outInFlight[this.ctx.requests.client[r]!]!--;
  }

  /** A response reached the client sidecar: its connection is free again. */
  onResponse(r: number): void {
    if (r >= this.reqSlot.length) return;
    const s = this.reqSlot[r]!;
    if (s === NOT_OURS) return;
    this.reqSlot[r] = NOT_OURS;
    if (s === NO_CONNECTION) return; // it never went out: a pool failed it while it waited
    const host = this.ctx.requests.host[r]!;
    this.releaseLegs(r);
    if (s === RESET) return; // its connection closed at the reset
    // The request's row names its pool's host and client: cheaper than the pool's keys (hot path).
    const service = this.ctx.pods.service[host]!;
    const model = this.ctx.services[service]!.connectionPool;
    const v = this.slots.value[s]!;
    const ended = this.gone[host] === 1 || this.gone[this.ctx.requests.client[r]!] === 1;
    if (isLone(v) && !ended && this.loneFreed(s, v, model.idleTimeoutNs)) return;
    const p = isLone(v) ? this.promote(s) : this.slots.full[s]!;
    this.busy[p]!--;
    this.served[p]!++;
    // A draining connection closes as it frees instead of going back to the pool (envoy.md §2.3 item 8).
    const drained = this.draining[p]! > 0 && this.drainedFree(p, model.http2);
    if (ended) {
      // A connection from or to a gone pod is not reused: it closes as it frees (closePod).
      if (!model.http2 && !drained) this.idle[p]!++;
      this.closeIdle(p, model.http2);
    } else if (!drained) this.backToPool(p, model);
    if (this.busy[p] === 0 && this.open[p]! > 0) this.wentIdle(p, model.idleTimeoutNs);
  }

  /** A freed connection of pool p is reused: the next waiter gets it, or it idles (or closes at maxRequestsPerConnection). */
  private backToPool(p: number, model: { http2: boolean; maxRequestsPerConnection: number }): void {
    if (model.maxRequestsPerConnection > 0 && this.served[p]! >= model.maxRequestsPerConnection && (!model.http2 || this.busy[p] === 0)) {
      this.served[p] = 0;
      if (model.http2) this.close(p, 1);
      else this.closeFreed(p);
    } else if (!model.http2) {
      this.idle[p]!++;
      const waiting = this.pending.get(p);
      if (waiting !== undefined) this.handOff(p, waiting, false, 1);
    }
  }

  /**
   * The client's Envoy reset attempt r's stream before its response came (a per-try or route
   * timeout, or the caller gave up). An HTTP/1.1 connection cannot drop one request, so Envoy
   * closes it (StreamWrapper::onResetStream, source/common/http/http1/conn_pool.cc); an HTTP/2
   * stream is reset alone and its connection stays. Either way the stream's slot is free now;
   * the host's answer, when it comes, finds no connection. Entries go to TIME_WAIT (close()).
   */
  onReset(r: number): void {
    if (r >= this.reqSlot.length) return;
    const s = this.reqSlot[r]!;
    if (s < 0) return; // not on a connection: a waiter is dropped when its turn comes
    this.reqSlot[r] = RESET;
    const host = this.ctx.requests.host[r]!;
    const model = this.ctx.services[this.ctx.pods.service[host]!]!.connectionPool;
    const v = this.slots.value[s]!;
    const p = isLone(v) ? this.promote(s) : this.slots.full[s]!;
    this.busy[p]!--;
    // HTTP/1.1: the connection closes (a draining one counts as one of the draining); HTTP/2: the stream alone goes.
    const drained = this.draining[p]! > 0 && this.drainedFree(p, model.http2);
    if (!model.http2 && !drained) this.closeFreed(p);
    if (this.gone[host] === 1 || this.gone[this.ctx.requests.client[r]!] === 1) this.closeIdle(p, model.http2);
    if (this.busy[p] === 0 && this.open[p]! > 0) this.wentIdle(p, model.idleTimeoutNs);
  }

  /** Closes the HTTP/1.1 connection of pool p that just freed (close() takes it from the idle ones). */
  private closeFreed(p: number): void {
    this.idle[p]!++;
    this.close(p, 1);
  }

  /**
   * A stream of pool p, which has draining connections, ended (its response came back, or it was
   * reset). Simplification (README): the pool counts connections, not which stream rides which,
   * so the first streams to end after a drain are taken to be the draining connections' own.
   * HTTP/1.1: that connection closes. HTTP/2: the draining connections close with their last
   * stream. True if the stream was a draining connection's.
   */
  private drainedFree(p: number, http2: boolean): boolean {
    if (!http2) {
      this.draining[p]!--;
      this.closeFreed(p);
      return true;
    }
    if (this.drainStreams[p] === 0) return false;
    if (--this.drainStreams[p]! === 0) {
      this.close(p, this.draining[p]!);
      this.draining[p] = 0;
    }
    return true;
  }

  /**
   * Envoy drains `client`'s pools towards `host` on every worker (envoy.md §2.3 item 8): when the
   * host leaves the proxy's host set (DrainAndDelete) or turns unhealthy through active HC or
   * outlier detection (DrainExistingConnections). Idle connections close now; busy ones carry
   * their stream to its end and close then, never reused; requests waiting for a connect keep
   * waiting (conn_pool_base.cc drainConnectionsImpl). A later request to the host opens a new
   * connection. The pool record stays (pools are never deleted here; README).
   */
  drainHost(client: number, host: number): void {
    if (client >= this.gone.length || host >= this.gone.length || this.gone[client] === 1 || this.gone[host] === 1) return;
    const service = this.ctx.pods.service[host]!;
    const http2 = this.ctx.services[service]!.connectionPool.http2;
    const workers = this.workersOf(client);
    for (let w = 0; w < workers; w++) {
      const s = this.slots.peek(client, host, service, w);
      const v = s < 0 ? 0 : this.slots.value[s]!;
      if (v === 0) continue; // no pool on this worker
      const p = isLone(v) ? this.promote(s) : this.slots.full[s]!;
      if (this.open[p]! - this.draining[p]! === 0) continue; // nothing to drain
      this.poolsDrained++;
      this.closeIdle(p, http2);
      // HTTP/2: streams are not tied to connections here, so every open connection drains until
      // the streams in flight now have ended (a second drain extends the first).
      if (http2) {
        if (this.busy[p]! > 0) {
          this.draining[p] = this.open[p]!;
          this.drainStreams[p] = this.busy[p]!;
        }
      } else this.draining[p] = this.busy[p]!;
    }
  }

  /** Envoy's connect timeout for attempt a ran out: the socket closes (conntrack.md §2.2). */
  onConnectTimeout(a: number, gen: number): void {
    if (this.tcp.gen[a] !== gen) return;
    const s = this.tcp.ownerOf(a);
    this.tcp.abandon(a);
    this.onConnectFailed(s, a, Detail.CONNECT_TIMEOUT, true);
  }

  /** The wheel's tick: idle timeouts (conntrack.md §3.1: 1 h by default). */
  tick(nowNs: number): void {
    this.idleWheel.advance(nowNs, (s) => {
      const v = this.slots.value[s]!;
      if (isLone(v)) return this.loneDue(s, v, nowNs);
      const p = this.slots.full[s]!;
      this.idleQueued[p] = 0;
      if (this.busy[p] !== 0 || this.open[p] === 0) return; // re-queued when it next goes idle
      const model = this.ctx.services[this.ctx.pods.service[this.slots.host(s)]!]!.connectionPool;
      const deadlineNs = this.idleSinceNs[p]! + model.idleTimeoutNs;
      if (deadlineNs > nowNs) {
        this.queueIdle(p, deadlineNs); // used again since it was queued
        return;
      }
      this.close(p, model.http2 ? this.open[p]! : this.idle[p]!);
    });
  }

  /**
   * Lone pool s's connection went idle (hot path, no record): its deadline slot is set and it is
   * queued on the idle wheel unless it already is. False if the deadline does not fit the slot.
   */
  private loneFreed(s: number, v: number, idleTimeoutNs: number): boolean {
    const deadlineNs = this.ctx.sim.nowNs + idleTimeoutNs;
    const deadlineSlot = Math.ceil(deadlineNs / this.tables.wheel.slotNs);
    if (deadlineSlot > MAX_DEADLINE_SLOT) return false;
    this.slots.value[s] = lone(false, true, deadlineSlot);
    if (!loneQueued(v)) this.idleWheel.push(s, deadlineNs);
    return true;
  }

  /** Lone pool s's idle-wheel entry came due: as tick() does for a full record, from the deadline slot. */
  private loneDue(s: number, v: number, nowNs: number): void {
    const slotNs = this.tables.wheel.slotNs;
    const deadlineSlot = loneDeadlineSlot(v);
    if (loneBusy(v)) this.slots.value[s] = lone(true, false, deadlineSlot); // re-queued when it next goes idle
    else if (deadlineSlot * slotNs > nowNs) this.idleWheel.push(s, deadlineSlot * slotNs); // used again since it was queued
    else {
      const p = this.promote(s);
      this.idleQueued[p] = 0;
      this.close(p, 1);
    }
  }

  private wentIdle(p: number, idleTimeoutNs: number): void {
    this.idleSinceNs[p] = this.ctx.sim.nowNs;
    if (this.idleQueued[p] === 0) this.queueIdle(p, this.ctx.sim.nowNs + idleTimeoutNs);
  }

  private queueIdle(p: number, deadlineNs: number): void {
    this.idleQueued[p] = 1;
    this.idleWheel.push(this.slotOf[p]!, deadlineNs);
  }

  /**
   * Pool s becomes a full record (pool-slots.ts), with its lone state if it had one; the slot then
   * names the record. Once per pool.
   */
  private promote(s: number): number {
    const v = this.slots.value[s]!;
    const p = this.fullCount++;
    this.ensureFull(this.fullCount);
    this.slotOf[p] = s;
    if (isLone(v)) {
      const busy = loneBusy(v);
      this.open[p] = 1;
      this.idle[p] = busy ? 0 : 1;
      this.busy[p] = busy ? 1 : 0;
      this.idleQueued[p] = loneQueued(v) ? 1 : 0;
      // The exact idle clock that comes due at the same wheel slot (lone-pool.ts).
      const idleTimeoutNs = this.ctx.services[this.ctx.pods.service[this.slots.host(s)]!]!.connectionPool.idleTimeoutNs;
      this.idleSinceNs[p] = loneDeadlineSlot(v) * this.tables.wheel.slotNs - idleTimeoutNs;
    }
    this.slots.makeFull(s, p);
    return p;
  }

  /** Lone pools, each with its one connection: calls `each(slot)` (cold paths). */
  private forEachLone(each: (s: number) => void): void {
    const value = this.slots.value;
    for (let s = 0; s < this.slots.size; s++) if (isLone(value[s]!)) each(s);
  }

  /** Open pooled connections over all pools (the conservation checker's "open"). */
  openConnections(): number {
    let n = 0;
    for (let p = 0; p < this.fullCount; p++) n += this.open[p]!;
    this.forEachLone(() => n++);
    return n;
  }

  /** Open pooled connections per (caller service, upstream service) cell of byPair, counted from the pools (the checker's recount). */
  openByPair(): Float64Array {
    const { pods } = this.ctx;
    const slots = this.slots;
    const open = new Float64Array(this.byPair.open.length);
    const cell = (s: number) => this.byPair.cell(pods.service[slots.client(s)]!, pods.service[slots.host(s)]!);
    for (let p = 0; p < this.fullCount; p++) if (this.open[p]! > 0) open[cell(this.slotOf[p]!)]! += this.open[p]!;
    this.forEachLone((s) => open[cell(s)]!++);
    return open;
  }

  /**
   * ESTABLISHED entries the open connections hold, counted from the pools (one per table on
   * each connection's path, one per local leg): the checker compares it with the tables' counts.
   */
  heldEstablishedEntries(): number {
    let n = this.localLegs;
    const slots = this.slots;
    for (let p = 0; p < this.fullCount; p++) if (this.open[p]! > 0) n += this.open[p]! * this.pathOf(slots.client(this.slotOf[p]!), slots.host(this.slotOf[p]!));
    this.forEachLone((s) => (n += this.pathOf(slots.client(s), slots.host(s))));
    return n;
  }

  /** Pools whose counters are out of bounds (negative, or more idle than open), as sentences. */
  poolProblems(): string[] {
    const problems: string[] = [];
    for (let p = 0; p < this.fullCount && problems.length < 10; p++) {
      const badDrain = this.draining[p]! < 0 || this.draining[p]! > this.open[p]! || this.drainStreams[p]! > this.busy[p]!;
      if (this.open[p]! < 0 || this.idle[p]! < 0 || this.busy[p]! < 0 || this.connecting[p]! < 0 || this.idle[p]! > this.open[p]! || badDrain) {
        problems.push(`pool ${p}: open ${this.open[p]}, idle ${this.idle[p]}, busy ${this.busy[p]}, connecting ${this.connecting[p]}, draining ${this.draining[p]}`);
      }
    }
    return problems.concat(this.inFlightProblems());
  }

  /**
   * The local legs' in-flight counts are conserved: each pod's count is the number of requests
   * this layer holds that use that leg (outbound: dispatched and not yet ended; inbound: on a
   * connection and not yet answered).
   */
  private inFlightProblems(): string[] {
    const rq = this.ctx.requests;
    const n = this.inInFlight.length;
    const inbound = new Int32Array(n);
    const outbound = new Int32Array(n);
    for (let r = 0; r < this.reqSlot.length; r++) {
      if (this.reqSlot[r]! >= 0 || this.reqSlot[r] === RESET) inbound[rq.host[r]!]!++;
      if (this.outLeg[r] === 1) outbound[rq.client[r]!]!++;
    }
    const problems: string[] = [];
    for (let pod = 0; pod < n && problems.length < 10; pod++) {
      if (inbound[pod] !== this.inInFlight[pod]) problems.push(`pod ${pod}: ${this.inInFlight[pod]} inbound local legs in flight, ${inbound[pod]} requests hold one`);
      if (outbound[pod] !== this.outInFlight[pod]) problems.push(`pod ${pod}: ${this.outInFlight[pod]} outbound local legs in flight, ${outbound[pod]} requests hold one`);
    }
    return problems;
  }

  /** Bytes of pool state, for the bench's cost per connection. */
  get bytes(): number {
    const records = [this.slotOf, this.open, this.idle, this.busy, this.connecting, this.served, this.idleSinceNs, this.draining, this.drainStreams];
    return this.slots.bytes + records.reduce((n, a) => n + a.byteLength, 0) + this.idleQueued.byteLength;
  }

  /** A connect for pool s: CONNECTED, or the attempt now waiting on a retransmit (the caller tracks it). */
  private connect(s: number, client: number, host: number, service: number): number {
    const len = this.pathOf(client, host);
    const timeoutNs = this.ctx.services[service]!.connectionPool.connectTimeoutNs;
    return this.tcp.connect(this.path, len, s, this.ctx.sim.nowNs + timeoutNs);
  }

  /** Full pool p waits on attempt a, until it connects or Envoy's connect timeout fires. */
  private trackConnect(p: number, a: number, service: number): void {
    this.connecting[p]!++;
    if (a >= this.attemptTimeout.length) this.attemptTimeout = grow(this.attemptTimeout, a + 1);
    this.attemptTimeout[a] = this.connectLines[service]!.schedule(EventKind.CONNECT_TIMEOUT, a, this.tcp.gen[a]!);
  }

  /** The full record of pool s, which has a connect in flight (so it has one). */
  private fullOf(s: number): number {
    if (this.slots.value[s] !== FULL) throw new Error(`pool slot ${s} has a connect in flight but no full record`);
    return this.slots.full[s]!;
  }

  /** A retransmitted SYN got through for pool s. */
  private onConnected(s: number, a: number): void {
    const p = this.fullOf(s);
    const host = this.slots.host(s);
    const service = this.ctx.pods.service[host]!;
    this.connectLines[service]!.cancel(this.attemptTimeout[a]!);
    this.connecting[p]!--;
    this.connected(p, service);
    const model = this.ctx.services[service]!.connectionPool;
    const waiting = this.pending.get(p);
    // The SYN that got through was sent just now: SYN, SYN-ACK, then the request (3 one-way trips).
    if (waiting !== undefined) this.handOff(p, waiting, model.http2, 3);
    if (this.gone[host] === 1 || this.gone[this.slots.client(s)] === 1) this.closeIdle(p, model.http2);
    else if (this.busy[p] === 0) this.wentIdle(p, model.idleTimeoutNs);
  }

  /**
   * Pod `pod`'s Envoy exited (world: sidecarExited), or the pod is gone (world.podGone), whichever
   * comes first: the pools towards it and its own sidecar's pools are drained, both ways the
   * same. Idle connections close now, busy ones as their responses (or resets) come back, and any
   * that a connect still in flight opens later closes once it has nothing to carry: opened =
   * closed + open holds throughout. Every entry goes to TIME_WAIT (the kernel closes a dead
   * process's sockets with a FIN; close()).
   */
  closePod(pod: number): void {
    this.ensurePods(pod);
    if (this.gone[pod] === 1) return; // its sidecar exited first: drained then
    this.gone[pod] = 1;
    this.closeHost(pod);
    for (const s of this.slots.poolsOfClient(pod)) this.closeIdleOf(s);
  }

  /**
   * Pools towards gone pod `host`. Requests waiting in them fail 503 UF at once (a
   * simplification: no connect to the gone pod's address will be answered; envoy.md §7 UF), and
   * given-up ones are dropped. (A gone client's own waiters are its requests' business: the
   * router ends them as the pod dies.)
   */
  private closeHost(host: number): void {
    const service = this.ctx.pods.service[host]!;
    const http2 = this.ctx.services[service]!.connectionPool.http2;
    for (const s of this.slots.poolsOfHost(host, service)) {
      const v = this.slots.value[s]!;
      // A lone pool has no waiters; its busy connection closes as it frees (onResponse).
      if (isLone(v)) {
        if (!loneBusy(v)) this.closeIdle(this.promote(s), http2);
        continue;
      }
      const p = this.slots.full[s]!;
      const waiting = this.pending.get(p);
      if (waiting !== undefined) {
        this.pending.delete(p);
        this.failWaiters(p, waiting, Detail.CONNECT_FAILURE);
      }
      this.closeIdle(p, http2);
    }
  }

  /** Closes pool s's connections that carry nothing (a lone pool's if it is idle). */
  private closeIdleOf(s: number): void {
    const v = this.slots.value[s]!;
    if (isLone(v) && loneBusy(v)) return; // it closes as it frees (onResponse)
    const p = isLone(v) ? this.promote(s) : this.slots.full[s]!;
    this.closeIdle(p, this.ctx.services[this.ctx.pods.service[this.slots.host(s)]!]!.connectionPool.http2);
  }

  /** Open pooled connections from `client` (cold path: tests and inspection). */
  openFromClient(client: number): number {
    let n = 0;
    for (const s of this.slots.poolsOfClient(client)) {
      const v = this.slots.value[s]!;
      n += isLone(v) ? 1 : this.open[this.slots.full[s]!]!;
    }
    return n;
  }

  /** Open pooled connections towards `host` (cold path: tests and inspection). */
  openToHost(host: number): number {
    let n = 0;
    for (const s of this.slots.poolsOfHost(host, this.ctx.pods.service[host]!)) {
      const v = this.slots.value[s]!;
      n += isLone(v) ? 1 : this.open[this.slots.full[s]!]!;
    }
    return n;
  }

  /**
   * Closes pool p's connections that carry nothing (HTTP/1.1: the idle ones; HTTP/2: the one
   * connection once it has no stream). Like close(), the client side closes first, so every
   * entry on the path goes to TIME_WAIT (conntrack.md §6.2 rule 6).
   */
  private closeIdle(p: number, http2: boolean): void {
    if (http2) {
      if (this.busy[p] === 0) this.close(p, this.open[p]!);
    } else this.close(p, this.idle[p]!);
  }

  /**
   * A connection of pool p is ready (HTTP/1.1: one idle one; HTTP/2: the multiplexed one): the
   * next waiter still wanted gets it (HTTP/2: every such waiter). Waiters given up meanwhile are
   * dropped, not sent (no orphaned work from a pool); with none left the connection stays idle.
   */
  private handOff(p: number, waiting: number[], http2: boolean, trips: number): void {
    let refused: number[] | undefined;
    while (waiting.length > 0) {
      const r = waiting.shift()!;
      const gen = waiting.shift()!;
      if (!this.stillWanted(r, gen)) continue;
      // envoy.md §5: max_requests is checked as a pending stream is attached to a connection.
      if (!this.mayAttach(r)) {
        (refused ??= []).push(r);
        continue;
      }
      this.take(p, http2);
      this.sendWaiting(r, p, trips);
      if (!http2) break;
    }
    if (waiting.length === 0) this.pending.delete(p);
    // Ended only now, so that whatever their ends set off meets a settled pool.
    for (const r of refused ?? []) {
      this.reqSlot[r] = NOT_OURS;
      this.onOverflow(r);
    }
  }

  /**
   * Whether waiter r (of generation gen) is still wanted: its row is the same and its client side
   * open. A given-up one (timeout, retry elsewhere, reset) is dropped here with its bookkeeping;
   * nothing will answer it, so its row is done on both ends.
   */
  private stillWanted(r: number, gen: number): boolean {
    const rq = this.ctx.requests;
    if (rq.gen[r] !== gen) return false; // recycled: no longer this pool's waiter
    if (rq.clientState[r] === CLIENT_OPEN) return true;
    this.reqSlot[r] = NOT_OURS; // a waiter holds no connection and no inbound leg
    rq.upState[r] = UP_DONE;
    rq.release(r);
    return false;
  }

  /** Attempt r no longer holds its inbound local leg at its host (conntrack.md §3.2; the outbound one is per request). */
  private releaseLegs(r: number): void {
    this.inInFlight[this.ctx.requests.host[r]!]!--;
  }

  private onConnectFailed(s: number, a: number, detail: number, cancelled = false): void {
    const p = this.fullOf(s);
    const service = this.ctx.pods.service[this.slots.host(s)]!;
    if (!cancelled) this.connectLines[service]!.cancel(this.attemptTimeout[a]!);
    this.connecting[p]!--;
    this.cxConnectFail[service]!++;
    const waiting = this.pending.get(p);
    if (waiting === undefined) return;
    this.pending.delete(p);
    this.failWaiters(p, waiting, detail);
  }

  /** envoy.md §7: a connect failure or timeout ends the waiting requests with 503 UF (given-up ones are dropped). */
  private failWaiters(p: number, waiting: number[], detail: number): void {
    const client = this.slots.client(this.slotOf[p]!);
    for (let i = 0; i < waiting.length; i += 2) {
      const r = waiting[i]!;
      if (this.stillWanted(r, waiting[i + 1]!)) this.fail(r, 503, ResponseFlag.UF, client, detail);
    }
  }

  private connected(p: number, service: number): void {
    this.open[p]!++;
    this.idle[p]!++;
    this.countConnected(this.slotOf[p]!, service);
  }

  /** Envoy's upstream_cx_total and upstream_cx_active for one more connection of pool slot s, and its pair's count. */
  private countConnected(s: number, service: number): void {
    this.opened++;
    this.cxTotal[service]!++;
    this.cxActive[service]!++;
    this.byPair.connected(this.byPair.cell(this.ctx.pods.service[this.slots.client(s)]!, service));
  }

  /** Puts request r on one of pool p's connections (HTTP/1.1: an idle one). */
  private take(p: number, http2: boolean): void {
    if (!http2) this.idle[p]!--;
    this.busy[p]!++;
  }

  /**
   * Request r goes out on a connection of pool slot s. It takes the sidecar -> app leg at its
   * host now, per attempt (each attempt reaches its own host; conntrack.md §3.2), not while it
   * waits for a connect: a request that never gets out never reaches the host's app.
   */
  private send(r: number, s: number, delayNs: number): void {
    this.localLeg(this.ctx.requests.host[r]!, this.inInFlight, this.inboundConns);
    this.reqSlot[r] = s;
    this.onSent(r);
    this.ctx.sim.postAfter(delayNs, EventKind.REQUEST_ARRIVE, r, this.ctx.requests.gen[r]!);
  }

  /** Waiter r goes out on pool p's connection after `trips` one-way trips (1 on a freed connection, 3 through a new handshake). */
  private sendWaiting(r: number, p: number, trips: number): void {
    const rq = this.ctx.requests;
    this.send(r, this.slotOf[p]!, trips * this.ctx.network.latencyNs(rq.client[r]!, rq.host[r]!));
  }

  private wait(p: number, r: number): void {
    const gen = this.ctx.requests.gen[r]!;
    const w = this.pending.get(p);
    if (w === undefined) this.pending.set(p, [r, gen]);
    else w.push(r, gen);
  }

  /** Closes n connections of pool p gracefully: every entry on the path goes to TIME_WAIT (§6.2 rule 6). */
  private close(p: number, n: number): void {
    if (n <= 0) return;
    const s = this.slotOf[p]!;
    const host = this.slots.host(s);
    const service = this.ctx.pods.service[host]!;
    const http2 = this.ctx.services[service]!.connectionPool.http2;
    this.open[p]! -= n;
    // HTTP/2's idle count follows its open connections (a stream never takes it).
    this.idle[p] = http2 ? Math.min(this.idle[p]!, this.open[p]!) : Math.max(0, this.idle[p]! - n);
    this.closed += n;
    this.cxActive[service]! -= n;
    this.cxDestroyed[service]! += n;
    const client = this.slots.client(s);
    this.byPair.closed(this.byPair.cell(this.ctx.pods.service[client]!, service), n);
    const len = this.pathOf(client, host);
    const now = this.ctx.sim.nowNs;
    for (let k = 0; k < n; k++) for (let j = 0; j < len; j++) this.tables.release(this.path[j]!, CT_ESTABLISHED, CT_TIME_WAIT, now, now);
  }

  /**
   * The tables a sidecar-to-sidecar connection's SYN passes (conntrack.md §3.2, §6.1): the
   * client's pod netns, its node's host netns, the server node's host netns (once if both pods
   * share a node), the server's pod netns. The ingress gateway has no node here, and no table
   * of its own: conntrack runs in a netns only when its rules need it (§1.5), and a pod netns
   * needs it for the sidecar's REDIRECT capture (§3.3), which a gateway's Envoy does not have.
   */
  private pathOf(client: number, host: number): number {
    const { pods } = this.ctx;
    const t = this.tables;
    const nc = pods.node[client]!;
    const nh = pods.node[host]!;
    let len = 0;
    if (pods.service[client] !== INGRESS_SERVICE) this.path[len++] = t.podTable(client, nc);
    if (nc >= 0) this.path[len++] = t.hostTable(nc);
    if (nh >= 0 && nh !== nc) this.path[len++] = t.hostTable(nh);
    this.path[len++] = t.podTable(host, nh);
    return len;
  }

  /**
   * App -> its sidecar (outbound, REDIRECTed to 15001) and sidecar -> app (inbound, via
   * 127.0.0.6) keep-alive connections: entries in the pod netns only (conntrack.md §3.2),
   * as many as the most requests the pod has had in flight that way.
   */
  private localLeg(pod: number, inFlight: Int32Array, conns: Int32Array): void {
    if (++inFlight[pod]! <= conns[pod]!) return;
    conns[pod]!++;
    const t = this.tables.podTable(pod, this.ctx.pods.node[pod]!);
    if (this.tables.admitSyn(t)) {
      this.tables.transition(t, CT_SYN_SENT, CT_ESTABLISHED);
      this.localLegs++;
    }
  }

  private workersOf(client: number): number {
    const s = this.ctx.pods.service[client]!;
    return s === INGRESS_SERVICE ? this.ctx.scenario.mesh.sidecar.concurrency : this.ctx.services[s]!.lifecycle.workers;
  }

  private random(pod: number): RandomStream {
    return this.ctx.pods.tcpRandom[pod]!;
  }

  private ensureRequests(r: number): void {
    if (r < this.reqSlot.length) return;
    let n = this.reqSlot.length;
    while (n <= r) n *= 2;
    const bigger = new Int32Array(n).fill(NOT_OURS);
    bigger.set(this.reqSlot);
    this.reqSlot = bigger;
    const legs = new Uint8Array(n);
    legs.set(this.outLeg);
    this.outLeg = legs;
  }

  private ensurePods(pod: number): void {
    if (pod < this.outInFlight.length) return;
    this.outInFlight = grow(this.outInFlight, pod + 1);
    this.inInFlight = grow(this.inInFlight, pod + 1);
    this.appConns = grow(this.appConns, pod + 1);
    this.inboundConns = grow(this.inboundConns, pod + 1);
    if (pod >= this.gone.length) {
      const gone = new Uint8Array(this.inboundConns.length);
      gone.set(this.gone);
      this.gone = gone;
    }
  }

  private ensureFull(need: number): void {
    if (need <= this.open.length) return;
    this.slotOf = grow(this.slotOf, need);
    this.open = grow(this.open, need);
    this.idle = grow(this.idle, need);
    this.busy = grow(this.busy, need);
    this.connecting = grow(this.connecting, need);
    this.served = grow(this.served, need);
    this.idleSinceNs = grow(this.idleSinceNs, need);
    this.draining = grow(this.draining, need);
    this.drainStreams = grow(this.drainStreams, need);
    if (need > this.idleQueued.length) {
      let n = this.idleQueued.length;
      while (n < need) n *= 2;
      const q = new Uint8Array(n);
      q.set(this.idleQueued);
      this.idleQueued = q;
    }
  }
}

/** Whether a pool of this model can be lone (lone-pool.ts): HTTP/1.1 with no per-connection request limit. */
function canBeLone(model: { http2: boolean; maxRequestsPerConnection: number }): boolean {
  return !model.http2 && model.maxRequestsPerConnection === 0;
}

function grow<T extends Int32Array | Float64Array>(a: T, min: number): T {
  let n = Math.max(64, a.length);
  while (n < min) n *= 2;
  const b = (a instanceof Int32Array ? new Int32Array(n) : new Float64Array(n)) as T;
  b.set(a as never);
  return b;
}
