/**
 * envoy.md §2.3 item 8: a proxy drains its connection pools towards a host that leaves its host
 * set (DrainAndDelete), fails active HC or is ejected (DrainExistingConnections): idle
 * connections close at once, busy ones when their stream ends, and none is reused. And Envoy's
 * sockets close with its process, before the pod is gone.
 */
import { describe, expect, it } from 'vitest';
import type { RandomStream } from '../../../sim/engine/index.ts';
import { ClusterHealth, type ClusterHealthConfig } from '../../../sim/mesh/envoy/cluster-health.ts';
import { buildSnapshot } from '../../../sim/mesh/envoy/endpoints.ts';
import { compileHealthCheck, HcResult } from '../../../sim/mesh/envoy/health-check.ts';
import { ENVOY_OUTLIER_DEFAULTS, Origin } from '../../../sim/mesh/envoy/outlier-detection.ts';
import { RemovedHosts } from '../../../sim/mesh/envoy/removed-hosts.ts';
import { GONE, TERMINATING, PROXY_EXITED } from '../../../sim/mesh/kube/pods.ts';
import { CT_STATES, CT_TIME_WAIT } from '../../../sim/mesh/linux/conntrack-states.ts';
import { World } from '../../../sim/mesh/world.ts';
import { conntrackLines } from '../../../sim/cli/render-conntrack.ts';
import { runScenario } from '../../../sim/run/index.ts';
import { scenarioFrom } from '../../helpers/scenario.ts';
import { podsOf } from '../../helpers/world-pods.ts';

const S = 1e9;
const noRandom = { nextU32: () => 0, nextUnit: () => 0 } as RandomStream;

/**
 * back scales 6 -> 2 at 2 s. Its deleted pods sleep 10 s in preStop, so they serve, listen and
 * pass everything until 12 s: only the EDS removal (at about 2.2 s) can close connections to them
 * before then. Pools keep idle connections an hour.
 */
const scaleDown = (serviceTime: string) => `
duration: 6s
cluster: { nodes: 2, conntrack: { enabled: true } }
mesh: { sidecar: { concurrency: 2 } }
services:
  front: { replicas: 3, calls: [{ service: back }] }
  back: { replicas: 6, app: { serviceTime: ${serviceTime}, concurrency: 1000, preStop: { sleep: 10s } } }
workload: [{ to: front, rate: 300/s }]
timeline:
  - { at: 2s, scale: { service: back, replicas: 2 } }
`;

function run(yaml: string, untilNs: number) {
  const s = scenarioFrom(yaml);
  const world = new World(s, s.seed, { checkInvariants: true });
  world.runUntil(untilNs, 1e9);
  return world;
}

function backPods(world: World) {
  const { pods } = world.ctx;
  const back = podsOf(world, 'back');
  return { deleted: back.filter((p) => pods.phase[p] === TERMINATING), live: back.filter((p) => pods.phase[p] !== TERMINATING && pods.phase[p] !== GONE) };
}

describe('pools towards a host removed from EDS drain (DrainAndDelete)', () => {
  it('at 4 s the 4 deleted pods still serve, yet no connection to them is open; the 2 live ones keep theirs; the closed ones are in TIME_WAIT', () => {
    const world = run(scaleDown('5ms'), 4 * S);
    const pools = world.connections!.pools;
    const { deleted, live } = backPods(world);
    expect(deleted).toHaveLength(4);
    for (const p of deleted) expect(pools.openToHost(p), world.ctx.pods.names[p]).toBe(0);
    // 3 front pods x 2 workers each keep a pool to every live host (an hour's idle timeout).
    for (const p of live) expect(pools.openToHost(p), world.ctx.pods.names[p]).toBeGreaterThanOrEqual(6);
    expect(pools.poolsDrained).toBeGreaterThanOrEqual(4 * 6);
    expect(pools.closed).toBeGreaterThanOrEqual(4 * 6);
    expect(pools.opened).toBe(pools.closed + pools.openConnections());
    const t = pools.tables;
    let timeWait = 0;
    for (let n = 0; n < 2; n++) timeWait += t.byState[t.hostTable(n) * CT_STATES + CT_TIME_WAIT]!;
    expect(timeWait).toBeGreaterThan(0);
  });

  it('a connection busy at the drain carries its request to the end, then closes: with 1 s of service time some stay open just after the push and none a second later', () => {
    const world = run(scaleDown('1s'), 2.4 * S);
    const pools = world.connections!.pools;
    const { deleted } = backPods(world);
    const openJustAfter = deleted.reduce((n, p) => n + pools.openToHost(p), 0);
    expect(openJustAfter).toBeGreaterThan(0);
    world.runUntil(4 * S, 1e9);
    for (const p of deleted) expect(pools.openToHost(p), world.ctx.pods.names[p]).toBe(0);
    expect(pools.opened).toBe(pools.closed + pools.openConnections());
  });
});

describe('the summary counts the drained pools', () => {
  it('summary.conntrack.poolsDrained is the 3 x 4 x 2 (client, removed host, worker) pools, and the CLI table shows it', () => {
    const result = runScenario(scenarioFrom(scaleDown('5ms')), { checkInvariants: true });
    expect(result.summary.conntrack!.poolsDrained).toBe(3 * 4 * 2);
    const [header, row] = conntrackLines([result])[1]!.split('\n').map((l) => l.trim().split(/\s{2,}/));
    expect(row![header!.indexOf('pools drained')]).toBe('24');
  });
});

describe('HTTP/2 pools drain too', () => {
  it('the one multiplexed connection to a removed host closes with its last stream; no new stream rides it', () => {
    const yaml = scaleDown('1s').replace('preStop: { sleep: 10s } }', 'preStop: { sleep: 10s } }, trafficPolicy: { connectionPool: { http: { h2UpgradePolicy: UPGRADE } } }');
    expect(yaml).toContain('UPGRADE');
    const world = run(yaml, 2.4 * S);
    const pools = world.connections!.pools;
    const { deleted } = backPods(world);
    expect(deleted.reduce((n, p) => n + pools.openToHost(p), 0)).toBeGreaterThan(0);
    world.runUntil(4 * S, 1e9);
    for (const p of deleted) expect(pools.openToHost(p), world.ctx.pods.names[p]).toBe(0);
    expect(pools.opened).toBe(pools.closed + pools.openConnections());
  });
});

describe('HTTP/2 drained twice', () => {
  it('a second drain while the first one\'s streams are still out (a new connection opened between) leaves no phantom draining connection: all close as the streams end, and the pool serves on', () => {
    const yaml = `
duration: 5s
cluster: { nodes: 2, conntrack: { enabled: true } }
mesh: { sidecar: { concurrency: 1 } }
services:
  front: { replicas: 1, calls: [{ service: back }] }
  back:
    replicas: 1
    app: { serviceTime: 1s, concurrency: 1000 }
    trafficPolicy: { connectionPool: { http: { h2UpgradePolicy: UPGRADE } } }
workload: [{ to: front, rate: 20/s, arrival: uniform, end: 3s }]
`;
    const s = scenarioFrom(yaml);
    const world = new World(s, s.seed, { checkInvariants: true });
    const pools = world.connections!.pools;
    const [front] = podsOf(world, 'front') as [number];
    const [back] = podsOf(world, 'back') as [number];
    world.runUntil(1.5 * S, 1e9);
    pools.drainHost(front, back); // about 20 streams out on the one connection
    world.runUntil(1.6 * S, 1e9);
    expect(pools.openToHost(back)).toBe(2); // the drained one, and a new one for the calls since
    pools.drainHost(front, back);
    world.runUntil(2.7 * S, 1e9);
    // Every stream out at the second drain has ended: both drained connections are closed, and
    // the calls since then have a third.
    expect(pools.openToHost(back)).toBe(1);
    world.runUntil(s.duration, 1e9);
    const result = world.finish();
    expect(pools.poolProblems()).toEqual([]);
    expect(result.connections!.connectionsOpened).toBe(result.connections!.connectionsClosed + result.connections!.connectionsOpenAtEnd);
    expect(result.totals.find((t) => t.name === 'front')!.successes).toBe(result.totals.find((t) => t.name === 'front')!.requests);
  });
});

describe('an ejection drains the pools of the proxy that ejected the host', () => {
  it('back answers 500 from 2 s to 3 s: each front proxy ejects hosts, and their idle connections close though no pod goes and idle connections live an hour', () => {
    const yaml = `
duration: 5s
cluster: { nodes: 2, conntrack: { enabled: true } }
mesh: { sidecar: { concurrency: 2 } }
services:
  front: { replicas: 3, calls: [{ service: back, required: false }] }
  back:
    replicas: 4
    app: { serviceTime: 5ms }
    retries: { attempts: 0 }
    trafficPolicy: { outlierDetection: { consecutive5xxErrors: 3, interval: 1s, baseEjectionTime: 30s, maxEjectionPercent: 50 } }
workload: [{ to: front, rate: 300/s }]
timeline:
  - { at: 2s, degrade: { service: back, errorRate: 1, for: 1s } }
`;
    const world = run(yaml, 5 * S);
    const result = world.finish();
    const pools = world.connections!.pools;
    expect(result.health.find((x) => x.service === 'back')!.ejections).toBeGreaterThan(0);
    expect(pools.poolsDrained).toBeGreaterThan(0);
    expect(pools.closed).toBeGreaterThan(0);
    expect(result.connections!.connectionsOpened).toBe(result.connections!.connectionsClosed + result.connections!.connectionsOpenAtEnd);
  });
});

describe("Envoy's sockets close with its process", () => {
  it("a deleted pod whose app outlives its sidecar (a 20 s shutdownDelay, Envoy's 5 s drain) has no pooled connection from or to it once Envoy exits", () => {
    const yaml = `
duration: 12s
cluster: { nodes: 2, conntrack: { enabled: true } }
mesh: { sidecar: { concurrency: 2 } }
services:
  front: { replicas: 4, calls: [{ service: back }], app: { shutdownDelay: 20s } }
  back: { replicas: 3, app: { serviceTime: 5ms } }
workload: [{ to: front, rate: 300/s }]
timeline:
  - { at: 2s, scale: { service: front, replicas: 2 } }
`;
    const world = run(yaml, 9 * S);
    const { pods } = world.ctx;
    const pools = world.connections!.pools;
    const exited = podsOf(world, 'front').filter((p) => pods.proxy[p] === PROXY_EXITED);
    expect(exited).toHaveLength(2);
    for (const p of exited) {
      expect(pods.phase[p], pods.names[p]).toBe(TERMINATING); // the app still runs
      expect(pools.openFromClient(p), pods.names[p]).toBe(0);
      expect(pools.openToHost(p), pods.names[p]).toBe(0);
    }
    expect(pools.opened).toBe(pools.closed + pools.openConnections());
  });
});

describe('a proxy with its own host set drains on removal, HC failure and ejection', () => {
  const config: ClusterHealthConfig = {
    hc: compileHealthCheck({ timeout: S, interval: S, unhealthyThreshold: 1, healthyThreshold: 1, noTrafficInterval: 60 * S, initialJitter: 0, intervalJitter: 0, intervalJitterPercent: 0 }),
    od: undefined,
    priority: { overprovisioningFactor: 140, healthyPanicThreshold: 50 },
    ignoreNewHosts: false,
    ignoreHealthOnHostRemoval: true,
    legacyRemoval: false,
  };
  let version = 0;
  const eds = (pods: number[]) => buildSnapshot(++version, pods);

  function tracked(over: Partial<ClusterHealthConfig> = {}) {
    const c = new ClusterHealth(0, 7, 0, { ...config, ...over }, noRandom);
    const drained: number[][] = [];
    c.drain = (proxy, pod) => drained.push([proxy, pod]);
    c.applyEds(eds([80, 81, 82]));
    for (const p of [80, 81, 82]) c.applyCheck(c.slotOf(p), HcResult.OK, 0);
    return { c, drained };
  }

  it('a host absent from EDS is removed and drained (ignoreHealthOnHostRemoval)', () => {
    const { c, drained } = tracked();
    c.applyEds(eds([80, 82]));
    expect(drained).toEqual([[7, 81]]);
  });

  it('a host that turns FAILED_ACTIVE_HC is drained once; a failing host failing again is not drained again', () => {
    const { c, drained } = tracked();
    c.applyCheck(c.slotOf(82), HcResult.HTTP_FAIL, S);
    expect(drained).toEqual([[7, 82]]);
    c.applyCheck(c.slotOf(82), HcResult.HTTP_FAIL, 2 * S);
    expect(drained).toEqual([[7, 82]]);
  });

  it('a host that outlier detection ejects is drained', () => {
    const { c, drained } = tracked({ hc: undefined, od: { ...ENVOY_OUTLIER_DEFAULTS, maxEjectionPercent: 100 } });
    for (let i = 0; i < 4; i++) c.onAttemptResult(81, 503, Origin.EXTERNAL, S);
    expect(drained).toEqual([]);
    c.onAttemptResult(81, 503, Origin.EXTERNAL, S); // envoy.md §3.1: consecutive_5xx 5
    expect(drained).toEqual([[7, 81]]);
  });
});

describe('RemovedHosts', () => {
  it("lists the old snapshot's hosts the new one lacks, in order, and computes each pair once", () => {
    const removed = new RemovedHosts();
    const a = buildSnapshot(1, [5, 9, 2, 40]);
    const b = buildSnapshot(2, [9, 41, 5]);
    expect(Array.from(removed.between(a, b))).toEqual([2, 40]);
    expect(removed.between(a, b)).toBe(removed.between(a, b));
    expect(Array.from(removed.between(b, a))).toEqual([41]);
    expect(removed.between(a, a)).toHaveLength(0);
  });
});
