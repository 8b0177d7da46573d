import { describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/run/index.ts';
import { timelineMarkers } from '../../web/src/timeline-markers.ts';
import { scenarioFrom } from '../helpers/scenario.ts';

const s = scenarioFrom(`
duration: 4s
services:
  api: { replicas: 2 }
workload: [{ name: users, to: api, rate: 20/s }]
timeline:
  - { at: 1s, scale: { service: api, replicas: 4 } }
  - { at: 2500ms, rate: { workload: users, rate: 40/s } }
`);

describe('timeline markers', () => {
  it('before a run ends, say the action as the scenario states it, at its time', () => {
    expect(timelineMarkers(s, undefined)).toEqual([
      { atS: 1, label: 'scale service=api replicas=4' },
      { atS: 2.5, label: 'rate workload=users rate=40' },
    ]);
  });

  it("after, say what the run's log says happened, without repeating the time", () => {
    const { summary } = runScenario(s, { seed: 1 });
    const markers = timelineMarkers(s, summary.timeline);
    expect(markers.map((m) => m.atS)).toEqual([1, 2.5]);
    summary.timeline.forEach((e, i) => expect(`${e.description.split(' ')[0]} ${markers[i]!.label}`).toBe(e.description));
    expect(markers[0]!.label).toMatch(/^scale api 2 -> 4/);
  });
});
