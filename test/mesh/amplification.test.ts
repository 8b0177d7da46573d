import { describe, expect, it } from 'vitest';
import { runScenario, type RunResult } from '../../sim/run/index.ts';
import { scenarioFrom } from '../helpers/scenario.ts';

/**
 * A chain s1 -> s2 -> s3 -> s4 whose leaf always answers 500, so every caller answers 500 too
 * and every layer retries every try independently. Envoy retries (`retries`, retryOn 5xx) act on
 * every hop including the gateway's; the apps' own clients (`client`) act on hops made by apps.
 */
function chain(envoyRetries: number, appTries: number): string {
  const client = appTries > 1 ? `, client: { attempts: ${appTries} }` : '';
  const svc = (i: number) =>
    `  s${i}: { replicas: 2, app: { serviceTime: 0s, concurrency: 1000 }, retries: { attempts: ${envoyRetries}, retryOn: 5xx, backoff: 1ms }${i < 4 ? `, calls: [{ service: s${i + 1}${client} }]` : ''} }`;
  return `
duration: 20s
cluster: { network: { sameNode: 0s, crossNode: 0s } }
services:
${[1, 2, 3, 4].map(svc).join('\n')}
timeline: [{ at: 0s, degrade: { service: s4, errorRate: 1 } }]
workload: [{ to: s1, rate: 20/s, arrival: uniform, end: 5s }]
`;
}

const amplification = (r: RunResult) => r.summary.services.map((s) => [s.depth, s.amplification]);

describe('retry amplification through the call graph', () => {
  it('Envoy retries only: the factor at depth d is exactly (1 + r)^d', () => {
    for (const r of [1, 2]) {
      const result = runScenario(scenarioFrom(chain(r, 1)));
      expect(amplification(result)).toEqual([1, 2, 3, 4].map((d) => [d, (1 + r) ** d]));
      expect(result.summary.amplificationByDepth.map((x) => x.amplification)).toEqual([1, 2, 3, 4].map((d) => (1 + r) ** d));
      const s1 = result.summary.services[0]!;
      expect(s1.attemptsPerRequest).toBe(1 + r);
      expect(s1.nominalRequests).toBe(99);
    }
  });

  it('app-level retries only: the factor is (1 + r)^(d - 1), the gateway making the first hop without an app client', () => {
    for (const tries of [2, 3]) {
      const result = runScenario(scenarioFrom(chain(0, tries)));
      expect(amplification(result)).toEqual([1, 2, 3, 4].map((d) => [d, tries ** (d - 1)]));
      const s2 = result.summary.services[1]!;
      expect(s2.attemptsPerRequest).toBe(1);
      expect(s2.appRetries).toBe((tries - 1) * 99);
    }
  });

  it('nested layers multiply: (1 + r_envoy)^d x (1 + r_app)^(d - 1)', () => {
    const result = runScenario(scenarioFrom(chain(1, 3)));
    expect(amplification(result)).toEqual([1, 2, 3, 4].map((d) => [d, 2 ** d * 3 ** (d - 1)]));
  });

  it('the time series carries the factor per interval', () => {
    const result = runScenario(scenarioFrom(chain(1, 1)));
    const ts = result.timeSeries;
    // s1 (series 0) in the second interval: every request started and retried within it.
    expect(ts.columns.amplification[1]).toBe(2);
    expect(ts.columns.attempts[1]).toBe(40);
    expect(ts.columns.retries[1]).toBe(20);
  });
});

describe('the call graph through a weighted route', () => {
  it("a routed call's nominal load is shared out as its requests landed, and its destinations sit one hop down", () => {
    const result = runScenario(
      scenarioFrom(`
duration: 4s
services:
  web: { replicas: 2, calls: [{ service: api }] }
  api: { replicas: 2, route: [{ destination: api, weight: 3 }, { destination: api-canary, weight: 1 }] }
  api-canary: { replicas: 2 }
workload: [{ to: web, rate: 100/s, arrival: uniform, end: 2s }]
`),
    );
    const [web, api, canary] = result.summary.services;
    expect(web!.nominalRequests).toBe(199);
    // The group's nominal load is web's 199 calls; the weights (3:1) split them 137:62 this run.
    expect(api!.nominalRequests + canary!.nominalRequests).toBe(199);
    expect([api!.nominalRequests, canary!.nominalRequests]).toEqual([api!.startedTotal, canary!.startedTotal]);
    expect(canary!.startedTotal).toBeGreaterThan(30);
    expect([web!.depth, api!.depth, canary!.depth]).toEqual([1, 2, 2]);
    expect(api!.attempts + canary!.attempts).toBe(199);
  });
});

describe('amplification through a route whose weights shift', () => {
  it('without retries every member of the route is at exactly 1x, per interval and over the run, whatever the weights and kube-proxy did', () => {
    const result = runScenario(
      scenarioFrom(`
duration: 4s
services:
  api: { replicas: 2, route: [{ destination: api, weight: 1 }, { destination: api-canary, weight: 1 }] }
  api-canary: { replicas: 2 }
workload: [{ to: api, rate: 200/s }, { to: api, rate: 100/s, via: kube-proxy }]
timeline: [{ at: 1s, route: { service: api, weights: { api-canary: 0 } } }]
`),
    );
    const ts = result.timeSeries;
    for (const name of ['api', 'api-canary']) {
      const s = ts.series.findIndex((x) => x.name === name);
      for (let i = 0; i < ts.intervals; i++) {
        const a = ts.columns.amplification[s * ts.intervals + i]!;
        if (!Number.isNaN(a)) expect(a, `${name} interval ${i}`).toBe(1);
      }
    }
    for (const s of result.summary.services) expect([s.name, s.amplification]).toEqual([s.name, s.attempts / s.startedTotal]);
    expect(result.summary.services.find((s) => s.name === 'api-canary')!.startedTotal).toBeGreaterThan(200);
  });
});
