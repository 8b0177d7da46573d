import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Histogram, MetricsRecorder, ResponseFlag } from '../../sim/metrics/index.ts';

describe('metrics recorder', () => {
  it('the summary histogram holds exactly the requests that ended at or after the warm-up, however the warm-up aligns with intervals', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9_999 }),
        fc.array(fc.record({ end: fc.integer({ min: 0, max: 9_999 }), latency: fc.integer({ min: 0, max: 5_000 }) }), { maxLength: 300 }),
        (warmup, requests) => {
          const rec = new MetricsRecorder([{ name: 's', kind: 'service' }], 10_000, 1_000, warmup);
          const expected = new Histogram();
          const sorted = [...requests].sort((a, b) => a.end - b.end);
          let interval = 1;
          for (const r of sorted) {
            while (r.end >= interval * 1_000) {
              rec.closeInterval([0]);
              interval++;
            }
            rec.ended(0, r.end - r.latency, r.end, 200, 0);
            if (r.end >= warmup) expected.record(r.latency);
          }
          const { totals } = rec.finish([0]);
          expect(Array.from(totals[0]!.latency.counts)).toEqual(Array.from(expected.counts));
          expect(totals[0]!.latency.count).toBe(expected.count);
          expect(totals[0]!.requests).toBe(expected.count);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('per-interval columns: counts by code and flag, latency percentiles in ms, in-flight as given', () => {
    const rec = new MetricsRecorder([{ name: 's', kind: 'service' }], 2e9, 1e9, 0);
    rec.started(0, 0);
    rec.started(0, 0);
    rec.ended(0, 0, 10e6, 200, 0);
    rec.ended(0, 0, 500e6, 504, ResponseFlag.UT);
    rec.closeInterval([3]);
    const { timeSeries: ts } = rec.finish([0]);
    expect(Array.from(ts.columns.started)).toEqual([2, 0]);
    expect(Array.from(ts.columns.ended)).toEqual([2, 0]);
    expect(Array.from(ts.columns.success)).toEqual([1, 0]);
    expect(Array.from(ts.columns.inFlight)).toEqual([3, 0]);
    expect(Array.from(ts.codes['504']!)).toEqual([1, 0]);
    expect(Array.from(ts.flags.UT!)).toEqual([1, 0]);
    expect(ts.columns.p50Ms[0]).toBeCloseTo(10, 1);
    expect(ts.columns.p99Ms[0]).toBeCloseTo(500, 0);
    expect(ts.columns.latencyMeanMs[0]).toBeCloseTo(255, 6);
    expect(ts.columns.p50Ms[1]).toBeNaN();
  });
});
