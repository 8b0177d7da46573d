import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TimeSeries } from '../../sim/metrics/index.ts';
import { workerApi } from '../../sim/worker/api.ts';
import { sliceIntervals, type LiveUpdate } from '../../sim/worker/live.ts';
import { LiveSeries } from '../../web/src/live-series.ts';
import { scenarioFrom } from '../helpers/scenario.ts';

const scenario = scenarioFrom(`
duration: 8s
metrics: { interval: 500ms }
services:
  api: { replicas: 2, timeout: 20ms, app: { serviceTime: { exponential: { mean: 8ms } }, concurrency: 12 }, calls: [{ service: db }] }
  db: { replicas: 1, app: { serviceTime: 3ms, concurrency: 4 } }
workload: [{ name: users, to: api, rate: 2500/s }]
timeline: [{ at: 4s, kill: { service: api, count: 1 } }]
`);

/** Every cell of intervals [0, n) of each array of `a` equals `b`'s, bit for bit (NaN too). */
function expectSameIntervals(a: TimeSeries, b: TimeSeries, n: number): void {
  const pick = (cols: Record<string, Float64Array>, k: string) =>
    a.series.flatMap((_, s) => Array.from(cols[k]!.subarray(s * a.intervals, s * a.intervals + n)));
  for (const k of Object.keys(b.columns)) expect(pick(a.columns, k), k).toEqual(pick(b.columns, k));
  for (const k of Object.keys(b.codes)) expect(pick(a.codes, k), `code ${k}`).toEqual(pick(b.codes, k));
  for (const k of Object.keys(b.flags)) expect(pick(a.flags, k), `flag ${k}`).toEqual(pick(b.flags, k));
}

describe('live interval streaming', () => {
  it('the intervals a live run streams are exactly those of its final result', () => {
    const updates: LiveUpdate[] = [];
    const result = workerApi.runLive(scenario, { variant: 'base', seed: 3 }, (u) => updates.push(u));
    const chunks = updates.flatMap((u) => (u.chunk ? [u.chunk] : []));
    expect(chunks.length).toBeGreaterThan(3);
    const live = new LiveSeries(chunks[0]!);
    for (const c of chunks.slice(1)) live.add(c);
    // The last interval closes only when the run finishes; every earlier one was streamed.
    expect(live.closed).toBe(result.timeSeries.intervals - 1);
    expectSameIntervals(live.ts, result.timeSeries, live.closed);
    expect(Object.keys(live.ts.codes).sort()).toEqual(Object.keys(result.timeSeries.codes).sort());
    expect(updates.at(-1)!.fraction).toBe(1);
    for (let i = 1; i < updates.length; i++) expect(updates[i]!.fraction).toBeGreaterThanOrEqual(updates[i - 1]!.fraction);
  });

  it('a live run gives the same result, digest included, as a plain run', () => {
    const live = workerApi.runLive(scenario, { variant: 'base', seed: 5 }, () => undefined);
    const plain = workerApi.run(scenario, { variant: 'base', seed: 5 }, undefined, 0);
    expect(live.summary.digest).toBe(plain.summary.digest);
    expect(live.summary.eventDigest).toBe(plain.summary.eventDigest);
  });

  it('any split of a time series into chunks reassembles to the same series', () => {
    const result = workerApi.run(scenario, { variant: 'base', seed: 9 }, undefined, 0);
    const ts = result.timeSeries;
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: ts.intervals - 1 }), { maxLength: 8 }), (cuts) => {
        const bounds = [0, ...cuts.sort((a, b) => a - b), ts.intervals];
        const live = new LiveSeries(sliceIntervals(ts, bounds[0]!, bounds[1]!));
        for (let k = 1; k + 1 < bounds.length; k++) live.add(sliceIntervals(ts, bounds[k]!, bounds[k + 1]!));
        expect(live.closed).toBe(ts.intervals);
        expectSameIntervals(live.ts, ts, ts.intervals);
      }),
      { numRuns: 40 },
    );
  });
});
