import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { World } from '../../../sim/mesh/world.ts';
import { runScenario } from '../../../sim/run/index.ts';
import { conntrackCsv } from '../../../sim/run/documents.ts';
import { scenarioFrom } from '../../helpers/scenario.ts';
import { podsOf } from '../../helpers/world-pods.ts';

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

/** A random small mesh with connection tracking on and tables small enough to fill. */
const connectionMesh = fc
  .record({
    clients: fc.integer({ min: 1, max: 6 }),
    servers: fc.integer({ min: 1, max: 8 }),
    nodes: fc.integer({ min: 1, max: 4 }),
    max: fc.integer({ min: 4, max: 80 }),
    workers: fc.integer({ min: 1, max: 3 }),
    rate: fc.integer({ min: 20, max: 400 }),
    serviceMs: fc.integer({ min: 0, max: 30 }),
    idleMs: fc.constantFrom(50, 300, 3_600_000),
    maxRequests: fc.constantFrom(0, 0, 1, 3),
    h2: fc.boolean(),
    connectMs: fc.constantFrom(500, 2000, 10_000),
    linear: fc.constantFrom(0, 4),
    timeoutMs: fc.constantFrom(0, 0, 300),
    earlyDrop: fc.boolean(),
    // Circuit breakers (envoy.md §5), per-try timeouts (resets), outlier detection and pods
    // leaving (drains, envoy.md §2.3 item 8).
    maxConnections: fc.constantFrom(0, 0, 2),
    maxPending: fc.constantFrom(0, 0, 1, 4),
    perTryMs: fc.constantFrom(0, 0, 15),
    od: fc.boolean(),
    event: fc.constantFrom('', '', '{ at: 2s, scale: { service: back, replicas: 1 } }', '{ at: 2s, kill: { service: back, count: 1 } }', '{ at: 2s, scale: { service: front, replicas: 1 } }', '{ at: 1s, degrade: { service: back, errorRate: 1, for: 1s } }'),
    seed: fc.nat({ max: 1000 }),
  })
  .map(
    (m) => `seed: ${m.seed}
duration: 6s
cluster:
  nodes: ${m.nodes}
  node: { tcpSynLinearTimeouts: ${m.linear} }
  conntrack: { enabled: true, nfConntrackMax: ${m.max}, earlyDrop: ${m.earlyDrop}, wheelSlot: 250ms, timeouts: { timeWait: 2s, synSent: 3s } }
mesh: { sidecar: { concurrency: ${m.workers} }, connectTimeout: ${m.connectMs}ms }
services:
  front: { replicas: ${m.clients}, calls: [{ service: back }] }
  back:
    replicas: ${m.servers}
    timeout: ${m.timeoutMs}ms
    retries: { attempts: 2, perTryTimeout: ${m.perTryMs}ms, retryOn: "5xx,connect-failure,reset" }
    app: { serviceTime: ${m.serviceMs}ms }
    trafficPolicy:
      connectionPool:
        ${m.maxConnections ? `tcp: { maxConnections: ${m.maxConnections} }` : ''}
        http: { idleTimeout: ${m.idleMs}ms, maxRequestsPerConnection: ${m.maxRequests}, h2UpgradePolicy: ${m.h2 ? 'UPGRADE' : 'DO_NOT_UPGRADE'}${m.maxPending ? `, http1MaxPendingRequests: ${m.maxPending}` : ''} }
      ${m.od ? 'outlierDetection: { consecutive5xxErrors: 2, interval: 500ms, baseEjectionTime: 1s, maxEjectionPercent: 50 }' : ''}
workload: [{ to: front, rate: ${m.rate}/s, end: 4s }]
timeline: [${m.event}]
`,
  );

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
    const rows = conntrackCsv([result])!.trim().split('\n').slice(1).map((l) => l.split(','));
    expect(rows).toHaveLength((2 + 2) * 20);
    const nodeDrops = rows.filter((r) => r[2] === 'node').reduce((a, r) => a + Number(r[7]), 0);
    expect(nodeDrops).toBe(c.hostDrops);
    // Istio's 10 s connect timeout is the longest a connect waits, and Istio's default policy
    // retries a connect failure twice (envoy.md §4.6): nothing ends later than three timeouts
    // and their backoffs (25 ms, then up to 50 ms), and a request that failed waited one at least.
    expect(front.latency.maxMs!).toBeLessThan(30_200);
    expect(front.latency.maxMs!).toBeGreaterThanOrEqual(10_000);
  });
});

