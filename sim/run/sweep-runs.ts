/**
 * A sweep's runs and their shards. Runs are listed in one canonical order (grid point, then
 * seed, then variant with the base first), and run k belongs to shard k mod n: the assignment
 * depends only on the sweep and n, never on machines, timing or which shard ran first, it is a
 * partition for every n, and shard sizes differ by at most one.
 */
import type { Scenario, SweepPlan } from '../scenario/index.ts';
import { BASE_VARIANT, type RunSpec } from './result.ts';

/** One run of a sweep: a variant at a grid point with a seed. */
export interface SweepRunSpec extends RunSpec {
  /** Position in the canonical order (0-based). */
  index: number;
  /** Grid point index. */
  point: number;
}

/** A shard as users write it: `--shard 2/3` is `{ index: 2, count: 3 }` (1-based). */
export interface ShardSpec {
  index: number;
  count: number;
}

/** Seeds S..S+n-1, the same at every grid point (common random numbers across the grid). */
export function sweepSeeds(plan: SweepPlan): number[] {
  return Array.from({ length: plan.seeds }, (_, i) => plan.scenario.seed + i);
}

export function sweepVariants(plan: SweepPlan): string[] {
  return [BASE_VARIANT, ...plan.scenario.variants.map((v) => v.name)];
}

/** Every run of the sweep, in canonical order. */
export function expandSweepRuns(plan: SweepPlan): SweepRunSpec[] {
  const seeds = sweepSeeds(plan);
  const variants = sweepVariants(plan);
  const runs: SweepRunSpec[] = [];
  for (const point of plan.points) {
    for (const seed of seeds) for (const variant of variants) runs.push({ index: runs.length, point: point.index, variant, seed });
  }
  return runs;
}

/** The 1-based shard a run belongs to out of `count`. */
export function shardOfRun(runIndex: number, count: number): number {
  return (runIndex % count) + 1;
}

/** The runs of one shard, in canonical order. */
export function shardRuns(runs: readonly SweepRunSpec[], shard: ShardSpec): SweepRunSpec[] {
  if (!Number.isInteger(shard.count) || shard.count < 1 || !Number.isInteger(shard.index) || shard.index < 1 || shard.index > shard.count) {
    throw new RangeError(`a shard is i/n with 1 <= i <= n (got ${shard.index}/${shard.count})`);
  }
  return runs.filter((r) => shardOfRun(r.index, shard.count) === shard.index);
}

/** The scenario a sweep run simulates: its point's scenario (which carries the variants). */
export function scenarioOfRun(plan: SweepPlan, run: SweepRunSpec): Scenario {
  const point = plan.points[run.point];
  if (!point || point.index !== run.point) throw new RangeError(`no grid point ${run.point}`);
  return point.scenario;
}
