import { describe, expect, it } from 'vitest';
import type { TimeSeries } from '../../sim/metrics/index.ts';
import { INTERVAL_COLUMNS } from '../../sim/metrics/index.ts';
import { extent, intervalAt, line, metricAt, podStates, stacked } from '../../web/src/chart-data.ts';

/** Two series (a service and a workload) over 4 intervals of 500 ms, with hand-set counts. */
function fixture(): TimeSeries {
  const intervals = 4;
  const columns = Object.fromEntries(INTERVAL_COLUMNS.map((c) => [c, new Float64Array(2 * intervals)])) as TimeSeries['columns'];
  columns.ended.set([10, 20, 0, 8, 5, 5, 5, 5]);
  columns.success.set([10, 15, 0, 2, 5, 4, 5, 5]);
  columns.p50Ms.set([1, 2, NaN, 4, 1, 1, 1, 1]);
  columns.p99Ms.set([5, 9, NaN, 40, 2, 2, 2, 2]);
  return {
    intervalNs: 500e6,
    intervals,
    series: [
      { name: 'api', kind: 'service' },
      { name: 'users', kind: 'workload' },
    ],
    columns,
    codes: { '200': new Float64Array([10, 15, 0, 2, 5, 4, 5, 5]), '503': new Float64Array([0, 5, 0, 6, 0, 1, 0, 0]), '504': new Float64Array(8) },
    flags: { UH: new Float64Array([0, 5, 0, 0, 0, 1, 0, 0]), UT: new Float64Array(8), UC: new Float64Array([0, 0, 0, 6, 0, 0, 0, 0]) },
  };
}

describe('chart data shaping', () => {
  const ts = fixture();

  it('success rate, rate and percentiles per interval are the recorded counts, NaN where nothing ended', () => {
    expect([0, 1, 2, 3].map((i) => metricAt(ts, 0, i, 'successRate'))).toEqual([1, 0.75, NaN, 0.25]);
    expect([0, 1, 2, 3].map((i) => metricAt(ts, 0, i, 'ratePerS'))).toEqual([20, 40, 0, 16]);
    expect([0, 1, 2, 3].map((i) => metricAt(ts, 0, i, 'p99Ms'))).toEqual([5, 9, NaN, 40]);
    expect(metricAt(ts, 1, 1, 'successRate')).toBe(0.8);
  });

  it('a line has one point per closed interval, at the interval start', () => {
    expect(line(ts, 0, 2, 'p50Ms')).toEqual([
      { tS: 0, value: 1 },
      { tS: 0.5, value: 2 },
    ]);
    expect(line(ts, 0, 99, 'p50Ms')).toHaveLength(4);
  });

  it('stacked codes leave out 2xx and codes that never occur; flags likewise', () => {
    const codes = stacked(ts, 0, 4, 'codes');
    expect(codes.keys).toEqual(['503']);
    expect(codes.rows.map((r) => r.values['503'])).toEqual([0, 5, 0, 6]);
    expect(stacked(ts, 0, 4, 'flags').keys).toEqual(['UH', 'UC']);
    // Only closed intervals count: the UC in interval 3 is not there yet at 3 closed.
    expect(stacked(ts, 0, 3, 'flags').keys).toEqual(['UH']);
    expect(stacked(ts, 1, 4, 'codes').rows.map((r) => r.values['503'])).toEqual([0, 1, 0, 0]);
  });

  it('time maps to its interval, clamped to the run', () => {
    expect([0, 0.49, 0.5, 1.99, 2, 99, -1].map((t) => intervalAt(ts, t))).toEqual([0, 0, 1, 3, 3, 3, 0]);
  });

  it('extent ignores NaN and falls back to [0, 1]', () => {
    expect(extent([line(ts, 0, 4, 'p99Ms')])).toEqual([5, 40]);
    expect(extent([[{ tS: 0, value: NaN }]])).toEqual([0, 1]);
  });

  it('pods by state come from the pod columns, bottom-up ready, starting, terminating; none without them', () => {
    const withPods = fixture();
    const cols = withPods.columns as Record<string, Float64Array>;
    cols.podsReady = new Float64Array([3, 3, 4, 5, 0, 0, 0, 0]);
    cols.podsStarting = new Float64Array([0, 2, 1, 0, 0, 0, 0, 0]);
    cols.podsTerminating = new Float64Array([0, 0, 1, 1, 0, 0, 0, 0]);
    const pods = podStates(withPods, 0, 3)!;
    expect(pods.keys).toEqual(['ready', 'starting', 'terminating']);
    expect(pods.rows.map((r) => r.values)).toEqual([
      { ready: 3, starting: 0, terminating: 0 },
      { ready: 3, starting: 2, terminating: 0 },
      { ready: 4, starting: 1, terminating: 1 },
    ]);
    const without = fixture();
    for (const c of ['podsReady', 'podsStarting', 'podsTerminating']) delete (without.columns as Record<string, unknown>)[c];
    expect(podStates(without, 0, 3)).toBeUndefined();
  });
});
