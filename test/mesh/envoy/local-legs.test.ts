import { describe, expect, it } from 'vitest';
import { CT_ESTABLISHED, CT_SYN_SENT } from '../../../sim/mesh/linux/conntrack-states.ts';
import { World } from '../../../sim/mesh/world.ts';
import { runScenario } from '../../../sim/run/index.ts';
import { scenarioFrom } from '../../helpers/scenario.ts';
import { podsOf } from '../../helpers/world-pods.ts';

/**
 * back's nodes' host tables are full before the run (nothing evicts: no early_drop, no GC), so
 * every SYN towards back is dropped and, within Istio's 10 s connect timeout, no call reaches it.
 */
const fullTablesYaml = `
duration: 5s
cluster: { nodes: 4, conntrack: { enabled: true, nfConntrackMax: 1000, earlyDrop: false, gc: false } }
services:
  front: { replicas: 2, calls: [{ service: back, required: false }] }
  back: { replicas: 2 }
workload: [{ to: front, rate: 100/s }]
`;

/**
 * conntrack.md §3.2: the app's connection to its own sidecar carries the request, and Envoy's
 * retries reuse it, so a request holds one outbound local leg however many attempts it makes. The
 * inbound leg (sidecar -> app at the host) is per attempt: each attempt reaches its host's app.
 *
 * One front pod sends one request at a time (2/s, 500 ms apart); back answers after 100 ms, so
 * its 30 ms per-try timeout gives up each try and all three overlap at the one back pod.
 */
describe('local legs (conntrack.md §3.2)', () => {
  it('a request holds one app -> sidecar leg across its retries; each attempt its own sidecar -> app leg', () => {
    const result = runScenario(
      scenarioFrom(`
duration: 3s
cluster: { nodes: 1, conntrack: { enabled: true } }
services:
  front: { replicas: 1, calls: [{ service: back }] }
  back:
    replicas: 1
    app: { serviceTime: 100ms, concurrency: 100 }
    retries: { attempts: 2, perTryTimeout: 30ms, retryOn: 5xx, backoff: 5ms }
workload: [{ to: front, rate: 2/s, arrival: uniform, end: 2s }]
`),
      { checkInvariants: true },
    );
    const back = result.summary.services.find((s) => s.name === 'back')!;
    expect(back.attempts).toBe(3 * back.startedTotal);
    // front: 1 inbound leg (one page at a time) + 1 outbound; back: 3 inbound (three tries at once).
    expect(result.summary.conntrack!.localLegs).toBe(1 + 1 + 3);
  });

  it('an attempt waiting for a connect holds no sidecar -> app leg at its host: no entry in the host pod netns', () => {
    const s = scenarioFrom(fullTablesYaml);
    // No checkers: the entries filling the tables are held by no connection, which connectionsConserved would flag.
    const world = new World(s, s.seed);
    const { pods } = world.ctx;
    const tables = world.connections!.pools.tables;
    const backPods = podsOf(world, 'back');
    const frontPods = podsOf(world, 'front');
    const backNodes = new Set(backPods.map((p) => pods.node[p]!));
    // The test needs back alone on its nodes, so that front's own connections still go through.
    for (const p of frontPods) expect(backNodes.has(pods.node[p]!)).toBe(false);
    for (const n of backNodes) {
      const t = tables.hostTable(n);
      while (tables.admitSyn(t)) tables.transition(t, CT_SYN_SENT, CT_ESTABLISHED);
    }
    world.runUntil(s.duration, 1e9);
    const c = world.finish().connections!;
    expect(c.hostDrops).toBeGreaterThan(0);
    // front called back all along (a connect per call in flight), and no connection to it opened.
    expect(c.connectsWaitingAtEnd).toBeGreaterThan(0);
    expect(c.services.find((x) => x.name === 'back')!.connects).toBe(0);
    // Nothing reached back: its pod netns has no entry at all (no inbound local leg).
    for (const p of backPods) expect(tables.count[tables.podTable(p, pods.node[p]!)]!, pods.names[p]).toBe(0);
    // front's pods hold their outbound legs (app -> sidecar) for the calls waiting in the pools.
    for (const p of frontPods) expect(tables.count[tables.podTable(p, pods.node[p]!)]!, pods.names[p]).toBeGreaterThan(0);
  });
});
