import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Histogram, histogramBins } from '../../sim/metrics/index.ts';

describe('histogram bins for plotting', () => {
  it('group each octave into 8 equal bins with exact edges, values below 128 ns into one', () => {
    const h = new Histogram();
    for (const v of [5, 200, 255, 256, 1e6, 1.05e6, 3e9]) h.record(v);
    expect(histogramBins(h)).toEqual({
      lowNs: [0, 192, 240, 256, 983040, 1048576, 2952790016],
      highNs: [128, 208, 256, 288, 1048576, 1179648, 3221225472],
      counts: [1, 1, 1, 1, 1, 1, 1],
    });
  });

  it('keep every count, and put each value inside its bin', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 40 }), { minLength: 1, maxLength: 200 }), (values) => {
        const h = new Histogram();
        for (const v of values) h.record(v);
        const bins = histogramBins(h);
        expect(bins.counts.reduce((a, b) => a + b, 0)).toBe(values.length);
        for (const v of values) {
          const i = bins.lowNs.findIndex((lo, k) => v >= lo && v < bins.highNs[k]!);
          expect(i, `value ${v}`).toBeGreaterThanOrEqual(0);
        }
        for (let k = 1; k < bins.lowNs.length; k++) expect(bins.lowNs[k]).toBeGreaterThanOrEqual(bins.highNs[k - 1]!);
      }),
    );
  });
});
