import { describe, expect, it } from 'vitest';
import { NS_PER_S, Rng, Scheduler } from '../../../sim/engine/index.ts';
import { EventKind } from '../../../sim/mesh/event-kinds.ts';
import { ConntrackTables } from '../../../sim/mesh/linux/conntrack-tables.ts';
import { CT_ESTABLISHED, CT_SYN_SENT } from '../../../sim/mesh/linux/conntrack-states.ts';
import { synSchedule } from '../../../sim/mesh/linux/syn-retransmit.ts';
import { CONNECTED, TcpConnects } from '../../../sim/mesh/linux/tcp-connect.ts';
import { tablesFor } from './tables-helper.ts';

describe('kernel SYN schedule (conntrack.md §2.1)', () => {
  it('classic: SYNs at 0, 1, 3, 7, 15, 31, 63 s and ETIMEDOUT at 127 s', () => {
    const s = synSchedule(6, 0);
    expect(s.sendOffsetsNs.map((t) => t / NS_PER_S)).toEqual([0, 1, 3, 7, 15, 31, 63]);
    expect(s.giveUpNs / NS_PER_S).toBe(127);
  });

  it('>= 6.5 (tcp_syn_linear_timeouts = 4): SYNs at 0, 1, 2, 3, 4, 5, 7, 11, 19, 35, 67 s and ETIMEDOUT at 131 s', () => {
    const s = synSchedule(6, 4);
    expect(s.sendOffsetsNs.map((t) => t / NS_PER_S)).toEqual([0, 1, 2, 3, 4, 5, 7, 11, 19, 35, 67]);
    expect(s.giveUpNs / NS_PER_S).toBe(131);
  });
});

/**
 * A connect whose SYNs meet a full table: the table frees one slot after `freeAtS`, so the
 * connect succeeds on the first SYN sent at or after it. Returns when it succeeded (s after the
 * first SYN), or null if it timed out.
 */
function connectThroughFullTable(linear: number, freeAtS: number): { atS: number | null; syns: number } {
  let establishedAtNs = -1;
  let timedOut = false;
  const sim = new Scheduler((kind, a, b) => {
    if (kind === EventKind.SYN_RETRANSMIT) tcp.onRetransmit(a, b);
    else if (kind === EventKind.TCP_CONNECT_GIVE_UP) tcp.onGiveUp(a, b);
    else if (kind === 98) freeOne();
  });
  const tables = tablesFor({ nodes: 1, maxEntries: 3, earlyDrop: false });
  // Fill the host table with 3 held (assured) entries: nothing can evict them.
  for (let i = 0; i < 3; i++) {
    expect(tables.admitSyn(0)).toBe(true);
    tables.transition(0, CT_SYN_SENT, CT_ESTABLISHED);
  }
  const freeOne = (): void => tables.release(0, CT_ESTABLISHED, CT_ESTABLISHED, -1e18, sim.nowNs);
  const tcp = new TcpConnects(sim, tables, synSchedule(6, linear), {
    established: () => (establishedAtNs = sim.nowNs),
    timedOut: () => (timedOut = true),
  });
  sim.post(freeAtS * NS_PER_S - 1, 98);
  const path = Int32Array.of(0);
  expect(tcp.connect(path, 1, 0, Infinity)).not.toBe(CONNECTED);
  sim.run(200 * NS_PER_S, 1e6);
  expect(timedOut).toBe(establishedAtNs < 0);
  return { atS: establishedAtNs < 0 ? null : establishedAtNs / NS_PER_S, syns: tcp.synsSent };
}

describe('connect through a full table', () => {
  it('classic: succeeds on the next scheduled SYN after a slot frees: 1, 3, 7, 15, 31, 63 s; ETIMEDOUT after that', () => {
    expect([0.5, 2, 5, 10, 20, 40].map((f) => connectThroughFullTable(0, f).atS)).toEqual([1, 3, 7, 15, 31, 63]);
    expect(connectThroughFullTable(0, 64)).toEqual({ atS: null, syns: 7 });
  });

  it('>= 6.5: 1, 2, 3, 4, 5, 7, 11, 19, 35, 67 s; ETIMEDOUT after that', () => {
    expect([0.5, 1.5, 2.5, 3.5, 4.5, 6, 10, 15, 30, 50].map((f) => connectThroughFullTable(4, f).atS)).toEqual([1, 2, 3, 4, 5, 7, 11, 19, 35, 67]);
    expect(connectThroughFullTable(4, 68)).toEqual({ atS: null, syns: 11 });
  });

  it('a SYN dropped at the second table leaves the first one a SYN_SENT entry that retransmits do not renew', () => {
    const sim = new Scheduler((kind, a, b) => {
      if (kind === EventKind.SYN_RETRANSMIT) tcp.onRetransmit(a, b);
    });
    const tables = tablesFor({ nodes: 2, maxEntries: 1, earlyDrop: false });
    expect(tables.admitSyn(1)).toBe(true); // node 1's host table is full
    const tcp = new TcpConnects(sim, tables, synSchedule(6, 0), { established: () => {}, timedOut: () => {} });
    const a = tcp.connect(Int32Array.of(0, 1), 2, 7, 10 * NS_PER_S);
    sim.run(9 * NS_PER_S, 1e6);
    expect(tables.byState[0 * 4 + CT_SYN_SENT]).toBe(1);
    expect(tables.drops[1]).toBe(4); // SYNs at 0, 1, 3, 7 s
    expect(tables.inserts[0]).toBe(1); // not re-inserted by the retransmits
    tcp.abandon(a);
    // The entry made at 0 s expires 120 s after it, not after the last retransmit.
    tables.tick(119 * NS_PER_S);
    expect(tables.count[0]).toBe(1);
    tables.tick(120 * NS_PER_S);
    expect(tables.count[0]).toBe(0);
  });
});

/**
 * conntrack.md §6.4 item 4: when every SYN is dropped independently with probability p, a connect
 * gets through on SYN k (sent t_k after the first) with probability p^k (1 - p), and one that
 * Envoy's 10 s connect timeout cuts has had every SYN sent before 10 s dropped: p^4 on a classic
 * kernel (0, 1, 3, 7 s), p^7 on >= 6.5 (0, 1, 2, 3, 4, 5, 7 s). The tables here drop i.i.d.
 * (a seeded Bernoulli in place of a table's admission), so only the SYN schedule and the connect
 * bookkeeping are under test; the outcome counts are the run's connect latency histogram
 * (summary.conntrack.connectLatency), checked by a chi-square test at the 0.1 % level.
 */
describe('connect latency under i.i.d. SYN drops (conntrack.md §6.4 item 4)', () => {
  const CONNECTS = 20_000;

  function histogram(linear: number, p: number): { bySyn: number[]; cut: number; offsetsS: number[] } {
    const random = new Rng(11).stream('test/syn-drops');
    const tables = { admitSyn: () => random.nextUnit() >= p, transition: () => {}, release: () => {} } as unknown as ConntrackTables;
    const sim = new Scheduler((kind, a, b) => {
      if (kind === EventKind.SYN_RETRANSMIT) tcp.onRetransmit(a, b);
    });
    const tcp = new TcpConnects(sim, tables, synSchedule(6, linear), { established: () => {}, timedOut: () => {} });
    const path = Int32Array.of(0);
    for (let i = 0; i < CONNECTS; i++) tcp.connect(path, 1, i, 10 * NS_PER_S);
    sim.run(10 * NS_PER_S, 1e7);
    // Envoy's connect timeout closes whatever still waits (no retransmit at or after it is scheduled).
    const waiting = tcp.waiting;
    expect(tcp.started).toBe(CONNECTS);
    const offsetsS = tcp.synSchedule.sendOffsetsNs.map((t) => t / NS_PER_S).filter((t) => t < 10);
    const bySyn = [...tcp.establishedBySyn].slice(0, offsetsS.length);
    expect(bySyn.reduce((a, b) => a + b, 0) + waiting).toBe(CONNECTS);
    return { bySyn, cut: waiting, offsetsS };
  }

  function chiSquare(observed: number[], probabilities: number[]): number {
    return observed.reduce((x, o, i) => x + (o - CONNECTS * probabilities[i]!) ** 2 / (CONNECTS * probabilities[i]!), 0);
  }

  it('classic: SYN k at 0, 1, 3, 7 s with p^k (1 - p); cut at 10 s with p^4', () => {
    const p = 0.4;
    const { bySyn, cut, offsetsS } = histogram(0, p);
    expect(offsetsS).toEqual([0, 1, 3, 7]);
    const expected = [...offsetsS.map((_, k) => p ** k * (1 - p)), p ** 4];
    // 4 degrees of freedom: 18.47 at the 0.1 % level.
    expect(chiSquare([...bySyn, cut], expected)).toBeLessThan(18.47);
  });

  it('>= 6.5: SYN k at 0, 1, 2, 3, 4, 5, 7 s with p^k (1 - p); cut at 10 s with p^7', () => {
    const p = 0.6;
    const { bySyn, cut, offsetsS } = histogram(4, p);
    expect(offsetsS).toEqual([0, 1, 2, 3, 4, 5, 7]);
    const expected = [...offsetsS.map((_, k) => p ** k * (1 - p)), p ** 7];
    // 7 degrees of freedom: 24.32 at the 0.1 % level.
    expect(chiSquare([...bySyn, cut], expected)).toBeLessThan(24.32);
  });
});

describe('per-netns independence (conntrack.md §1.5, §6.4 item 5)', () => {
  it("a pod netns at nf_conntrack_max drops its own SYNs only: the node's host netns and the other pods are unaffected", () => {
    const sim = new Scheduler((kind, a, b) => {
      if (kind === EventKind.SYN_RETRANSMIT) tcp.onRetransmit(a, b);
    });
    const tables = tablesFor({ nodes: 2, maxEntries: 5, earlyDrop: true });
    const tcp = new TcpConnects(sim, tables, synSchedule(6, 0), { established: () => {}, timedOut: () => {} });
    const host0 = tables.hostTable(0);
    const [full, other, server] = [tables.podTable(0, 0), tables.podTable(1, 0), tables.podTable(2, 1)];
    // Pod 0's netns holds 5 established entries of connections to its own sidecar (local legs).
    for (let i = 0; i < 5; i++) {
      expect(tables.admitSyn(full)).toBe(true);
      tables.transition(full, CT_SYN_SENT, CT_ESTABLISHED);
    }
    const a = tcp.connect(Int32Array.of(full, host0, tables.hostTable(1), server), 4, 0, 10 * NS_PER_S);
    expect(a).not.toBe(CONNECTED);
    // Dropped at its first table: no table after it on the path saw the SYN.
    expect([tables.count[host0], tables.count[tables.hostTable(1)], tables.count[server]]).toEqual([0, 0, 0]);
    // The other pod on the same node connects through the same host table at once.
    expect(tcp.connect(Int32Array.of(other, host0, tables.hostTable(1), server), 4, 1, 10 * NS_PER_S)).toBe(CONNECTED);
    sim.run(10 * NS_PER_S, 1e6);
    expect(tables.drops[full]).toBe(4); // SYNs at 0, 1, 3, 7 s
    expect([tables.drops[host0], tables.drops[other], tables.drops[server]]).toEqual([0, 0, 0]);
    expect([tables.count[host0], tables.count[other], tables.count[server]]).toEqual([1, 1, 1]);
    expect(tables.earlyDrops[full]).toBe(0); // nothing of its own to evict, and nobody else's
  });
});
