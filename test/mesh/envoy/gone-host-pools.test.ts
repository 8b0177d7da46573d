import { describe, expect, it } from 'vitest';
import { World } from '../../../sim/mesh/world.ts';
import { GONE } from '../../../sim/mesh/kube/pods.ts';
import { scenarioFrom } from '../../helpers/scenario.ts';

/**
 * back scales from 6 pods to 2 at 2 s. Pools keep their connections an hour (idle timeout), so
 * only the gone pods' pools being drained can close the connections towards them.
 */
const yaml = `
duration: 8s
cluster: { nodes: 2, conntrack: { enabled: true } }
mesh: { sidecar: { concurrency: 2 } }
services:
  front: { replicas: 3, calls: [{ service: back }] }
  back: { replicas: 6, app: { serviceTime: 5ms } }
workload: [{ to: front, rate: 300/s }]
timeline:
  - { at: 2s, scale: { service: back, replicas: 2 } }
`;

/** front scales from 6 pods to 2 at 2 s: the gone pods' own sidecars' pools are drained too. */
const clientsYaml = `
duration: 8s
cluster: { nodes: 2, conntrack: { enabled: true } }
mesh: { sidecar: { concurrency: 2 } }
services:
  front: { replicas: 6, calls: [{ service: back }] }
  back: { replicas: 3, app: { serviceTime: 5ms } }
workload: [{ to: front, rate: 300/s }]
timeline:
  - { at: 2s, scale: { service: front, replicas: 2 } }
`;

describe("a gone pod's pools are drained", () => {
  it("no connection from a gone pod's sidecar is open at the end; the live ones keep theirs", () => {
    const s = scenarioFrom(clientsYaml);
    const world = new World(s, s.seed, { checkInvariants: true });
    world.runUntil(s.duration, 1e9);
    const result = world.finish();
    const { pods } = world.ctx;
    const pools = world.connections!.pools;
    const front = world.services.findIndex((x) => x.name === 'front');
    const gone: number[] = [];
    const live: number[] = [];
    for (let p = 0; p < pods.count; p++) if (pods.service[p] === front) (pods.phase[p] === GONE ? gone : live).push(p);
    expect(gone).toHaveLength(4);
    for (const p of gone) expect(pools.openFromClient(p), pods.names[p]).toBe(0);
    // Each live front pod keeps its pools to back: 3 hosts x 2 workers, an hour's idle timeout.
    for (const p of live) expect(pools.openFromClient(p), pods.names[p]).toBeGreaterThanOrEqual(6);
    const c = result.connections!;
    expect(c.connectionsClosed).toBeGreaterThanOrEqual(4 * 6);
    expect(c.connectionsOpened).toBe(c.connectionsClosed + c.connectionsOpenAtEnd);
  });

  it('no connection to a gone pod is open at the end; those closed count, opened = closed + open', () => {
    const s = scenarioFrom(yaml);
    const world = new World(s, s.seed, { checkInvariants: true });
    world.runUntil(s.duration, 1e9);
    const result = world.finish();
    const { pods } = world.ctx;
    const pools = world.connections!.pools;
    const back = world.services.findIndex((x) => x.name === 'back');
    const gone: number[] = [];
    const live: number[] = [];
    for (let p = 0; p < pods.count; p++) if (pods.service[p] === back) (pods.phase[p] === GONE ? gone : live).push(p);
    expect(gone).toHaveLength(4);
    for (const p of gone) expect(pools.openToHost(p), pods.names[p]).toBe(0);
    // Connections to the live pods stay open (an hour's idle timeout): 3 clients x 2 workers each at least.
    for (const p of live) expect(pools.openToHost(p), pods.names[p]).toBeGreaterThanOrEqual(6);
    const c = result.connections!;
    expect(c.connectionsClosed).toBeGreaterThanOrEqual(4 * 6);
    expect(c.connectionsOpened).toBe(c.connectionsClosed + c.connectionsOpenAtEnd);
  });
});
