import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketIndex, bucketValue, Histogram, HISTOGRAM_BUCKETS } from '../../sim/metrics/index.ts';

/** Nearest-rank percentile of raw samples: the ceil(q*n)-th smallest. */
function exactPercentile(sorted: number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

describe('latency histogram', () => {
  it('reports p50/p90/p99/p99.9 within 1% relative error of the exact nearest-rank value', () => {
    const value = fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1000, max: 10_000_000_000 }), fc.double({ min: 1e3, max: 1e12, noNaN: true }).map(Math.round));
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 3000 }), (values) => {
        const h = new Histogram();
        for (const v of values) h.record(v);
        const sorted = [...values].sort((a, b) => a - b);
        for (const q of [0.5, 0.9, 0.99, 0.999]) {
          const exact = exactPercentile(sorted, q);
          const got = h.percentile(q);
          expect(Math.abs(got - exact)).toBeLessThanOrEqual(Math.max(0.01 * exact, 0.5));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('bucket midpoints stay within 0.4% of every value in the bucket', () => {
    for (let v = 1; v < 2 ** 43; v = Math.ceil(v * 1.013) + 1) {
      const mid = bucketValue(bucketIndex(v));
      expect(Math.abs(mid - v) / v).toBeLessThanOrEqual(1 / 256 + 1e-12);
    }
  });

  it('bucket indexes are monotone in the value and within range', () => {
    let last = -1;
    for (let v = 0; v < 2 ** 44; v = v < 1000 ? v + 1 : Math.ceil(v * 1.002)) {
      const i = bucketIndex(v);
      expect(i).toBeGreaterThanOrEqual(last);
      expect(i).toBeLessThan(HISTOGRAM_BUCKETS);
      last = i;
    }
  });

  it('merging histograms equals recording everything into one', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 1e9 })), fc.array(fc.nat({ max: 1e9 })), (a, b) => {
        const ha = new Histogram();
        const hb = new Histogram();
        const all = new Histogram();
        a.forEach((v) => (ha.record(v), all.record(v)));
        b.forEach((v) => (hb.record(v), all.record(v)));
        ha.merge(hb);
        expect(Array.from(ha.counts)).toEqual(Array.from(all.counts));
        expect(ha.count).toBe(all.count);
        for (const q of [0.5, 0.99]) expect(ha.percentile(q)).toBe(all.percentile(q));
      }),
      { numRuns: 100 },
    );
  });

  it('an empty histogram reports NaN, not zero', () => {
    const h = new Histogram();
    expect(h.percentile(0.5)).toBeNaN();
    expect(h.mean()).toBeNaN();
  });
});
