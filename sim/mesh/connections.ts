import { ConnectionRecorder, type ConnectionSeries } from '../metrics/index.ts';
import type { MeshContext } from './context.ts';
import { upstreamsByClient } from './service-model.ts';
import { ConnectionPools, type UpstreamFailure } from './envoy/connection-pool.ts';
import type { ConfigVersion } from './envoy/endpoints.ts';
import { RemovedHosts } from './envoy/removed-hosts.ts';
import { GATEWAY_NAME, GONE, INGRESS_SERVICE } from './kube/pods.ts';
import { EventKind } from './event-kinds.ts';
import { CT_CLOSE, CT_ESTABLISHED, CT_STATE_NAMES, CT_STATES, CT_SYN_SENT, CT_TIME_WAIT } from './linux/conntrack-states.ts';
import type { ConntrackTables } from './linux/conntrack-tables.ts';
import { buildNodeConntrack } from './linux/node-conntrack.ts';
import { PodNetnsOccupancy } from './linux/pod-netns-occupancy.ts';
import type { TcpConnects } from './linux/tcp-connect.ts';
import { NS_PER_S } from '../engine/index.ts';

/** What a run with connection tracking reports (summary.conntrack). */
export interface ConnectionsResult {
  nfConntrackMax: number;
  nfConntrackBuckets: number;
  /** SYNs dropped by full tables ("nf_conntrack: table full, dropping packet"), all tables. */
  drops: number;
  hostDrops: number;
  earlyDrops: number;
  gcEvictions: number;
  synsSent: number;
  synsDropped: number;
  /**
   * The connect latency histogram (conntrack.md §6.3): per SYN of the kernel's schedule, its
   * send time after the first SYN and how many connects got through on it. The atoms are exact:
   * a connect completes as the SYN that gets through is sent.
   */
  connectLatency: { atS: number; connects: number }[];
  /** Connects that got through on a retransmitted SYN (the histogram past its 0 s atom). */
  connectsRetransmitted: number;
  /** Connects Envoy closed before any SYN got through: its connect timeout (conntrack.md §2.2). */
  connectsAbandoned: number;
  /** Connects the kernel gave up on (ETIMEDOUT, conntrack.md §2.1) before Envoy did. */
  connectsTimedOut: number;
  /** The node whose host-netns table peaked highest, with that peak and its drops. */
  worstNode: { node: string; peakEntries: number; drops: number };
  /** Host-netns entries by state at the end, summed over nodes. */
  hostEntriesByState: Record<string, number>;
  connectionsOpened: number;
  connectionsClosed: number;
  connectionsOpenAtEnd: number;
  connectsWaitingAtEnd: number;
  localLegs: number;
  pools: number;
  /** Pools drained: their host left the proxy's host set, failed active HC or was ejected (envoy.md §2.3 item 8). */
  poolsDrained: number;
  /** Bytes of pool and table state (typed arrays), for the bench's cost per connection. */
  stateBytes: number;
  /**
   * Per upstream service: upstream_cx_total, upstream_cx_connect_fail, upstream_cx_destroy
   * (connections closed: idle timeout, maxRequestsPerConnection, the host gone), and connections
   * open at the end (connects = destroyed + openAtEnd).
   */
  services: { name: string; connects: number; connectFailures: number; destroyed: number; openAtEnd: number }[];
  /**
   * Pooled connections per (caller service, upstream service), for pairs that opened any: over
   * the run, open at the end and the most open at once (conntrack.md §6.3, the W·N·c of §3.4).
   * The ingress gateway's caller name is `istio-ingressgateway`.
   */
  pairs: { caller: string; upstream: string; opened: number; openAtEnd: number; peakOpen: number }[];
  series: ConnectionSeries;
}

/** The connection series of a run still going on, and nf_conntrack_max to read its entries against. */
export interface LiveConnections {
  series: ConnectionSeries;
  nfConntrackMax: number;
}

/**
 * Connection tracking for a world that enables it: the nodes' conntrack tables, Envoy's pools
 * and the TCP connects between them, the wheel's tick, and their per-interval metrics.
 */
export class Connections {
  readonly tables: ConntrackTables;
  readonly pools: ConnectionPools;
  private readonly ctx: MeshContext;
  private readonly recorder: ConnectionRecorder;
  private closedIntervals = 0;
  private readonly peakSeen: Int32Array;
  /** Host-netns entries by state at an interval's close, one column per state (CT_STATE_NAMES). */
  private readonly hostByState: Float64Array[];
  private readonly podNetns: PodNetnsOccupancy;
  /** Per client service + 1 (0: the ingress gateway): the upstreams that share istiod's snapshot (no own host set). */
  private readonly sharedTargets: number[][];
  private readonly removed = new RemovedHosts();

  constructor(ctx: MeshContext, fail: UpstreamFailure) {
    this.ctx = ctx;
    const { tables, schedule } = buildNodeConntrack(ctx.scenario, ctx.rng);
    this.tables = tables;
    this.pools = new ConnectionPools(ctx, tables, schedule, fail);
    const nodes = ctx.scenario.cluster.nodes;
    this.recorder = new ConnectionRecorder(ctx.metrics.intervals, nodes, ctx.services.map((s) => s.name));
    this.peakSeen = new Int32Array(nodes);
    this.hostByState = CT_STATE_NAMES.map(() => new Float64Array(nodes));
    this.podNetns = new PodNetnsOccupancy(nodes);
    this.sharedTargets = upstreamsByClient(ctx.scenario, ctx.services).map((ts) => ts.filter((t) => !ctx.services[t]!.healthManaged));
  }

  /**
   * `proxy` routes with `config` from now on, instead of `previous`: hosts gone from a shared
   * snapshot are removed from its set at once (envoy.md §2.3 item 2), and its pools towards them
   * drain (DrainAndDelete, §2.3 item 8). Clusters with their own host set drain from there.
   */
  onConfigApplied(proxy: number, config: ConfigVersion, previous: ConfigVersion | undefined): void {
    if (previous === undefined) return;
    const service = this.ctx.pods.service[proxy]!;
    for (const s of this.sharedTargets[service === INGRESS_SERVICE ? 0 : service + 1]!) {
      const old = previous.snapshots[s];
      const next = config.snapshots[s];
      if (old === undefined || next === undefined || old === next) continue;
      for (const host of this.removed.between(old, next)) this.pools.drainHost(proxy, host);
    }
  }

  start(): void {
    this.ctx.sim.post(this.tables.wheel.slotNs, EventKind.CONNTRACK_TICK);
  }

  dispatch(kind: number, a: number, b: number): void {
    switch (kind) {
      case EventKind.SYN_RETRANSMIT:
        return this.pools.tcp.onRetransmit(a, b);
      case EventKind.TCP_CONNECT_GIVE_UP:
        return this.pools.tcp.onGiveUp(a, b);
      case EventKind.CONNECT_TIMEOUT:
        return this.pools.onConnectTimeout(a, b);
      case EventKind.CONNTRACK_TICK: {
        const now = this.ctx.sim.nowNs;
        this.tables.tick(now);
        this.pools.tick(now);
        if (now + this.tables.wheel.slotNs <= this.ctx.scenario.duration) this.ctx.sim.postAfter(this.tables.wheel.slotNs, EventKind.CONNTRACK_TICK);
        return;
      }
      default:
        throw new Error(`unknown connection event kind ${kind}`);
    }
  }

  /** Call as each metrics interval closes (before the recorder moves on). */
  closeInterval(): void {
    const t = this.tables;
    const nodes = this.ctx.scenario.cluster.nodes;
    for (let n = 0; n < nodes; n++) {
      this.peakSeen[n] = Math.max(this.peakSeen[n]!, t.peak[n]!);
      for (let s = 0; s < CT_STATES; s++) this.hostByState[s]![n] = t.byState[n * CT_STATES + s]!;
    }
    const pods = this.ctx.pods;
    this.podNetns.read(t, { count: pods.count, node: pods.node, gone: (pod) => pods.phase[pod] === GONE });
    const byState = this.hostByState;
    // Host tables are 0..nodes-1, so the tables' per-table arrays read as per-node ones.
    const nodeReadings = {
      entries: t.count,
      peakEntries: t.peak,
      drops: t.drops,
      inserts: t.inserts,
      earlyDrops: t.earlyDrops,
      gcEvictions: t.gcEvictions,
      expired: t.expired,
      synSent: byState[CT_SYN_SENT]!,
      established: byState[CT_ESTABLISHED]!,
      timeWait: byState[CT_TIME_WAIT]!,
      close: byState[CT_CLOSE]!,
      podNetnsPeakMax: this.podNetns.peakMax,
      podNetnsPeakP99: this.podNetns.peakP99,
    };
    const p = this.pools;
    this.recorder.close(this.closedIntervals++, nodeReadings, { connects: p.cxTotal, connectFailures: p.cxConnectFail, poolConnections: p.cxActive });
    t.resetPeaks();
  }

  result(): ConnectionsResult {
    while (this.closedIntervals < this.ctx.metrics.intervals) this.closeInterval();
    const t = this.tables;
    const nodes = this.ctx.scenario.cluster.nodes;
    let worst = 0;
    let hostDrops = 0;
    for (let n = 0; n < nodes; n++) {
      if (this.peakSeen[n]! > this.peakSeen[worst]!) worst = n;
      hostDrops += t.drops[n]!;
    }
    const sum = (a: Float64Array) => a.reduce((x, y) => x + y, 0);
    const byState: Record<string, number> = {};
    CT_STATE_NAMES.forEach((name, s) => {
      let n = 0;
      for (let node = 0; node < nodes; node++) n += t.byState[node * CT_STATES + s]!;
      byState[name] = n;
    });
    const p = this.pools;
    return {
      nfConntrackMax: t.config.maxEntries,
      nfConntrackBuckets: t.config.buckets,
      drops: sum(t.drops),
      hostDrops,
      earlyDrops: sum(t.earlyDrops),
      gcEvictions: sum(t.gcEvictions),
      synsSent: p.tcp.synsSent,
      synsDropped: p.tcp.synsDropped,
      ...connectOutcomes(p.tcp),
      worstNode: { node: `node-${worst}`, peakEntries: this.peakSeen[worst]!, drops: t.drops[worst]! },
      hostEntriesByState: byState,
      connectionsOpened: p.opened,
      connectionsClosed: p.closed,
      connectionsOpenAtEnd: p.openConnections(),
      connectsWaitingAtEnd: p.tcp.waiting,
      localLegs: p.localLegs,
      pools: p.poolCount,
      poolsDrained: p.poolsDrained,
      stateBytes: p.bytes + t.bytes,
      services: this.ctx.services.map((s, i) => ({ name: s.name, connects: p.cxTotal[i]!, connectFailures: p.cxConnectFail[i]!, destroyed: p.cxDestroyed[i]!, openAtEnd: p.cxActive[i]! })),
      pairs: this.pairs(),
      series: this.recorder.series,
    };
  }

  private pairs(): ConnectionsResult['pairs'] {
    const byPair = this.pools.byPair;
    const name = (s: number) => (s === INGRESS_SERVICE ? GATEWAY_NAME : this.ctx.services[s]!.name);
    const out: ConnectionsResult['pairs'] = [];
    for (let k = 0; k < byPair.opened.length; k++) {
      if (byPair.opened[k] === 0) continue;
      const { caller, upstream } = byPair.pairOf(k);
      out.push({ caller: name(caller), upstream: name(upstream), opened: byPair.opened[k]!, openAtEnd: byPair.open[k]!, peakOpen: byPair.peakOpen[k]! });
    }
    return out;
  }

  /** What a live view shows while the run goes on: the series so far (closed intervals are final) and the tables' limit. */
  live(): LiveConnections {
    return { series: this.recorder.series, nfConntrackMax: this.tables.config.maxEntries };
  }
}

/** The connect latency histogram and outcomes of every connect so far (conntrack.md §6.3). */
function connectOutcomes(tcp: TcpConnects): Pick<ConnectionsResult, 'connectLatency' | 'connectsRetransmitted' | 'connectsAbandoned' | 'connectsTimedOut'> {
  const offsetsNs = tcp.synSchedule.sendOffsetsNs;
  const connectLatency = offsetsNs.map((atNs, k) => ({ atS: atNs / NS_PER_S, connects: tcp.establishedBySyn[k]! }));
  const connectsRetransmitted = connectLatency.reduce((n, bin, k) => (k === 0 ? n : n + bin.connects), 0);
  return { connectLatency, connectsRetransmitted, connectsAbandoned: tcp.abandoned, connectsTimedOut: tcp.timedOut };
}
