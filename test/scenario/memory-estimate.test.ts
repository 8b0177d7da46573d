import { describe, expect, it } from 'vitest';
import { World } from '../../sim/mesh/world.ts';
import { connectionColumns } from '../../sim/metrics/index.ts';
import { expiryWheelBytes, peakPods, staticMemoryEstimate } from '../../sim/scenario/index.ts';
import { scenarioFrom } from '../helpers/scenario.ts';

/** A mesh whose every pod carries connections, so each gets its pod-netns table. */
const yaml = (conntrack: string) => `
duration: 2s
cluster: { nodes: 7, conntrack: { enabled: true${conntrack} } }
services:
  a: { replicas: 60, calls: [{ service: b }] }
  b: { replicas: 90 }
workload: [{ to: a, rate: 3000/s }]
`;

describe('the static memory estimate of connection tracking', () => {
  it.each([
    ['the defaults (1 s slots, 120 s timeouts)', ''],
    ['100 ms slots', ', wheelSlot: 100ms'],
    ['a 300 s TIME_WAIT', ', timeouts: { timeWait: 300s }'],
  ])("counts exactly the expiry wheel a run builds: %s", (_, conntrack) => {
    const s = scenarioFrom(yaml(conntrack));
    const world = new World(s, s.seed);
    world.runUntil(s.duration, 1e9);
    const wheel = world.connections!.tables.wheel;
    expect(wheel.bytes).toBe(expiryWheelBytes(s.cluster, peakPods(s)));
    expect(staticMemoryEstimate(s, peakPods(s)).expiryWheelBytes).toBe(wheel.bytes);
  });

  it('counts the conntrack series and the wheel only when connections are tracked', () => {
    const off = scenarioFrom(yaml('').replace('enabled: true', 'enabled: false'));
    const m = staticMemoryEstimate(off, peakPods(off));
    expect([m.connectionSeriesBytes, m.expiryWheelBytes]).toEqual([0, 0]);
    const on = scenarioFrom(yaml(''));
    // 2 intervals of 1 s x (7 nodes x 13 columns + 2 services x 3 columns) x 8 bytes.
    expect(staticMemoryEstimate(on, peakPods(on)).connectionSeriesBytes).toBe(2 * (7 * 13 + 2 * 3) * 8);
    const world = new World(on, on.seed);
    world.runUntil(on.duration, 1e9);
    const series = world.connections!.live().series;
    const actual = connectionColumns(series).reduce((n, column) => n + column.byteLength, 0);
    expect(staticMemoryEstimate(on, peakPods(on)).connectionSeriesBytes).toBe(actual);
  });
});

describe('the static memory estimate of routes', () => {
  const routed = (destinations: number, callers: number) => {
    const names = Array.from({ length: destinations }, (_, i) => `api-v${i}`);
    return scenarioFrom(`
duration: 2s
services:
  web: { replicas: ${callers}, calls: [{ service: api }] }
  api: { replicas: 0, route: [${names.map((n) => `{ destination: ${n}, weight: 1 }`).join(', ')}] }
${names.map((n) => `  ${n}: { replicas: 1 }`).join('\n')}
workload: [{ to: web, rate: 10/s }, { to: api, rate: 10/s }]
`);
  };

  it("counts the clusters a route adds to every caller's sidecar, and none without routes", () => {
    // 30 web pods reach 64 destinations of api besides api itself; the gateway too.
    expect(staticMemoryEstimate(routed(64, 30), 95).routedClusterBytes).toBe((30 + 1) * 64 * 320);
    expect(staticMemoryEstimate(scenarioFrom(yaml('')), 150).routedClusterBytes).toBe(0);
  });
});
