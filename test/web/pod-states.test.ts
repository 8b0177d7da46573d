import { describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/run/index.ts';
import { podsAt } from '../../web/src/pod-states.ts';
import { scenarioFrom } from '../helpers/scenario.ts';

const s = scenarioFrom(`
duration: 3s
services:
  api: { replicas: 3, app: { startupTime: 1s } }
  db: { replicas: 2 }
workload: [{ to: api, rate: 50/s }]
timeline: [{ at: 1s, scale: { service: api, replicas: 5 } }]
`);

describe('pods per service by state', () => {
  const result = runScenario(s, { seed: 1 });

  it('without per-interval pod columns, falls back to the ready endpoints at the end', () => {
    const ts = { ...result.timeSeries, columns: { ...result.timeSeries.columns } } as typeof result.timeSeries;
    for (const c of ['podsStarting', 'podsReady', 'podsTerminating']) delete (ts.columns as Record<string, unknown>)[c];
    expect(podsAt(ts, result.summary, 0)).toEqual({
      source: 'end',
      services: [
        { service: 'api', counts: { ready: result.summary.readyAtEnd.api } },
        { service: 'db', counts: { ready: result.summary.readyAtEnd.db } },
      ],
    });
    expect(podsAt(ts, undefined, 0).services.map((x) => x.counts)).toEqual([{}, {}]);
  });

  it("reads a real run's pod states: the initial pods ready at once, the scale-up's pods all accounted for", () => {
    const at = (i: number) => Object.fromEntries(podsAt(result.timeSeries, result.summary, i).services.map((x) => [x.service, x.counts]));
    expect(podsAt(result.timeSeries, result.summary, 0).source).toBe('interval');
    expect(at(0)).toEqual({ api: { starting: 0, ready: 3, terminating: 0 }, db: { starting: 0, ready: 2, terminating: 0 } });
    const api = at(2).api!;
    expect(api.starting! + api.ready! + api.terminating!).toBe(5);
  });

  it('with the columns, reads each state at the chosen interval (workload series are not services)', () => {
    const ts = result.timeSeries;
    const cells = ts.series.length * ts.intervals;
    const col = (values: number[]) => Float64Array.from({ length: cells }, (_, k) => values[k] ?? 0);
    // Series 0 = api, 1 = db, 2 = the workload; 3 intervals each.
    const columns = { ...ts.columns, podsStarting: col([0, 2, 0]), podsReady: col([3, 3, 5, 2, 2, 2]), podsTerminating: col([0, 0, 1]) };
    expect(podsAt({ ...ts, columns }, result.summary, 1)).toEqual({
      source: 'interval',
      services: [
        { service: 'api', counts: { starting: 2, ready: 3, terminating: 0 } },
        { service: 'db', counts: { starting: 0, ready: 2, terminating: 0 } },
      ],
    });
  });
});
