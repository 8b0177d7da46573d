import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  expandSweepRuns,
  mergeSweepPartials,
  runRecord,
  runScenario,
  scenarioOfRun,
  shardOfRun,
  shardRuns,
  SWEEP_METRICS,
  SweepError,
  sweepHeader,
  sweepPartial,
  sweepResult,
  type SweepRunRecord,
  type SweepRunSpec,
} from '../../sim/run/index.ts';
import { parseSweep } from '../../sim/scenario/index.ts';

const plan = parseSweep(
  `name: tiny
seed: 11
duration: 1s
services:
  frontend: { replicas: 2, timeout: 50ms, calls: [{ service: backend }] }
  backend: { replicas: 1, app: { serviceTime: { exponential: { mean: 4ms } }, concurrency: 2 } }
workload: [{ name: users, to: frontend, rate: 300/s }]
variants:
  wider: { set: { services.backend.replicas: 3 } }
sweep:
  seeds: 3
  grid: { services.backend.app.concurrency: [1, 4] }
`,
  'tiny.yaml',
);
const specs = expandSweepRuns(plan);
const records: SweepRunRecord[] = specs.map((s) => runRecord(s, runScenario(scenarioOfRun(plan, s), { seed: s.seed, variant: s.variant }).summary));
const header = sweepHeader(plan);
const whole = sweepResult(header, records);

function partialsFor(count: number) {
  return Array.from({ length: count }, (_, k) => {
    const shard = { index: k + 1, count };
    const mine = new Set(shardRuns(specs, shard).map((s) => s.index));
    return { name: `shard-${k + 1}-of-${count}.json`, partial: sweepPartial(header, shard, records.filter((r) => mine.has(r.index))) };
  });
}

function syntheticRuns(n: number): SweepRunSpec[] {
  return Array.from({ length: n }, (_, index) => ({ index, point: 0, variant: 'base', seed: index }));
}

describe('sweep runs', () => {
  it('are listed point-major, then seed, then variant (base first), with the same seeds at every point', () => {
    expect(specs.map((s) => `${s.point}/${s.seed}/${s.variant}`)).toEqual([
      '0/11/base', '0/11/wider', '0/12/base', '0/12/wider', '0/13/base', '0/13/wider',
      '1/11/base', '1/11/wider', '1/12/base', '1/12/wider', '1/13/base', '1/13/wider',
    ]);
    expect(specs.map((s) => s.index)).toEqual([...specs.keys()]);
  });

  it('share random numbers across grid points: arrivals depend on the seed, not on the swept backend setting', () => {
    const started = (point: number, seed: number) => records.find((r) => r.point === point && r.seed === seed && r.variant === 'base')!.summary.workloads[0]!.startedTotal;
    for (const seed of [11, 12, 13]) expect(started(0, seed)).toBe(started(1, seed));
    expect(new Set([11, 12, 13].map((seed) => started(0, seed))).size).toBe(3);
  });
});

describe('shard assignment', () => {
  it('is a partition for any number of runs and shards: every run in exactly one shard, sizes within one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 64 }), (runs, count) => {
        const all = syntheticRuns(runs);
        const shards = Array.from({ length: count }, (_, k) => shardRuns(all, { index: k + 1, count }));
        const seen = shards.flat().map((r) => r.index).sort((a, b) => a - b);
        expect(seen).toEqual(all.map((r) => r.index));
        const sizes = shards.map((s) => s.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        for (const [k, shard] of shards.entries()) for (const r of shard) expect(shardOfRun(r.index, count)).toBe(k + 1);
      }),
    );
  });

  it('depends only on the run and n: the same run is in the same shard in every listing', () => {
    expect(shardRuns(specs, { index: 2, count: 5 }).map((s) => s.index)).toEqual([1, 6, 11]);
    expect(shardRuns(specs.slice(0, 7), { index: 2, count: 5 }).map((s) => s.index)).toEqual([1, 6]);
  });

  it('rejects shards outside 1..n', () => {
    expect(() => shardRuns(specs, { index: 0, count: 3 })).toThrow('a shard is i/n with 1 <= i <= n (got 0/3)');
    expect(() => shardRuns(specs, { index: 4, count: 3 })).toThrow(RangeError);
  });
});

describe('sweep results', () => {
  it('have one tidy row per grid point x variant x series x metric, each the mean over the seeds', () => {
    expect(whole.table).toHaveLength(2 * 2 * 3 * SWEEP_METRICS.length);
    const row = whole.table.find((r) => r.point === 1 && r.variant === 'wider' && r.series === 'users' && r.metric === 'successRate')!;
    const values = records.filter((r) => r.point === 1 && r.variant === 'wider').map((r) => r.summary.workloads[0]!.successRate!);
    expect(row.n).toBe(3);
    expect(row.mean).toBe((values[0]! + values[1]! + values[2]!) / 3);
    expect(row.settings).toEqual({ 'services.backend.app.concurrency': 4 });
    expect(row.ci95Low).toBeLessThanOrEqual(row.mean!);
    expect(row.ci95High).toBeGreaterThanOrEqual(row.mean!);
  });

  it('merging shards 1/3, 2/3 and 3/3 gives exactly the unsharded result, digest included', () => {
    const merged = mergeSweepPartials(partialsFor(3));
    expect(merged.digest).toBe(whole.digest);
    expect(merged).toEqual(whole);
  });

  it('merge is order-independent, for any shard count and any order of the partials', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 15 }).chain((n) => fc.tuple(fc.constant(n), fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }))),
        ([count, order]) => {
          const parts = partialsFor(count);
          const merged = mergeSweepPartials(order.map((k) => parts[k]!));
          expect(merged.digest).toBe(whole.digest);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('partials from different shard counts merge too, and a retried shard present twice is harmless', () => {
    const mixed = [...partialsFor(2).slice(0, 1), ...partialsFor(4).filter((p) => p.partial.shard.index % 2 === 0), ...partialsFor(2).slice(0, 1)];
    expect(mergeSweepPartials(mixed).digest).toBe(whole.digest);
  });

  it('a missing shard, a partial of another sweep, or two different results for one run are refused', () => {
    const parts = partialsFor(3);
    expect(() => mergeSweepPartials([parts[0]!, parts[2]!])).toThrow('4 of 12 runs are missing (shard 2/3 is missing)');
    const other = { name: 'other.json', partial: { ...parts[1]!.partial, header: { ...header, fingerprint: '0000000000000000' } } };
    expect(() => mergeSweepPartials([parts[0]!, other])).toThrow('other.json is from a different sweep than shard-1-of-3.json (fingerprint 0000000000000000, not ');
    const run = parts[1]!.partial.runs[0]!;
    const forged = { name: 'forged.json', partial: { ...parts[1]!.partial, runs: [{ ...run, summary: { ...run.summary, digest: 'ffffffffffffffff' } }] } };
    expect(() => mergeSweepPartials([...parts, forged])).toThrow(SweepError);
    expect(() => mergeSweepPartials([])).toThrow('no partial results to merge');
    const swapped = records.map((r) => (r.index === 1 ? { ...r, variant: 'base' } : r));
    expect(() => sweepResult(header, swapped)).toThrow('run 1 should be point 0, seed 11, variant wider; got point 0, seed 11, variant base');
  });

  it('the fingerprint changes with the grid, the seeds and the scenario, but not with where the file is', () => {
    const moved = sweepHeader({ ...plan, scenario: { ...plan.scenario, file: '/elsewhere/tiny.yaml' } });
    expect(moved.fingerprint).toBe(header.fingerprint);
    expect(sweepHeader({ ...plan, seeds: 2 }).fingerprint).not.toBe(header.fingerprint);
    expect(sweepHeader({ ...plan, axes: [{ ...plan.axes[0]!, values: [1, 5] }] }).fingerprint).not.toBe(header.fingerprint);
    expect(sweepHeader({ ...plan, scenario: { ...plan.scenario, seed: 12 } }).fingerprint).not.toBe(header.fingerprint);
  });
});
