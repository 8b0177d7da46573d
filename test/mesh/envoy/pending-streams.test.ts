/**
 * envoy.md §5 with connection pools: a stream that finds no ready connection is pending until its
 * pool attaches it to one. It is not in the host's rq_active meanwhile (least request cannot see
 * it: ConnPoolImplBase::attachStreamToClient increments rq_active), and it may wait only below
 * max_pending_requests; past that the pool fails it at once, 503 UO, never retried.
 */
import { describe, expect, it } from 'vitest';
import type { AccessLogRecord } from '../../../sim/mesh/index.ts';
import { ResponseFlag } from '../../../sim/metrics/index.ts';
import { CT_SYN_SENT } from '../../../sim/mesh/linux/conntrack-states.ts';
import { World } from '../../../sim/mesh/world.ts';
import { scenarioFrom } from '../../helpers/scenario.ts';
import { podsOf } from '../../helpers/world-pods.ts';

const S = 1e9;
/** The pool's 503 UF reaches the router as an answer from the client's own pod: one same-node hop (the default 25 us). */
const LOCAL_REPLY_NS = 25_000;

/**
 * back's node table is full of abandoned SYN_SENT entries that outlive the run, so no connect to
 * back ever completes: every call waits in front's one pool (1 worker) until Envoy's 10 s connect
 * timeout. 9 calls, 100 ms apart, from 0.1 s to 0.9 s.
 */
const yaml = (pending: string, synSent = '60s') => `
duration: 12s
cluster:
  nodes: 2
  conntrack: { enabled: true, nfConntrackMax: 1000, earlyDrop: false, gc: false, wheelSlot: 100ms, timeouts: { synSent: ${synSent} } }
mesh: { sidecar: { concurrency: 1 } }
services:
  front: { replicas: 1, calls: [{ service: back, required: false }] }
  back:
    replicas: 1
    retries: { attempts: 0 }
    trafficPolicy: { connectionPool: { http: { ${pending} } } }
workload: [{ to: front, rate: 10/s, arrival: uniform, end: 1s }]
`;

function run(pending: string, synSent?: string) {
  const s = scenarioFrom(yaml(pending, synSent));
  const log: AccessLogRecord[] = [];
  const world = new World(s, s.seed, { accessLog: (r) => log.push(r), checkInvariants: true, proxyConfigAt: [{ service: 'back', pod: 'front-0', atNs: 1.5 * S }] });
  const tables = world.connections!.pools.tables;
  const [back] = podsOf(world, 'back') as [number];
  const t = tables.hostTable(world.ctx.pods.node[back]!);
  while (tables.admitSyn(t)) tables.release(t, CT_SYN_SENT, CT_SYN_SENT, 0, 0);
  world.runUntil(s.duration, 1e9);
  const result = world.finish();
  const calls = log.filter((r) => r.upstreamCluster.includes('||back.'));
  return { result, calls };
}

describe('pending streams in a connection pool', () => {
  it('9 calls wait for connects that never complete: none is in rq_active; all fail 503 UF as the first connect times out (a connect failure purges every pending stream)', () => {
    const { result, calls } = run('');
    expect(world(result).rows.map((r) => r.rqActive)).toEqual([0]);
    expect(calls).toHaveLength(9);
    const firstStartNs = Math.min(...calls.map((c) => c.startNs));
    for (const c of calls) {
      expect(c.responseCode).toBe(503);
      expect(c.responseFlags).toBe(ResponseFlag.UF);
      expect(c.startNs + c.durationNs).toBe(firstStartNs + 10 * S + LOCAL_REPLY_NS);
    }
  });

  it('http1MaxPendingRequests 3: the first 3 wait (503 UF when the first connect times out), the other 6 overflow at once (503 UO, no wait)', () => {
    const { calls } = run('http1MaxPendingRequests: 3');
    expect(calls).toHaveLength(9);
    const uf = calls.filter((c) => c.responseFlags === ResponseFlag.UF);
    const uo = calls.filter((c) => c.responseFlags === ResponseFlag.UO);
    expect(uf).toHaveLength(3);
    expect(uo).toHaveLength(6);
    const firstStartNs = Math.min(...uf.map((c) => c.startNs));
    for (const c of uf) expect(c.startNs + c.durationNs).toBe(firstStartNs + 10 * S + LOCAL_REPLY_NS);
    for (const c of uo) {
      expect(c.responseCode).toBe(503);
      expect(c.durationNs).toBe(0);
    }
    // The waiters are the first three calls.
    expect(Math.max(...uf.map((c) => c.startNs))).toBeLessThan(Math.min(...uo.map((c) => c.startNs)));
  });
});

describe('max_requests at attach', () => {
  it('HTTP/2, http2MaxRequests 2: 9 streams wait for the one connect (its SYNs at 0.1 and 1.1 s dropped, the one at 3.1 s through); as it completes 2 are attached and 7 fail 503 UO then', () => {
    // back's table entries expire at 1.5 s (synSent 1.5 s): the retransmit at 3.1 s gets through.
    const { calls } = run('h2UpgradePolicy: UPGRADE, http2MaxRequests: 2', '1500ms');
    expect(calls).toHaveLength(9);
    const ok = calls.filter((c) => c.responseCode === 200);
    const uo = calls.filter((c) => c.responseFlags === ResponseFlag.UO);
    expect(ok).toHaveLength(2);
    expect(uo).toHaveLength(7);
    const firstStartNs = Math.min(...calls.map((c) => c.startNs));
    for (const c of uo) expect(c.startNs + c.durationNs).toBe(firstStartNs + 3 * S);
  });
});

function world(result: ReturnType<World['finish']>) {
  return result.proxyConfigs[0]!;
}
