/**
 * Active HC in a running world: with the healthy set constant after a change, every calling
 * proxy converges to it (all its hosts healthy, none gone) within the HC bound: propagation,
 * then at most unhealthyThreshold failed checks of a gone host (each an interval plus the
 * timeout), or one passing first check of a new one (after initialJitter). Conservation and
 * determinism hold with health checking on.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { World } from '../../../sim/mesh/index.ts';
import { runScenario } from '../../../sim/run/index.ts';
import { scenarioFrom } from '../../helpers/scenario.ts';

interface Case {
  intervalMs: number;
  timeoutMs: number;
  unhealthyThreshold: number;
  healthyThreshold: number;
  initialJitterMs: number;
  apiReplicas: number;
  kill: number;
  callerScale: number;
  legacy: boolean;
}

function scenarioFor(c: Case, changeAtS: number, durationS: number) {
  return scenarioFrom(`
duration: ${durationS}s
mesh:
  controlPlane: { endpointSliceDelay: 50ms, xdsLatency: 5ms }
services:
  web:
    replicas: 3
    calls: [{ service: api }]
  api:
    replicas: ${c.apiReplicas}
    envoy:
      edsHcRemoval: ${c.legacy ? 'legacy' : 'current'}
      healthCheck: { timeout: ${c.timeoutMs}ms, interval: ${c.intervalMs}ms, unhealthyThreshold: ${c.unhealthyThreshold}, healthyThreshold: ${c.healthyThreshold}, initialJitter: ${c.initialJitterMs}ms }
workload: [{ to: web, rate: 50/s }]
timeline:
  - { at: ${changeAtS}s, kill: { service: api, count: ${c.kill}, replace: false } }
  - { at: ${changeAtS}s, scale: { service: web, replicas: ${c.callerScale} } }
`);
}

const caseArb = fc.record({
  intervalMs: fc.integer({ min: 200, max: 3000 }),
  timeoutMs: fc.integer({ min: 50, max: 1000 }),
  unhealthyThreshold: fc.integer({ min: 1, max: 3 }),
  healthyThreshold: fc.integer({ min: 1, max: 3 }),
  initialJitterMs: fc.integer({ min: 0, max: 2000 }),
  apiReplicas: fc.integer({ min: 2, max: 6 }),
  kill: fc.integer({ min: 1, max: 1 }),
  callerScale: fc.integer({ min: 3, max: 6 }),
  legacy: fc.constant(false),
});

describe('active health checking in a world', () => {
  it('with a constant healthy set after a change, every calling proxy converges to it within the HC bound', () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 0, max: 1000 }), (c, seed) => {
        const changeAtS = 5;
        // Propagation (0.1 s debounce + 50 ms + 5 ms), a new caller's start (1 s proxy + 10 s
        // readiness period at most) plus its first checks, and a gone host's failed checks.
        const boundMs = 1000 + 12_000 + c.initialJitterMs + (c.unhealthyThreshold + 1) * (c.intervalMs + c.timeoutMs);
        const durationS = changeAtS + Math.ceil(boundMs / 1000) + 1;
        const run = runScenario(scenarioFor(c, changeAtS, durationS), { seed, checkInvariants: true });
        const h = run.summary.health['api']!;
        expect(h.undeadHostsAtEnd).toBe(0);
        expect(h.healthyHostsMinAtEnd).toBe(c.apiReplicas - c.kill);
        expect(h.proxies).toBe(c.callerScale); // every web pod (the gateway calls only web)
      }),
      { numRuns: 12 },
    );
  });

  it('legacy Envoy keeps the killed host, unhealthy, in every proxy: it never converges without another EDS update', () => {
    const c: Case = { intervalMs: 500, timeoutMs: 200, unhealthyThreshold: 2, healthyThreshold: 2, initialJitterMs: 0, apiReplicas: 4, kill: 1, callerScale: 3, legacy: true };
    const run = runScenario(scenarioFor(c, 5, 20));
    const h = run.summary.health['api']!;
    expect(h.undeadHostsAtEnd).toBe(3); // each of the 3 web pods lists the dead pod
    expect(h.healthyHostsMinAtEnd).toBe(3);
  });

  it('health checking is deterministic: the same seed gives the same digest, another seed another', () => {
    const c: Case = { intervalMs: 700, timeoutMs: 300, unhealthyThreshold: 2, healthyThreshold: 2, initialJitterMs: 500, apiReplicas: 4, kill: 1, callerScale: 5, legacy: false };
    const s = scenarioFor(c, 5, 15);
    const a = runScenario(s, { seed: 3 });
    expect(runScenario(s, { seed: 3 }).summary.digest).toBe(a.summary.digest);
    expect(runScenario(s, { seed: 4 }).summary.digest).not.toBe(a.summary.digest);
    expect(a.summary.health['api']!.hcChecks).toBeGreaterThan(0);
  });
});

describe('dormant health-check sessions', () => {
  /** Everything a run measures except the engine's own event log (dormant sessions fire fewer events). */
  function measured(yaml: string, seed: number, eager: boolean) {
    const world = new World(scenarioFrom(yaml), seed, { eagerHealthChecks: eager });
    world.runUntil(world.ctx.scenario.duration, 1e9);
    const r = world.finish();
    const ts = r.timeSeries;
    return {
      columns: Object.fromEntries(Object.entries(ts.columns).map(([k, v]) => [k, [...v]])),
      codes: Object.fromEntries(Object.entries(ts.codes).map(([k, v]) => [k, [...v]])),
      flags: Object.fromEntries(Object.entries(ts.flags).map(([k, v]) => [k, [...v]])),
      health: r.health,
      events: r.events,
    };
  }

  it('give exactly the results of one event per check: kills, scale, rollout and a queue that backs up', () => {
    const yaml = `
duration: 40s
services:
  web:
    replicas: 4
    app: { concurrency: 16 }
    calls: [{ service: api }]
  api:
    replicas: 6
    app: { serviceTime: { exponential: { mean: 20ms } }, concurrency: 4, preStop: { sleep: 1s } }
    envoy:
      healthCheck: { timeout: 100ms, interval: 700ms, unhealthyThreshold: 2, healthyThreshold: 2, noTrafficInterval: 2s }
workload: [{ to: web, rate: 900/s }]
timeline:
  - { at: 5s, kill: { service: api, count: 2 } }
  - { at: 12s, scale: { service: api, replicas: 9 } }
  - { at: 20s, rollout: { service: api } }
  - { at: 30s, scale: { service: web, replicas: 6 } }
`;
    for (const seed of [1, 2, 3]) {
      const lazy = measured(yaml, seed, false);
      const eager = measured(yaml, seed, true);
      expect(lazy.events).toBeLessThan(eager.events); // it does batch
      expect({ ...lazy, events: 0 }).toEqual({ ...eager, events: 0 });
    }
  });
});
