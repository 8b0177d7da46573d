import { describe, expect, it } from 'vitest';
import { expandRuns, mergeReplications, RunError, runScenario, type RunResult } from '../../sim/run/index.ts';
import { runInWorkers } from '../../sim/worker/pool.ts';
import { scenarioFrom } from '../helpers/scenario.ts';

const scenario = scenarioFrom(`
name: parity
seed: 100
duration: 3s
services:
  frontend: { replicas: 3, timeout: 200ms, calls: [{ service: backend }] }
  backend: { replicas: 2, app: { serviceTime: { lognormal: { median: 5ms, p99: 80ms } }, concurrency: 4 } }
workload: [{ to: frontend, rate: 400/s }]
timeline: [{ at: 1s, kill: { service: backend, count: 1 } }]
variants:
  bigger: { set: { services.backend.replicas: 4 } }
`);

function mergedOf(runs: RunResult[]) {
  return ['base', 'bigger'].map((v) => mergeReplications(runs.filter((r) => r.summary.variant === v).map((r) => r.summary)));
}

describe('worker threads', () => {
  const specs = expandRuns(scenario, 3);

  it('each run in a worker equals the same run in process; merged results are identical for K = 1 and K = 2', async () => {
    const one = await runInWorkers(scenario, specs, { workers: 1 });
    const two = await runInWorkers(scenario, specs, { workers: 2 });
    const inProcess = specs.map((s) => runScenario(scenario, { seed: s.seed, variant: s.variant }));
    expect(one.map((r) => r.summary.digest)).toEqual(inProcess.map((r) => r.summary.digest));
    expect(two.map((r) => r.summary.digest)).toEqual(inProcess.map((r) => r.summary.digest));
    expect(one.map((r) => r.summary)).toEqual(inProcess.map((r) => r.summary));
    expect(two[5]!.timeSeries.columns.p99Ms).toEqual(inProcess[5]!.timeSeries.columns.p99Ms);
    expect(mergedOf(one)).toEqual(mergedOf(two));
    expect(mergedOf(two)).toEqual(mergedOf(inProcess));
    expect(new Set(one.map((r) => r.summary.digest)).size).toBe(specs.length);
  }, 60_000);

  it('runs specs in seed-major order: base then variants for each seed', () => {
    expect(specs).toEqual([
      { variant: 'base', seed: 100 },
      { variant: 'bigger', seed: 100 },
      { variant: 'base', seed: 101 },
      { variant: 'bigger', seed: 101 },
      { variant: 'base', seed: 102 },
      { variant: 'bigger', seed: 102 },
    ]);
  });

  it('merges replications into means with Student-t 95% intervals', () => {
    const runs = specs.filter((s) => s.variant === 'base').map((s) => runScenario(scenario, { seed: s.seed }).summary);
    const merged = mergeReplications([...runs].reverse());
    const rates = runs.map((r) => r.services[1]!.successRate!);
    const mean = rates.reduce((a, b) => a + b) / 3;
    const sd = Math.sqrt(rates.reduce((a, x) => a + (x - mean) ** 2, 0) / 2);
    const fig = merged.services[1]!.successRate;
    expect(fig.mean).toBeCloseTo(mean, 12);
    expect(fig.n).toBe(3);
    expect(fig.ci95![1] - fig.mean!).toBeCloseTo((4.303 * sd) / Math.sqrt(3), 12);
    expect(merged.seeds).toEqual([100, 101, 102]);
  });

  it('a run that hits a limit in a worker rejects with a RunError, as it would in process', async () => {
    const stuck = scenarioFrom(`
duration: 10s
services:
  slow: { app: { serviceTime: 1h, concurrency: 1 } }
workload: [{ to: slow, rate: 100/s }]
limits: { maxInFlightRequests: 50 }
`);
    expect(() => runScenario(stuck)).toThrow(RunError);
    const failure = await runInWorkers(stuck, expandRuns(stuck, 2), { workers: 2 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RunError);
    expect((failure as Error).message).toMatch(/limits\.maxInFlightRequests/);
  });
});
