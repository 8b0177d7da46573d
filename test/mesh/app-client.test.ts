import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/run/index.ts';
import { runLogged, service } from '../helpers/run-logged.ts';
import { scenarioFrom } from '../helpers/scenario.ts';

describe("the app's own HTTP client, deadlines and degrade", () => {
  it('a try that times out is abandoned (code 0 DC at the sidecar) and tried again after the backoff; the upstream keeps working on it', () => {
    const { result, log } = runLogged(`
duration: 5s
cluster: { network: { sameNode: 0s, crossNode: 0s } }
services:
  front: { replicas: 1, app: { serviceTime: 0s }, calls: [{ service: slow, client: { attempts: 3, timeout: 250ms, backoff: 50ms } }] }
  slow: { replicas: 1, app: { serviceTime: 1s, concurrency: 100 }, retries: { attempts: 0 } }
workload: [{ to: front, rate: 1/s, arrival: uniform, end: 1.5s }]
`);
    const slow = service(result, 'slow');
    expect(slow.startedTotal).toBe(3);
    expect(slow.codes).toEqual({ '0': 3 });
    expect(slow.flags).toEqual({ DC: 3 });
    expect(slow.appRetries).toBe(2);
    // Each try is a request of its own: 250 ms each, 50 ms apart; the caller answers 500 after 850 ms.
    const tries = log.filter((l) => l.upstreamCluster.includes('||slow.')).sort((a, b) => a.startNs - b.startNs);
    expect(tries.map((t) => t.durationNs / 1e6)).toEqual([250, 250, 250]);
    expect(tries.map((t) => (t.startNs - tries[0]!.startNs) / 1e6)).toEqual([0, 300, 600]);
    expect(tries[0]!.responseCodeDetails).toBe('downstream_remote_disconnect{app_client_timeout}');
    expect(service(result, 'front').codes).toEqual({ '500': 1 });
    expect(service(result, 'front').latency.maxMs).toBeCloseTo(850, 0);
  });

  it('deadline propagation: the callee drops queued work whose caller gave up, so it no longer does orphaned work', () => {
    const yaml = (dp: boolean) => `
duration: 4s
cluster: { network: { sameNode: 0s, crossNode: 0s } }
services:
  front: { replicas: 1, app: { serviceTime: 0s, concurrency: 1000 }, calls: [{ service: busy }] }
  busy: { replicas: 1, timeout: 100ms, app: { serviceTime: 50ms, concurrency: 1, deadlinePropagation: ${dp} }, calls: [{ service: leaf }] }
  leaf: { replicas: 1, app: { serviceTime: 0s } }
workload: [{ to: front, rate: 40/s, arrival: uniform, end: 2s }]
`;
    const orphaned = runLogged(yaml(false)).result;
    const dropped = runLogged(yaml(true)).result;
    // 40/s into a 20/s server with a 100 ms timeout: most time out either way...
    expect(service(orphaned, 'busy').flags.UT).toBeGreaterThan(40);
    expect(service(dropped, 'busy').flags.UT).toBeGreaterThan(0);
    // ...but without propagation the server still serves every one of them (and calls leaf for
    // each), while with it the expired ones are dropped unserved: leaf sees only wanted work.
    expect(service(orphaned, 'leaf').startedTotal).toBe(service(orphaned, 'busy').startedTotal);
    expect(service(dropped, 'leaf').startedTotal).toBeLessThan(service(dropped, 'busy').startedTotal / 2);
    // (FIFO overload keeps the jobs it does serve near their deadline, so goodput stays low:
    // dropping expired work saves the waste, it does not reorder the queue.)
  });

  it('degrade multiplies the service time and fails a share of requests for its window only', () => {
    const { result, log } = runLogged(`
duration: 4s
cluster: { network: { sameNode: 0s, crossNode: 0s } }
services:
  api: { replicas: 1, app: { serviceTime: 10ms, concurrency: 100 }, retries: { attempts: 0 } }
timeline: [{ at: 1s, degrade: { service: api, serviceTimeFactor: 5, errorRate: 1, for: 1s } }]
workload: [{ to: api, rate: 10/s, arrival: uniform, end: 3s }]
`);
    const byWindow = (from: number, to: number) => log.filter((l) => l.startNs >= from * 1e9 && l.startNs < to * 1e9);
    expect(byWindow(0, 1).every((l) => l.responseCode === 200 && l.durationNs === 10e6)).toBe(true);
    expect(byWindow(1, 1.95).every((l) => l.responseCode === 500 && l.durationNs === 50e6)).toBe(true);
    expect(byWindow(2, 3).every((l) => l.responseCode === 200 && l.durationNs === 10e6)).toBe(true);
    expect(result.summary.timeline.map((t) => t.description)).toEqual(['1s degrade api (serviceTime x5, errorRate 1) for 1s', '2s degrade api ends']);
  });
});

describe("the quickstart's orphaned work", () => {
  it('deadline propagation at catalog turns its flash-sale goodput from about 0 into about its capacity', () => {
    const text = readFileSync(new URL('../../scenarios/quickstart.yaml', import.meta.url), 'utf8').replace(
      '    set: { services.catalog.replicas: 8 }',
      '    set: { services.catalog.replicas: 8 }\n  deadline-propagation:\n    set: { services.catalog.app.deadlinePropagation: true }',
    );
    const scenario = scenarioFrom(text, 'quickstart.yaml');
    const during = (variant: string) => {
      const ts = runScenario(scenario, { variant }).timeSeries;
      const s = ts.series.findIndex((x) => x.name === 'shoppers');
      let ended = 0;
      let ok = 0;
      for (let i = 22; i < 35; i++) {
        ended += ts.columns.ended[s * ts.intervals + i]!;
        ok += ts.columns.success[s * ts.intervals + i]!;
      }
      return ok / ended;
    };
    expect(during('base')).toBeLessThan(0.01);
    // 3 pods x 8 workers have about 1,450 requests/s of capacity for 2,000/s: 63% make it in time.
    const fixed = during('deadline-propagation');
    expect(fixed).toBeGreaterThan(0.6);
    expect(fixed).toBeLessThan(0.8);
  });
});
