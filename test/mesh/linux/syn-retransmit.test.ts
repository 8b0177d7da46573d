import { describe, expect, it } from 'vitest';
import { NS_PER_S, Scheduler } from '../../../sim/engine/index.ts';
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
