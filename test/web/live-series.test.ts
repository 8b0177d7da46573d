import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NODE_SERIES, SERVICE_SERIES, type TimeSeries } from '../../sim/metrics/index.ts';
import { workerApi } from '../../sim/worker/api.ts';
import { sliceIntervals, type IntervalChunk, type LiveUpdate } from '../../sim/worker/live.ts';
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

/** A small mesh with connection tracking, tables small enough to fill and drop SYNs. */
const tracked = scenarioFrom(`
duration: 6s
metrics: { interval: 500ms }
cluster: { nodes: 2, conntrack: { enabled: true, nfConntrackMax: 40 } }
mesh: { sidecar: { concurrency: 2 } }
services:
  front: { replicas: 4, calls: [{ service: back }] }
  back: { replicas: 6, app: { serviceTime: 5ms }, trafficPolicy: { connectionPool: { http: { idleTimeout: 1s } } } }
workload: [{ to: front, rate: 300/s }]
`);

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

  it("the connection series a live run streams are exactly its final result's, with nf_conntrack_max", () => {
    const chunks: IntervalChunk[] = [];
    const result = workerApi.runLive(tracked, { variant: 'base', seed: 2 }, (u) => u.chunk && chunks.push(u.chunk));
    const live = new LiveSeries(chunks[0]!);
    for (const c of chunks.slice(1)) live.add(c);
    const cs = result.connectionSeries!;
    expect(result.summary.conntrack!.drops).toBeGreaterThan(0); // the tables filled: the drops column is not all zeros
    expect(live.connections!.nfConntrackMax).toBe(40);
    const n = live.closed;
    const got = live.connections!.series;
    const columns = [...NODE_SERIES.map((k) => [k, got.node[k], cs.node[k], cs.nodes] as const), ...SERVICE_SERIES.map((k) => [k, got.service[k], cs.service[k], 2] as const)];
    for (const [k, streamed, final, width] of columns) {
      expect(Array.from(streamed.subarray(0, n * width)), k).toEqual(Array.from(final.subarray(0, n * width)));
      expect(streamed.subarray(n * width).every(Number.isNaN), `${k} after the closed intervals`).toBe(true);
    }
  });

  it('a run without connection tracking streams no connection series', () => {
    const chunks: IntervalChunk[] = [];
    workerApi.runLive(scenario, { variant: 'base', seed: 3 }, (u) => u.chunk && chunks.push(u.chunk));
    expect(chunks.some((c) => c.conntrack)).toBe(false);
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
