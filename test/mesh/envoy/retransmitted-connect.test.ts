import { describe, expect, it } from 'vitest';
import type { AccessLogRecord } from '../../../sim/mesh/index.ts';
import { CT_SYN_SENT } from '../../../sim/mesh/linux/conntrack-states.ts';
import { World } from '../../../sim/mesh/world.ts';
import { scenarioFrom } from '../../helpers/scenario.ts';
import { podsOf } from '../../helpers/world-pods.ts';

/**
 * back's node host table is full of abandoned SYN_SENT entries until they expire at about 1.5 s
 * (synSent 1.5 s, 100 ms wheel slots). front's one call, at about 1 s, loses its first SYN; the
 * kernel's retransmit 1 s later gets through. Network latency is the defaults' constant 250 us
 * across nodes, and back works 10 ms.
 */
const retransmitYaml = `
duration: 4s
cluster:
  nodes: 4
  conntrack: { enabled: true, nfConntrackMax: 1000, earlyDrop: false, gc: false, wheelSlot: 100ms, timeouts: { synSent: 1500ms } }
services:
  front: { replicas: 1, calls: [{ service: back }] }
  back: { replicas: 1, app: { serviceTime: 10ms } }
workload: [{ to: front, rate: 1/s, arrival: uniform, end: 1500ms }]
`;

describe('a connect that gets through on a retransmitted SYN (conntrack.md §2.1)', () => {
  it('sends its waiting request after the handshake: SYN, SYN-ACK and the request, 3 one-way trips after that SYN', () => {
    const s = scenarioFrom(retransmitYaml);
    const log: AccessLogRecord[] = [];
    const world = new World(s, s.seed, { accessLog: (r) => log.push(r), checkInvariants: true });
    const { pods } = world.ctx;
    const tables = world.connections!.pools.tables;
    const [backPod] = podsOf(world, 'back') as [number];
    const [frontPod] = podsOf(world, 'front') as [number];
    expect(pods.node[frontPod]).not.toBe(pods.node[backPod]);
    const t = tables.hostTable(pods.node[backPod]!);
    // Abandoned SYN_SENT entries: in the expiry wheel, nothing holds them.
    while (tables.admitSyn(t)) tables.release(t, CT_SYN_SENT, CT_SYN_SENT, 0, 0);
    world.runUntil(s.duration, 1e9);
    world.finish();
    const calls = log.filter((r) => r.upstreamPod === pods.names[backPod]);
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.responseCode).toBe(200);
    // 1 s to the retransmit, 3 x 250 us to the request's arrival, 10 ms of work, 250 us back.
    expect(call.durationNs).toBe(1_000_000_000 + 3 * 250_000 + 10_000_000 + 250_000);
  });
});
