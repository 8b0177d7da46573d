import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/run/index.ts';
import { parseScenario } from '../../sim/scenario/index.ts';
import { scenarioFrom } from '../helpers/scenario.ts';

const quickstart = parseScenario(readFileSync(new URL('../../scenarios/quickstart.yaml', import.meta.url), 'utf8'), 'scenarios/quickstart.yaml');

describe('determinism', () => {
  it('the same scenario and seed give an identical result digest (and event history)', () => {
    const a = runScenario(quickstart);
    const b = runScenario(quickstart);
    expect(a.summary.digest).toBe(b.summary.digest);
    expect(a.summary.eventDigest).toBe(b.summary.eventDigest);
    expect(a.summary).toEqual(b.summary);
  });

  it('different seeds give different results', () => {
    const digests = [42, 43, 44].map((seed) => runScenario(quickstart, { seed }).summary.digest);
    expect(new Set(digests).size).toBe(3);
  });

  it('a variant runs with the same seed and is itself deterministic', () => {
    const a = runScenario(quickstart, { variant: 'more-catalog-pods' });
    const b = runScenario(quickstart, { variant: 'more-catalog-pods' });
    expect(a.summary.digest).toBe(b.summary.digest);
    expect(a.summary.digest).not.toBe(runScenario(quickstart).summary.digest);
  });
});

describe('common random numbers for variants', () => {
  const base = `
seed: 5
duration: 5s
services:
  frontend: { replicas: 3, calls: [{ service: backend }] }
  backend: { replicas: 3, app: { serviceTime: { exponential: { mean: 5ms } } } }
workload: [{ to: frontend, rate: 300/s }]
`;

  it('a variant that changes nothing replays the base event for event', () => {
    const s = scenarioFrom(`${base}variants:\n  same: { set: { services.backend.replicas: 3 } }\n`);
    expect(runScenario(s, { variant: 'same' }).summary.eventDigest).toBe(runScenario(s).summary.eventDigest);
  });

  it('a route timeout that never fires changes no event of the run', () => {
    const s = scenarioFrom(`${base}variants:\n  timeout: { set: { services.backend.timeout: 10s } }\n`);
    const withTimeout = runScenario(s, { variant: 'timeout' });
    const without = runScenario(s);
    expect(withTimeout.summary.eventDigest).toBe(without.summary.eventDigest);
    expect(withTimeout.summary.services).toEqual(without.summary.services);
  });

  it('a variant draws the same arrivals: the offered load is identical, only the mesh differs', () => {
    const s = scenarioFrom(`${base}variants:\n  slower: { set: { services.backend.app.serviceTime: { exponential: { mean: 8ms } } } }\n`);
    const a = runScenario(s).summary.workloads[0]!;
    const b = runScenario(s, { variant: 'slower' }).summary.workloads[0]!;
    expect(b.startedTotal).toBe(a.startedTotal);
    expect(b.latency.p50Ms!).toBeGreaterThan(a.latency.p50Ms!);
  });
});
