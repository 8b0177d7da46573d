import type { RandomStream } from './rng.ts';

/**
 * Distributions of non-negative quantities (the mesh uses them for durations in ns).
 * Each random sample consumes exactly one uniform draw through its inverse CDF, so a
 * sampler's draw count never depends on the values drawn (common random numbers).
 */
export type DistributionSpec =
  | { kind: 'constant'; value: number }
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'exponential'; mean: number }
  | { kind: 'lognormal'; median: number; p99: number }
  /** Percentile table: points sorted by percentile, the first at 0 and the last at 100; linear in between. */
  | { kind: 'empirical'; points: ReadonlyArray<readonly [percentile: number, value: number]> };

export interface Sampler {
  /** True when sampling never draws from the stream. */
  readonly isConstant: boolean;
  /** One sample, rounded to a non-negative integer. */
  sample(rng: RandomStream): number;
  /** The distribution's exact mean (before rounding). */
  readonly mean: number;
}

/** z such that Phi(z) = 0.99. */
export const Z_99 = 2.3263478740408408;

export function compileDistribution(spec: DistributionSpec): Sampler {
  switch (spec.kind) {
    case 'constant':
      return constantSampler(spec.value);
    case 'uniform':
      return uniformSampler(spec.min, spec.max);
    case 'exponential':
      return exponentialSampler(spec.mean);
    case 'lognormal':
      return lognormalSampler(spec.median, spec.p99);
    case 'empirical':
      return empiricalSampler(spec.points);
  }
}

function constantSampler(value: number): Sampler {
  requireNonNegative(value, 'constant value');
  const v = Math.round(value);
  return { isConstant: true, mean: value, sample: () => v };
}

function uniformSampler(min: number, max: number): Sampler {
  requireNonNegative(min, 'uniform min');
  if (!(max >= min)) throw new RangeError(`uniform max (${max}) must be >= min (${min})`);
  const width = max - min;
  return { isConstant: false, mean: (min + max) / 2, sample: (rng) => Math.round(min + width * rng.nextUnit()) };
}

function exponentialSampler(mean: number): Sampler {
  requireNonNegative(mean, 'exponential mean');
  return { isConstant: false, mean, sample: (rng) => Math.round(-mean * Math.log(rng.nextUnit())) };
}

/** Lognormal from its median and 99th percentile: mu = ln(median), sigma = ln(p99/median) / z99. */
function lognormalSampler(median: number, p99: number): Sampler {
  if (!(median > 0)) throw new RangeError(`lognormal median must be > 0, got ${median}`);
  if (!(p99 >= median)) throw new RangeError(`lognormal p99 (${p99}) must be >= median (${median})`);
  const mu = Math.log(median);
  const sigma = Math.log(p99 / median) / Z_99;
  return {
    isConstant: false,
    mean: Math.exp(mu + (sigma * sigma) / 2),
    sample: (rng) => Math.round(Math.exp(mu + sigma * normalQuantile(rng.nextUnit()))),
  };
}

function empiricalSampler(points: ReadonlyArray<readonly [number, number]>): Sampler {
  checkEmpirical(points);
  const pct = Float64Array.from(points, (p) => p[0] / 100);
  const val = Float64Array.from(points, (p) => p[1]);
  let mean = 0;
  for (let i = 1; i < pct.length; i++) mean += (pct[i]! - pct[i - 1]!) * (val[i]! + val[i - 1]!) * 0.5;
  return {
    isConstant: false,
    mean,
    sample: (rng) => {
      const u = rng.nextUnit();
      let i = 1;
      while (pct[i]! < u) i++;
      const lo = pct[i - 1]!;
      const span = pct[i]! - lo;
      const f = span > 0 ? (u - lo) / span : 1;
      return Math.round(val[i - 1]! + f * (val[i]! - val[i - 1]!));
    },
  };
}

function checkEmpirical(points: ReadonlyArray<readonly [number, number]>): void {
  if (points.length < 2 || points[0]![0] !== 0 || points[points.length - 1]![0] !== 100) {
    throw new RangeError('empirical table needs points at percentiles 0 and 100');
  }
  for (let i = 1; i < points.length; i++) {
    if (!(points[i]![0] > points[i - 1]![0])) throw new RangeError('empirical percentiles must increase');
    if (!(points[i]![1] >= points[i - 1]![1])) throw new RangeError('empirical values must not decrease');
  }
  requireNonNegative(points[0]![1], 'empirical p0');
}

function requireNonNegative(x: number, what: string): void {
  if (!(x >= 0) || !Number.isFinite(x)) throw new RangeError(`${what} must be a finite number >= 0, got ${x}`);
}

// Acklam's rational approximation of the standard normal quantile (relative error < 1.2e-9).
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

/** Inverse of the standard normal CDF for p in (0, 1). */
export function normalQuantile(p: number): number {
  if (p < P_LOW) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - P_LOW) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  const num = ((((A[0]! * r + A[1]!) * r + A[2]!) * r + A[3]!) * r + A[4]!) * r + A[5]!;
  const den = ((((B[0]! * r + B[1]!) * r + B[2]!) * r + B[3]!) * r + B[4]!) * r + 1;
  return (num * q) / den;
}

function tail(q: number): number {
  const num = ((((C[0]! * q + C[1]!) * q + C[2]!) * q + C[3]!) * q + C[4]!) * q + C[5]!;
  const den = (((D[0]! * q + D[1]!) * q + D[2]!) * q + D[3]!) * q + 1;
  return num / den;
}
