import { describe, expect, it } from 'vitest';
import { INGRESS_SERVICE } from '../../../sim/mesh/kube/pods.ts';
import { World } from '../../../sim/mesh/world.ts';
import { scenarioFrom } from '../../helpers/scenario.ts';
import { podsOf } from '../../helpers/world-pods.ts';

/**
 * conntrack.md §1.5: conntrack runs in a netns only when its rules need it; a sidecar pod's netns
 * needs it for Istio's REDIRECT capture (§3.3). The ingress gateway's Envoy captures nothing, so
 * its connections to web hold entries only where they pass tracked netns: web's node's host
 * table and web's pod netns (the gateway has no node in this model).
 */
describe("the ingress gateway's netns", () => {
  it('tracks none of its connections: they hold entries in the server node and pod only', () => {
    const s = scenarioFrom(`
duration: 3s
cluster: { nodes: 1, conntrack: { enabled: true } }
services:
  web: { replicas: 1, app: { serviceTime: 100ms, concurrency: 100 } }
workload: [{ to: web, rate: 50/s, arrival: uniform }]
`);
    const world = new World(s, s.seed);
    world.runUntil(s.duration, 1e9);
    const { pods } = world.ctx;
    const tables = world.connections!.pools.tables;
    const c = world.finish().connections!;
    const web = podsOf(world, 'web')[0]!;
    let gateway = -1;
    for (let p = 0; p < pods.count; p++) if (pods.service[p] === INGRESS_SERVICE) gateway = p;
    expect(gateway).toBeGreaterThanOrEqual(0);
    // About 5 requests in flight (50/s x 100 ms): HTTP/1.1 pools opened a connection for each.
    const open = c.services.find((x) => x.name === 'web')!.openAtEnd;
    expect(open).toBeGreaterThan(2);
    expect(c.connectionsOpenAtEnd).toBe(open);
    expect(tables.count[tables.podTable(gateway, pods.node[gateway]!)]).toBe(0);
    expect(tables.count[tables.hostTable(pods.node[web]!)]).toBe(open);
    // web's pod netns: each connection's entry, plus the inbound local legs to its app.
    expect(tables.count[tables.podTable(web, pods.node[web]!)]).toBe(open + c.localLegs);
  });
});
