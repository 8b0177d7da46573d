import { describe, expect, it } from 'vitest';
import { compileDistribution, normalQuantile, Rng, Z_99, type DistributionSpec } from '../../sim/engine/index.ts';

function sampleMany(spec: DistributionSpec, n: number, seed = 11): Float64Array {
  const sampler = compileDistribution(spec);
  const rng = new Rng(seed).stream('d');
  return Float64Array.from({ length: n }, () => sampler.sample(rng));
}

function quantile(xs: Float64Array, q: number): number {
  const sorted = Float64Array.from(xs).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

const mean = (xs: Float64Array) => xs.reduce((a, b) => a + b, 0) / xs.length;
const min = (xs: Float64Array) => xs.reduce((a, b) => Math.min(a, b), Infinity);
const max = (xs: Float64Array) => xs.reduce((a, b) => Math.max(a, b), -Infinity);

describe('normal quantile', () => {
  it('matches known values of the standard normal', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.99)).toBeCloseTo(Z_99, 8);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 8);
    expect(normalQuantile(0.01)).toBeCloseTo(-Z_99, 8);
    expect(normalQuantile(1e-6)).toBeCloseTo(-4.753424308822899, 6);
  });
});

describe('distributions (200k samples each, fixed seed)', () => {
  const n = 200_000;

  it('constant never draws and returns its value', () => {
    const s = compileDistribution({ kind: 'constant', value: 5_000 });
    expect(s.isConstant).toBe(true);
    let calls = 0;
    const counting = { nextU32: () => (calls++, 0), nextUnit: () => (calls++, 0.5) };
    expect(s.sample(counting)).toBe(5000);
    expect(calls).toBe(0);
  });

  it('uniform stays in [min, max] with the right mean', () => {
    const xs = sampleMany({ kind: 'uniform', min: 1000, max: 3000 }, n);
    expect(min(xs)).toBeGreaterThanOrEqual(1000);
    expect(max(xs)).toBeLessThanOrEqual(3000);
    expect(Math.abs(mean(xs) / 2000 - 1)).toBeLessThan(0.005);
  });

  it('exponential has the given mean and median mean*ln2', () => {
    const xs = sampleMany({ kind: 'exponential', mean: 1e6 }, n);
    expect(Math.abs(mean(xs) / 1e6 - 1)).toBeLessThan(0.01);
    expect(Math.abs(quantile(xs, 0.5) / (1e6 * Math.LN2) - 1)).toBeLessThan(0.01);
  });

  it('lognormal hits the given median and p99', () => {
    const xs = sampleMany({ kind: 'lognormal', median: 5e6, p99: 40e6 }, n);
    expect(Math.abs(quantile(xs, 0.5) / 5e6 - 1)).toBeLessThan(0.01);
    expect(Math.abs(quantile(xs, 0.99) / 40e6 - 1)).toBeLessThan(0.03);
    expect(Math.abs(mean(xs) / compileDistribution({ kind: 'lognormal', median: 5e6, p99: 40e6 }).mean - 1)).toBeLessThan(0.02);
  });

  it('empirical interpolates between its percentiles', () => {
    const points: [number, number][] = [
      [0, 1e6],
      [50, 5e6],
      [90, 20e6],
      [100, 40e6],
    ];
    const xs = sampleMany({ kind: 'empirical', points }, n);
    expect(min(xs)).toBeGreaterThanOrEqual(1e6);
    expect(max(xs)).toBeLessThanOrEqual(40e6);
    expect(Math.abs(quantile(xs, 0.5) / 5e6 - 1)).toBeLessThan(0.01);
    expect(Math.abs(quantile(xs, 0.9) / 20e6 - 1)).toBeLessThan(0.01);
    expect(Math.abs(quantile(xs, 0.7) / 12.5e6 - 1)).toBeLessThan(0.01);
  });

  it('every sample consumes exactly one draw', () => {
    for (const spec of [
      { kind: 'uniform', min: 0, max: 10 },
      { kind: 'exponential', mean: 10 },
      { kind: 'lognormal', median: 10, p99: 100 },
      { kind: 'empirical', points: [[0, 1], [100, 2]] },
    ] as DistributionSpec[]) {
      let draws = 0;
      const counting = { nextU32: () => (draws++, 7), nextUnit: () => (draws++, 0.25) };
      const s = compileDistribution(spec);
      for (let i = 0; i < 10; i++) s.sample(counting);
      expect(draws).toBe(10);
    }
  });

  it('rejects malformed parameters', () => {
    expect(() => compileDistribution({ kind: 'uniform', min: 5, max: 1 })).toThrow(RangeError);
    expect(() => compileDistribution({ kind: 'lognormal', median: 0, p99: 1 })).toThrow(RangeError);
    expect(() => compileDistribution({ kind: 'empirical', points: [[10, 1], [100, 2]] })).toThrow(RangeError);
  });
});
