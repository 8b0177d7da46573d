/**
 * conntrack.md §7 item 2, Little's law per table: E[count] = sum over lifecycle classes of
 * lambda x E[T]. Here every call opens a connection that lives 50 ms (its route timeout resets the
 * stream, which closes the HTTP/1.1 connection: envoy.md §4.3, http1/conn_pool.cc) and then sits
 * 120 s in TIME_WAIT: at 1,000 calls/s the server node's host table holds 1000 x (0.05 + 120) =
 * 120,050 entries once steady, within one wheel slot (100 entries at 100 ms slots).
 */
import { describe, expect, it } from 'vitest';
import { CT_ESTABLISHED, CT_STATES, CT_TIME_WAIT } from '../../../sim/mesh/linux/conntrack-states.ts';
import { World } from '../../../sim/mesh/world.ts';
import { scenarioFrom } from '../../helpers/scenario.ts';
import { podsOf } from '../../helpers/world-pods.ts';

const yaml = `
duration: 150s
cluster: { nodes: 2, conntrack: { enabled: true, nfConntrackMax: 1000000, wheelSlot: 100ms } }
mesh: { sidecar: { concurrency: 1 } }
services:
  front: { replicas: 1, app: { concurrency: 200 }, calls: [{ service: back, required: false }] }
  back:
    replicas: 1
    timeout: 50ms
    retries: { attempts: 0 }
    app: { serviceTime: 1s, concurrency: 2000 }
workload: [{ to: front, rate: 1000/s, arrival: uniform }]
`;

describe("Little's law in a host table (conntrack.md §7 item 2)", () => {
  it('1,000 connections/s living 50 ms, then 120 s in TIME_WAIT: 120,050 entries at steady state, within one 100 ms wheel slot', () => {
    const s = scenarioFrom(yaml);
    const world = new World(s, s.seed);
    const { pods } = world.ctx;
    const [front] = podsOf(world, 'front') as [number];
    const [back] = podsOf(world, 'back') as [number];
    expect(pods.node[front]).not.toBe(pods.node[back]);
    const tables = world.connections!.pools.tables;
    const t = tables.hostTable(pods.node[back]!);
    for (const atS of [130, 140, 150]) {
      world.runUntil(atS * 1e9, 1e9);
      const count = tables.count[t]!;
      expect(count, `at ${atS} s`).toBeGreaterThanOrEqual(120_050 - 1);
      expect(count, `at ${atS} s`).toBeLessThanOrEqual(120_150 + 1);
      // Of them, the 50 open ones (50 ms x 1,000/s) are ESTABLISHED; the rest wait in TIME_WAIT.
      expect(tables.byState[t * CT_STATES + CT_ESTABLISHED]).toBe(50);
      expect(tables.byState[t * CT_STATES + CT_TIME_WAIT]).toBe(count - 50);
    }
  });
});
