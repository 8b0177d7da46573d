import { describe, expect, it } from 'vitest';
import { World } from '../../../sim/mesh/world.ts';
import { scenarioFrom } from '../../helpers/scenario.ts';
import { podsOf } from '../../helpers/world-pods.ts';

describe('pooled connections per caller -> upstream pair (conntrack.md §6.3, §3.4)', () => {
  it('every pool holding its one connection gives W x callers x upstreams per pair', () => {
    // front (W = 2) calls back and side; side (W = 3) calls back.
    const world = new World(
      scenarioFrom(`
duration: 1s
cluster: { nodes: 3, conntrack: { enabled: true } }
services:
  front: { replicas: 4, calls: [{ service: back }, { service: side }] }
  side: { replicas: 3, sidecar: { concurrency: 3 }, calls: [{ service: back }] }
  back: { replicas: 5 }
workload: [{ to: front, rate: 1/s }]
`),
      1,
    );
    const pools = world.connections!.pools;
    const open = (callers: string, upstreams: string, workers: number) => {
      for (const c of podsOf(world, callers)) for (const h of podsOf(world, upstreams)) for (let w = 0; w < workers; w++) expect(pools.openIdle(c, h, w)).toBe(true);
    };
    open('front', 'back', 2);
    open('front', 'side', 2);
    open('side', 'back', 3);
    const pairs = world.connections!.result().pairs;
    expect(pairs).toEqual([
      { caller: 'front', upstream: 'side', opened: 2 * 4 * 3, openAtEnd: 24, peakOpen: 24 },
      { caller: 'front', upstream: 'back', opened: 2 * 4 * 5, openAtEnd: 40, peakOpen: 40 },
      { caller: 'side', upstream: 'back', opened: 3 * 3 * 5, openAtEnd: 45, peakOpen: 45 },
    ]);
  });
});
