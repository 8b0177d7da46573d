import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConnectionsResult } from '../../sim/mesh/connections.ts';
import { CT_STATE_NAMES } from '../../sim/mesh/linux/conntrack-states.ts';
import type { ConntrackTables } from '../../sim/mesh/linux/conntrack-tables.ts';
import { PodNetnsOccupancy } from '../../sim/mesh/linux/pod-netns-occupancy.ts';
import { World } from '../../sim/mesh/world.ts';
import { NODE_SERIES, nodeSumAt, type ConnectionSeries } from '../../sim/metrics/index.ts';
import { conntrackCsv } from '../../sim/run/documents.ts';
import { runScenario } from '../../sim/run/index.ts';
import { connectionMesh } from '../helpers/connection-mesh.ts';
import { scenarioFrom } from '../helpers/scenario.ts';
import { tablesFor } from './linux/tables-helper.ts';
import { podsOf } from '../helpers/world-pods.ts';

function run(yaml: string): { c: ConnectionsResult; tables: ConntrackTables } {
  const s = scenarioFrom(yaml);
  const world = new World(s, s.seed);
  world.runUntil(s.duration, 1e9);
  const tables = world.connections!.tables;
  return { c: world.connections!.result(), tables };
}

/**
 * conntrack.md §6.3's per-table series, each node's host netns: entries by state add up to the
 * entries; from one interval's end to the next, entries change by inserts less expiries, early
 * drops and GC evictions; the peak is at least the entries at either end and at most
 * nf_conntrack_max; and the counters summed over the intervals are the tables' own totals.
 */
function expectSeriesAccountFor(cs: ConnectionSeries, tables: ConntrackTables, max: number): void {
  const at = (name: (typeof NODE_SERIES)[number], i: number, n: number) => cs.node[name][i * cs.nodes + n]!;
  for (let n = 0; n < cs.nodes; n++) {
    let before = 0;
    for (let i = 0; i < cs.intervals; i++) {
      const entries = at('entries', i, n);
      const where = `node ${n}, interval ${i}`;
      expect(at('synSent', i, n) + at('established', i, n) + at('timeWait', i, n) + at('close', i, n), where).toBe(entries);
      expect(entries - before, where).toBe(at('inserts', i, n) - at('expired', i, n) - at('earlyDrops', i, n) - at('gcEvictions', i, n));
      expect(at('peakEntries', i, n), where).toBeGreaterThanOrEqual(Math.max(before, entries));
      expect(at('peakEntries', i, n), where).toBeLessThanOrEqual(max);
      before = entries;
    }
    const total = (name: (typeof NODE_SERIES)[number]) => cs.node[name].filter((_, k) => k % cs.nodes === n).reduce((a, b) => a + b, 0);
    expect([total('inserts'), total('drops'), total('earlyDrops'), total('gcEvictions'), total('expired')], `node ${n}`).toEqual([
      tables.inserts[n],
      tables.drops[n],
      tables.earlyDrops[n],
      tables.gcEvictions[n],
      tables.expired[n],
    ]);
  }
}

/** Two nodes, nf_conntrack_max 60, a 300 ms idle timeout: tables fill, churn into TIME_WAIT and evict. */
const filling = (earlyDrop: boolean, gc: boolean) => `
seed: 3
duration: 8s
metrics: { interval: 500ms }
cluster:
  nodes: 2
  conntrack: { enabled: true, nfConntrackMax: 60, earlyDrop: ${earlyDrop}, gc: ${gc}, wheelSlot: 100ms, timeouts: { timeWait: 2s, synSent: 3s } }
mesh: { connectTimeout: 500ms }
services:
  front: { replicas: 4, calls: [{ service: back }] }
  back:
    replicas: 10
    app: { serviceTime: 5ms }
    trafficPolicy: { connectionPool: { http: { idleTimeout: 300ms } } }
workload: [{ to: front, rate: 300/s }]
`;

describe('the per-interval conntrack series (conntrack.md §6.3)', () => {
  it.each([
    // Early drop takes one entry per SYN that finds the table full, so the rest expire.
    ['early_drop', true, false, 'earlyDrops', ['expired']],
    // The GC worker evicts everything evictable once a table is at 95 %: nothing lives to expire.
    ['the GC worker', false, true, 'gcEvictions', []],
  ] as const)('accounts for every entry when %s evicts', (_, earlyDrop, gc, evictions, also) => {
    const { c, tables } = run(filling(earlyDrop, gc));
    const cs = c.series;
    expectSeriesAccountFor(cs, tables, 60);
    // Not vacuous: the tables filled, dropped, evicted and expired, and held every state.
    const sum = (name: (typeof NODE_SERIES)[number]) => Array.from({ length: cs.intervals }, (_, i) => nodeSumAt(cs, name, i)).reduce((a, b) => a + b, 0);
    for (const name of ['drops', evictions, ...also, 'synSent', 'established', 'timeWait'] as const) expect(sum(name), name).toBeGreaterThan(0);
    expect(sum(evictions === 'earlyDrops' ? 'gcEvictions' : 'earlyDrops')).toBe(0);
  });

  it("ends where the summary does: the last interval's entries by state are summary.conntrack.hostEntriesByState", () => {
    const { c } = run(filling(true, true));
    const last = c.series.intervals - 1;
    const names = ['synSent', 'established', 'timeWait', 'close'] as const;
    expect(Object.fromEntries(CT_STATE_NAMES.map((state, s) => [state, nodeSumAt(c.series, names[s]!, last)]))).toEqual(c.hostEntriesByState);
  });

  it('holds for any small mesh with tables small enough to fill', () => {
    fc.assert(
      fc.property(connectionMesh, (yaml) => {
        const s = scenarioFrom(yaml);
        const { c, tables } = run(yaml);
        expectSeriesAccountFor(c.series, tables, s.cluster.conntrack.nfConntrackMax!);
      }),
      { numRuns: 25 },
    );
  });

  it("is conntrack.csv, column for column, node rows and service rows", () => {
    const result = runScenario(scenarioFrom(filling(true, true)));
    const cs = result.connectionSeries!;
    const [header, ...rows] = conntrackCsv([result])!.trim().split('\n').map((l) => l.split(','));
    expect(header).toEqual(expect.arrayContaining(['inserts', 'early_drops', 'gc_evictions', 'expired', 'syn_sent', 'time_wait', 'pod_netns_peak_max', 'pod_netns_peak_p99']));
    const nodeRows = rows.filter((r) => r[2] === 'node');
    expect(nodeRows).toHaveLength(cs.nodes * cs.intervals);
    for (const row of nodeRows) {
      const n = Number(row[3]!.slice('node-'.length));
      const i = Math.round(Number(row[4]) / 0.5);
      for (const name of NODE_SERIES) {
        const column = header!.indexOf(name.replace(/[A-Z0-9]+/g, (m) => `_${m.toLowerCase()}`));
        expect(Number(row[column]), `${row[3]} ${row[4]} s ${name}`).toBe(cs.node[name][i * cs.nodes + n]);
      }
    }
    const serviceRows = rows.filter((r) => r[2] === 'service');
    expect(serviceRows).toHaveLength(cs.services.length * cs.intervals);
    for (const row of serviceRows) {
      const s = cs.services.indexOf(row[3]!);
      const i = Math.round(Number(row[4]) / 0.5);
      for (const [name, column] of [['connects', 'connects'], ['connectFailures', 'connect_failures'], ['poolConnections', 'pool_connections']] as const) {
        expect(Number(row[header!.indexOf(column)]), `${row[3]} ${row[4]} s ${name}`).toBe(cs.service[name][i * cs.services.length + s]);
      }
    }
  });
});

describe("a node's pod netns occupancy (conntrack.md §6.3: maximum and p99 of the pod netns)", () => {
  /** Pod p on node `nodes[p]`, its table filled to peaks[p] entries, or with no table yet when peaks[p] is null. */
  function occupancy(nodes: number[], peaks: (number | null)[], gone: (pod: number) => boolean = () => false): PodNetnsOccupancy {
    const tables = tablesFor({ nodes: 3, maxEntries: 1000 });
    peaks.forEach((peak, pod) => {
      if (peak === null) return;
      const t = tables.podTable(pod, nodes[pod]!);
      for (let k = 0; k < peak; k++) tables.admitSyn(t);
    });
    const o = new PodNetnsOccupancy(3);
    o.read(tables, { count: nodes.length, node: nodes, gone });
    return o;
  }

  it('is the highest and the nearest-rank p99 of the peaks of the pods on each node', () => {
    // Node 0: 200 pods with peaks 1..200 (shuffled by pod id): p99 is the 198th smallest.
    // Node 1: three pods, 5, 0, 9: with fewer than 100 pods, p99 is the highest. Node 2: none.
    // A pod on no node (the ingress gateway's netns) counts nowhere.
    const peaks = Array.from({ length: 200 }, (_, k) => ((k * 37) % 200) + 1);
    const o = occupancy([...peaks.map(() => 0), 1, 1, 1, -1], [...peaks, 5, 0, 9, 400]);
    expect(Array.from(o.peakMax)).toEqual([200, 9, 0]);
    expect(Array.from(o.peakP99)).toEqual([198, 9, 0]);
  });

  it('counts a pod whose netns has no table yet as holding no entry', () => {
    // Node 2: 100 pods, two with tables (50, 60): p99 is the 99th smallest of 98 zeros, 50, 60.
    const nodes = Array.from({ length: 100 }, () => 2);
    const peaks = nodes.map((_, k) => (k === 10 ? 50 : k === 70 ? 60 : null));
    const o = occupancy(nodes, peaks);
    expect(Array.from(o.peakMax)).toEqual([0, 0, 60]);
    expect(Array.from(o.peakP99)).toEqual([0, 0, 50]);
  });

  it("leaves out gone pods' netns: they went with their pods", () => {
    // Node 1's pods 0 (peak 9) and 2 (peak 30, gone): the highest is 9.
    const o = occupancy([1, 1, 1], [9, 4, 30], (pod) => pod === 2);
    expect(Array.from(o.peakMax)).toEqual([0, 9, 0]);
  });

  it('reads the peak within the interval, not the entries left at its end', () => {
    const tables = tablesFor({ nodes: 1, maxEntries: 1000, slotS: 1 });
    const t = tables.podTable(0, 0);
    for (let k = 0; k < 7; k++) tables.admitSyn(t);
    // Four of the seven SYN_SENT entries are released and expire at once (timeout already past).
    for (let k = 0; k < 4; k++) tables.release(t, 0, 0, 0, 200e9);
    const o = new PodNetnsOccupancy(1);
    o.read(tables, { count: 1, node: [0], gone: () => false });
    expect(tables.count[t]).toBe(3);
    expect(o.peakMax[0]).toBe(7);
  });

  it("is what a run's pod netns tables hold: 120 pods on one node, entries that only grow", () => {
    // Connections never idle out (1 h) and nothing expires within 3 s, so each pod netns table
    // only grows and its last interval's peak is its count at the end.
    const yaml = `
duration: 3s
cluster: { nodes: 1, conntrack: { enabled: true } }
services:
  a: { replicas: 20, calls: [{ service: b }] }
  b: { replicas: 100 }
workload: [{ to: a, rate: 400/s }]
`;
    const s = scenarioFrom(yaml);
    const world = new World(s, s.seed);
    world.runUntil(s.duration, 1e9);
    const c = world.connections!.result();
    const { pods } = world.ctx;
    const tables = world.connections!.tables;
    const counts = Float64Array.from(podsOf(world, 'a').concat(podsOf(world, 'b')), (pod) => tables.count[tables.podTable(pod, pods.node[pod]!)]!).sort();
    expect(counts).toHaveLength(120);
    expect(counts[0]).toBeLessThan(counts[119]!); // the pods differ: max and p99 are not the same pod's
    const last = c.series.intervals - 1;
    expect(c.series.node.podNetnsPeakMax[last]).toBe(counts[119]);
    expect(c.series.node.podNetnsPeakP99[last]).toBe(counts[Math.ceil(0.99 * 120) - 1]);
  });
});
