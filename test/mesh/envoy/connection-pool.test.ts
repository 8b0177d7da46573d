import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { World } from '../../../sim/mesh/world.ts';
import { runScenario } from '../../../sim/run/index.ts';
import { conntrackCsv } from '../../../sim/run/documents.ts';
import { scenarioFrom } from '../../helpers/scenario.ts';
import { podsOf } from '../../helpers/world-pods.ts';
import { connectionMesh } from '../../helpers/connection-mesh.ts';

/**
 * conntrack.md §3.4 from the model's own counting: every pool of every (client, host, worker)
 * triple opens its one connection, and the tables count the entries on each path.
 */
function staticCounts(yaml: string, clientService: string, serverService: string, onlyNode?: number) {
  const world = new World(scenarioFrom(yaml), 1);
  const { pods } = world.ctx;
  const pools = world.connections!.pools;
  const clients = podsOf(world, clientService);
  const servers = podsOf(world, serverService);
  const workers = world.services[pods.service[clients[0]!]!]!.lifecycle.workers;
  let opened = 0;
  for (const c of clients) {
    for (const h of servers) {
      if (c === h) continue;
      // Only the connections that touch the node asked about (the all-to-all case has 32 M).
      if (onlyNode !== undefined && pods.node[c] !== onlyNode && pods.node[h] !== onlyNode) continue;
      for (let w = 0; w < workers; w++) {
        expect(pools.openIdle(c, h, w)).toBe(true);
        opened++;
      }
    }
  }
  const t = pools.tables;
  return { world, opened, host: (n: number) => t.count[t.hostTable(n)]!, pod: (p: number) => t.count[t.podTable(p, pods.node[p]!)]!, clients, servers };
}

describe('connection combinatorics (conntrack.md §3.4)', () => {
  it('(b) 2000 clients -> 2000 servers, 25 + 25 per node, W = 2: 198 750 host-netns entries on a node', () => {
    const yaml = `
duration: 1s
cluster: { nodes: 80, conntrack: { enabled: true, nfConntrackMax: 4000000 } }
services:
  client: { replicas: 2000, calls: [{ service: server }] }
  server: { replicas: 2000 }
workload: [{ to: client, rate: 1/s }]
`;
    const c = staticCounts(yaml, 'client', 'server', 0);
    // Those touching node 0: its 25 clients x 2000 servers + 1975 other clients x its 25 servers, x W.
    expect(c.opened).toBe(2 * (25 * 2000 + 1975 * 25));
    expect(c.host(0)).toBe(198_750);
    // Pod netns: W x 2000 per pod, out for a client, in for a server (§3.2).
    const on0 = (ids: number[]) => ids.find((p) => c.world.ctx.pods.node[p] === 0)!;
    expect(c.pod(on0(c.clients))).toBe(4000);
    expect(c.pod(on0(c.servers))).toBe(4000);
  }, 240_000);

  it('(a) 4000 pods all-to-all, 50 per node, W = 2: 7 998 connections out and in per pod, 794 900 host-netns entries on a node', () => {
    const yaml = `
duration: 1s
cluster: { nodes: 80, conntrack: { enabled: true, nfConntrackMax: 4000000 } }
services:
  mesh: { replicas: 4000 }
workload: [{ to: mesh, rate: 1/s }]
`;
    const c = staticCounts(yaml, 'mesh', 'mesh', 0);
    expect(c.host(0)).toBe(794_900);
    const onNode0 = c.clients.find((p) => c.world.ctx.pods.node[p] === 0)!;
    // W x (N - 1) = 7 998 out and as many in (§3.4 (a)).
    expect(c.pod(onNode0)).toBe(7998 + 7998);
  }, 240_000);
});

describe('connection conservation', () => {
  it('opened = closed + open, tables agree with the pools, no table over nf_conntrack_max, every request ends once', () => {
    fc.assert(
      fc.property(connectionMesh, (yaml) => {
        const result = runScenario(scenarioFrom(yaml), { checkInvariants: true });
        const c = result.summary.conntrack!;
        expect(c.connectionsOpened).toBe(c.connectionsClosed + c.connectionsOpenAtEnd);
        for (const s of [...result.summary.services, ...result.summary.workloads]) expect(s.requests + s.inFlightAtEnd, s.name).toBe(s.startedTotal);
        // A UF from a connect failure is counted as such, per upstream service.
        const back = result.summary.services.find((s) => s.name === 'back')!;
        expect(back.flags.UF ?? 0).toBeLessThanOrEqual(back.requests);
      }),
      { numRuns: 40 },
    );
  });

  it('fills: a table at nf_conntrack_max drops SYNs and requests fail 503 UF after the connect timeout', () => {
    const result = runScenario(
      scenarioFrom(`
duration: 20s
cluster: { nodes: 2, conntrack: { enabled: true, nfConntrackMax: 30, earlyDrop: false } }
services:
  front: { replicas: 4, calls: [{ service: back }] }
  back: { replicas: 20 }
workload: [{ to: front, rate: 200/s }]
`),
      { checkInvariants: true },
    );
    const c = result.summary.conntrack!;
    expect(c.drops).toBeGreaterThan(0);
    expect(c.worstNode.peakEntries).toBe(30);
    const front = result.summary.services.find((s) => s.name === 'front')!;
    expect(front.flags.UF).toBeGreaterThan(0);
    // conntrack.csv: a row per node and per service for every 1 s interval; the drops add up.
    const [header, ...rows] = conntrackCsv([result])!.trim().split('\n').map((l) => l.split(','));
    expect(rows).toHaveLength((2 + 2) * 20);
    const drops = header!.indexOf('drops');
    const nodeDrops = rows.filter((r) => r[2] === 'node').reduce((a, r) => a + Number(r[drops]), 0);
    expect(nodeDrops).toBe(c.hostDrops);
    // Istio's 10 s connect timeout is the longest a connect waits, and Istio's default policy
    // retries a connect failure twice (envoy.md §4.6): nothing ends later than three timeouts
    // and their backoffs (25 ms, then up to 50 ms), and a request that failed waited one at least.
    expect(front.latency.maxMs!).toBeLessThan(30_200);
    expect(front.latency.maxMs!).toBeGreaterThanOrEqual(10_000);
  });
});

