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

  it('a route shift states its weights as written', () => {
    const routed = scenarioFrom(`
duration: 4s
services:
  api: { route: [{ destination: api, weight: 9 }, { destination: api-canary, weight: 1 }] }
  api-canary: {}
workload: [{ to: api, rate: 20/s }]
timeline: [{ at: 1s, route: { service: api, weights: { api-canary: 0, api: 5 } } }]
`);
    expect(timelineMarkers(routed, undefined)).toEqual([{ atS: 1, label: 'route service=api weights={api-canary: 0, api: 5}' }]);
    const killed = scenarioFrom(`
duration: 4s
services: { api: { replicas: 3 } }
workload: [{ to: api, rate: 20/s }]
timeline: [{ at: 1s, kill: { service: api, pods: [api-0, api-2] } }]
`);
    expect(timelineMarkers(killed, undefined)[0]!.label).toBe('kill service=api pods=api-0,api-2 replace=true');
    const { summary } = runScenario(routed, { seed: 1 });
    expect(timelineMarkers(routed, summary.timeline)[0]!.label).toBe('route api: api 5, api-canary 0');
  });
});
