import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runScenario, type SeriesSummary } from '../../sim/run/index.ts';
import { parseScenario, type Scenario } from '../../sim/scenario/index.ts';
import { erlangC, meanWaitS, sojournQuantileS, sojournTail } from '../helpers/queueing.ts';

function shipped(name: string): Scenario {
  const file = `scenarios/${name}.yaml`;
  return parseScenario(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'), file);
}

/** The queue a one-service scenario describes, read from the scenario itself (not restated here). */
function queueOf(s: Scenario): { c: number; lambda: number; mu: number } {
  const server = Object.values(s.services)[0]!;
  const st = server.app.serviceTime;
  const w = s.workload[0]!;
  if (st.kind !== 'exponential' || !('rate' in w) || w.arrival !== 'poisson') throw new Error('not an M/M/c scenario');
  expect(s.cluster.network.sameNode).toEqual({ kind: 'constant', value: 0 });
  expect(s.cluster.network.crossNode).toEqual({ kind: 'constant', value: 0 });
  return { c: server.app.concurrency, lambda: w.rate / server.replicas, mu: 1e9 / st.mean };
}

function relativeError(simulated: number | null | undefined, exact: number): number {
  return Math.abs(simulated! / exact - 1);
}

describe('queueing closed forms', () => {
  it('the helper reproduces textbook values', () => {
    // M/M/1: C = rho; M/M/2 with a = 1: C = 1/3 (a^2/2 * 2/(2-1) / (1 + a + a^2/2 * 2)).
    expect(erlangC(1, 0.7)).toBeCloseTo(0.7, 12);
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12);
    // M/M/1 sojourn is Exp(mu - lambda).
    expect(sojournTail(0.01, 1, 700, 1000)).toBeCloseTo(Math.exp(-3), 12);
    expect(sojournQuantileS(0.99, 1, 700, 1000)).toBeCloseTo(Math.log(100) / 300, 10);
  });

  it.each(['mm1', 'mmc'])('%s: mean queueing delay and p99 sojourn match Erlang C within a 3 percent tolerance', (name) => {
    const scenario = shipped(name);
    const { c, lambda, mu } = queueOf(scenario);
    const s: SeriesSummary = runScenario(scenario).summary.services[0]!;
    expect(s.requests).toBeGreaterThan(1e6);
    expect(relativeError(s.queueWait!.meanMs! / 1e3, meanWaitS(c, lambda, mu))).toBeLessThan(0.03);
    expect(relativeError(s.latency.p99Ms! / 1e3, sojournQuantileS(0.99, c, lambda, mu))).toBeLessThan(0.03);
    // The mean sojourn is the mean wait plus the mean service time.
    expect(relativeError(s.latency.meanMs! / 1e3, meanWaitS(c, lambda, mu) + 1 / mu)).toBeLessThan(0.03);
  });

  it('four one-worker pods behind a random load balancer are four M/M/1 queues, not one M/M/4', () => {
    const scenario = shipped('mmc');
    const split = scenarioVariant(scenario, 'four-pods-random');
    const { c, lambda, mu } = queueOf(split);
    expect(c).toBe(1);
    const s = runScenario(scenario, { variant: 'four-pods-random' }).summary.services[0]!;
    expect(relativeError(s.queueWait!.meanMs! / 1e3, meanWaitS(1, lambda, mu))).toBeLessThan(0.03);
    expect(relativeError(s.latency.p99Ms! / 1e3, sojournQuantileS(0.99, 1, lambda, mu))).toBeLessThan(0.03);
    // Pooling matters: one shared queue waits about 6 times less at this load.
    expect(meanWaitS(1, lambda, mu) / meanWaitS(4, lambda * 4, mu)).toBeGreaterThan(5);
  });
});

function scenarioVariant(s: Scenario, name: string): Scenario {
  return s.variants.find((v) => v.name === name)!.scenario;
}
