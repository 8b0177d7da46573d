import { describe, expect, it } from 'vitest';
import type { AccessLogRecord } from '../../sim/mesh/index.ts';
import { ResponseFlag } from '../../sim/metrics/index.ts';
import { runScenario, type RunResult } from '../../sim/run/index.ts';
import { scenarioFrom } from '../helpers/scenario.ts';

function runLogged(yaml: string, seed?: number): { result: RunResult; log: AccessLogRecord[] } {
  const log: AccessLogRecord[] = [];
  const result = runScenario(scenarioFrom(yaml), { accessLog: (r) => log.push(r), ...(seed !== undefined && { seed }) });
  return { result, log };
}

const service = (r: RunResult, name: string) => r.summary.services.find((s) => s.name === name)!;
const to = (log: AccessLogRecord[], name: string) => log.filter((r) => r.upstreamCluster.includes(`||${name}.`));

describe('no healthy upstream', () => {
  it('a service with no endpoints answers 503 UH at once, and its required caller answers 500', () => {
    const { result, log } = runLogged(`
duration: 2s
services:
  frontend: { replicas: 2, calls: [{ service: backend }] }
  backend: { replicas: 0 }
workload: [{ to: frontend, rate: 100/s }]
`);
    const backend = service(result, 'backend');
    expect(backend.requests).toBeGreaterThan(150);
    expect(backend.codes).toEqual({ '503': backend.requests });
    expect(backend.flags).toEqual({ UH: backend.requests });
    for (const r of to(log, 'backend')) {
      expect(r.durationNs).toBe(0);
      expect(r.upstreamHost).toBe('-');
      expect(r.responseFlags).toBe(ResponseFlag.UH);
    }
    expect(service(result, 'frontend').codes).toEqual({ '500': service(result, 'frontend').requests });
  });

  it('an optional call that fails does not fail its caller', () => {
    const { result } = runLogged(`
duration: 2s
services:
  frontend: { calls: [{ service: backend, required: false }] }
  backend: { replicas: 0 }
workload: [{ to: frontend, rate: 50/s }]
`);
    expect(service(result, 'frontend').successRate).toBe(1);
  });
});

describe('route timeout', () => {
  it('a request to a slower service ends 504 UT exactly at the timeout', () => {
    const { result, log } = runLogged(`
duration: 3s
services:
  frontend: { calls: [{ service: backend }] }
  backend: { timeout: 50ms, app: { serviceTime: 80ms, concurrency: 1000 } }
workload: [{ to: frontend, rate: 20/s, end: 2s }]
`);
    const records = to(log, 'backend');
    expect(records.length).toBeGreaterThan(20);
    for (const r of records) {
      expect(r.responseCode).toBe(504);
      expect(r.responseFlags).toBe(ResponseFlag.UT);
      expect(r.durationNs).toBe(50_000_000);
    }
    expect(service(result, 'frontend').codes).toEqual({ '500': service(result, 'frontend').requests });
  });

  it('no timeout (the Istio default) lets a slow request finish', () => {
    const { log } = runLogged(`
duration: 3s
cluster: { network: { sameNode: 0s, crossNode: 0s } }
services:
  backend: { app: { serviceTime: 1500ms } }
workload: [{ to: backend, rate: 4/s, arrival: uniform, end: 1s }]
`);
    expect(log.length).toBe(3);
    for (const r of log) {
      expect(r.responseCode).toBe(200);
      expect(r.durationNs).toBe(1_500_000_000);
    }
  });
});

describe('killing pods', () => {
  const yaml = `
duration: 8s
services:
  frontend: { replicas: 1, app: { concurrency: 1000 }, calls: [{ service: backend }] }
  backend: { replicas: 1, app: { serviceTime: 300ms, concurrency: 1000 } }
workload: [{ to: frontend, rate: 100/s, end: 5s }]
timeline:
  - { at: 1s, kill: { service: backend, pods: [backend-0] } }
  - { at: 4s, kill: { service: frontend, count: 1, replace: true } }
`;

  it("resets the killed pod's requests (503 UC) and ends its own open calls with no response (0 DC)", () => {
    const { result, log } = runLogged(yaml);
    const backend = service(result, 'backend');
    // About 30 requests (100/s x 300 ms) were at backend-0 when it died.
    expect(backend.flags.UC).toBeGreaterThanOrEqual(20);
    const killed = to(log, 'backend').filter((r) => r.responseFlags === ResponseFlag.UC);
    for (const r of killed) expect(r.upstreamPod).toBe('backend-0');
    // frontend-0 died with ~30 calls to backend open: those end with code 0, flag DC.
    expect(backend.flags.DC).toBeGreaterThanOrEqual(20);
    const dc = to(log, 'backend').filter((r) => r.responseFlags === ResponseFlag.DC);
    for (const r of dc) expect(r.downstreamPod).toBe('frontend-0');
    // The ingress saw frontend-0's open requests reset.
    expect(service(result, 'frontend').flags.UC).toBeGreaterThanOrEqual(20);
  });

  it('keeps sending to a dead pod until the endpoint removal reaches the proxy: 503 UF, from the model', () => {
    const { result, log } = runLogged(yaml);
    const refused = to(log, 'backend').filter((r) => r.responseFlags === ResponseFlag.UF);
    // frontend-0's proxy applies the removal after EndpointSlice delay + debounce + push.
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) {
      expect(r.upstreamPod).toBe('backend-0');
      expect(r.startNs).toBeGreaterThanOrEqual(1e9);
      expect(r.responseCodeDetails).toBe('upstream_reset_before_response_started{remote_connection_failure}');
      expect(r.upstreamPodState).toBe('app=exited proxy=exited');
    }
    const push = result.summary.controlPlane.perPush.find((p) => p.services.includes('backend'))!;
    const lastRefusedS = Math.max(...refused.map((r) => r.startNs)) / 1e9;
    expect(lastRefusedS).toBeLessThan(1 + push.maxMs! / 1000 + 1e-9);
    // While no pod is ready, the proxy has an empty host set: 503 UH.
    expect(backend(result).flags.UH ?? 0).toBeGreaterThan(0);
  });

  it('replaces killed pods (replace defaults to true) and logs what it did', () => {
    const { result, log } = runLogged(yaml);
    expect(result.summary.timeline.map((e) => e.description)).toEqual([
      '1s kill backend: killed backend-0; created backend-1',
      '4s kill frontend: killed frontend-0; created frontend-1',
    ]);
    expect(to(log, 'backend').some((r) => r.upstreamPod === 'backend-1' && r.responseCode === 200)).toBe(true);
    expect(result.summary.readyAtEnd).toEqual({ frontend: 1, backend: 1 });
  });
});

const backend = (r: RunResult) => service(r, 'backend');

describe('scaling', () => {
  it('scale-down without a preStop sleep: terminating pods refuse new requests until the removal reaches the callers (503 UF)', () => {
    const { result, log } = runLogged(`
duration: 6s
services:
  backend: { replicas: 4, app: { serviceTime: { exponential: { mean: 200ms } }, concurrency: 4 } }
workload: [{ to: backend, rate: 40/s }]
timeline: [{ at: 2s, scale: { service: backend, replicas: 1 } }]
`);
    const failed = log.filter((r) => r.responseCode !== 200 && !r.inFlightAtEnd);
    expect(failed.length).toBeGreaterThan(0);
    for (const r of failed) {
      expect(r.responseFlags).toBe(ResponseFlag.UF);
      expect(r.upstreamPod).not.toBe('backend-0');
      expect(r.responseCodeDetails).toBe('via_upstream{upstream_connect_error:app_not_listening}');
    }
    expect(result.summary.readyAtEnd).toEqual({ backend: 1 });
  });

  it('scale-down with a preStop sleep longer than propagation is graceful: nothing fails', () => {
    const { result, log } = runLogged(`
duration: 6s
services:
  backend: { replicas: 4, app: { serviceTime: { exponential: { mean: 200ms } }, concurrency: 4, preStop: { sleep: 2s } } }
workload: [{ to: backend, rate: 40/s }]
timeline: [{ at: 2s, scale: { service: backend, replicas: 1 } }]
`);
    expect(service(result, 'backend').successRate).toBe(1);
    expect(result.summary.readyAtEnd).toEqual({ backend: 1 });
    // Once every proxy has the removal, only backend-0 (the oldest) receives new requests.
    const settled = 2 + result.summary.controlPlane.lastProxy.maxMs! / 1000;
    const late = log.filter((r) => r.startNs > settled * 1e9);
    expect(late.length).toBeGreaterThan(50);
    for (const r of late) expect(r.upstreamPod).toBe('backend-0');
  });

  it('new pods take traffic only once ready (readiness probe after startupTime) and pushed', () => {
    const { result, log } = runLogged(`
duration: 6s
services:
  backend: { replicas: 1, app: { startupTime: 2s, readinessProbe: { periodSeconds: 1 } } }
workload: [{ to: backend, rate: 200/s }]
timeline: [{ at: 1s, scale: { service: backend, replicas: 3 } }]
`);
    const newPods = log.filter((r) => r.upstreamPod === 'backend-1' || r.upstreamPod === 'backend-2');
    expect(newPods.length).toBeGreaterThan(100);
    // Created at 1s, serving at 3s, the probe on its 1s grid passes at 3s; then the push.
    const push = result.summary.controlPlane.perPush[0]!;
    expect(push.atS).toBeGreaterThan(3);
    expect(Math.min(...newPods.map((r) => r.startNs))).toBeGreaterThan(push.atS * 1e9);
    for (const r of newPods) expect(r.responseCode).toBe(200);
  });

  it('initial replicas are running from the start, even with a startup time', () => {
    const { log } = runLogged(`
duration: 1s
services:
  backend: { replicas: 2, app: { startupTime: 30s } }
workload: [{ to: backend, rate: 100/s }]
`);
    expect(log.every((r) => r.responseCode === 200)).toBe(true);
  });
});

describe('load balancing in the mesh', () => {
  it('round robin from one proxy spreads requests evenly over the hosts', () => {
    const { log } = runLogged(`
duration: 5s
services:
  backend: { replicas: 4, trafficPolicy: { loadBalancer: { simple: ROUND_ROBIN } } }
workload: [{ to: backend, rate: 400/s, arrival: uniform }]
`);
    const counts = new Map<string, number>();
    for (const r of log) counts.set(r.upstreamPod, (counts.get(r.upstreamPod) ?? 0) + 1);
    const values = [...counts.values()];
    expect(values.length).toBe(4);
    expect(Math.max(...values) - Math.min(...values)).toBeLessThanOrEqual(1);
  });

  it('least request (power of two choices) beats random on tail latency, with common random numbers', () => {
    const scenario = scenarioFrom(`
duration: 20s
metrics: { warmup: 2s }
services:
  backend: { replicas: 8, app: { serviceTime: { exponential: { mean: 10ms } }, concurrency: 1 }, trafficPolicy: { loadBalancer: { simple: LEAST_REQUEST } } }
workload: [{ to: backend, rate: 640/s }]
variants:
  random: { set: { services.backend.trafficPolicy.loadBalancer.simple: RANDOM } }
`);
    const p99 = (variant: string) => runScenario(scenario, { variant }).summary.services[0]!.latency.p99Ms!;
    // Utilisation 0.8 per pod: random routing queues like 8 separate M/M/1s, P2C far less.
    expect(p99('base')).toBeLessThan(0.6 * p99('random'));
  });
});

describe('every request ends exactly once', () => {
  const busy = `
duration: 8s
cluster: { nodes: 3 }
services:
  edge: { replicas: 3, timeout: 400ms, app: { concurrency: 8 }, calls: [{ service: a }, { parallel: [{ service: b, probability: 0.5 }, { service: c, required: false }] }] }
  a: { replicas: 2, timeout: 100ms, app: { serviceTime: { exponential: { mean: 20ms } }, concurrency: 2 } }
  b: { replicas: 2, app: { serviceTime: { lognormal: { median: 10ms, p99: 200ms } } }, calls: [{ service: d, probability: 0.3 }] }
  c: { replicas: 1, app: { serviceTime: 50ms } }
  d: { replicas: 0 }
workload:
  - { name: open, to: edge, rate: 150/s, end: 5s }
  - { name: closed, to: a, clients: 5, thinkTime: 10ms, end: 5s }
timeline:
  - { at: 1s, kill: { service: a, count: 1 } }
  - { at: 2s, scale: { service: b, replicas: 4 } }
  - { at: 3s, scale: { service: edge, replicas: 1 } }
  - { at: 3500ms, kill: { service: c, pods: [c-0], replace: false } }
`;

  it('access-log records, summary counts and request ids agree, and nothing is left in flight', () => {
    const { result, log } = runLogged(busy);
    const started = result.summary.services.reduce((n, s) => n + s.startedTotal, 0);
    const ended = result.summary.services.reduce((n, s) => n + s.requests, 0);
    const inFlight = result.summary.services.reduce((n, s) => n + s.inFlightAtEnd, 0);
    expect(inFlight).toBe(0);
    expect(ended).toBe(started);
    // One line per attempt (envoy.md §4.5): a request's lines share its id and count 1, 2, ...
    const retries = result.summary.services.reduce((n, s) => n + s.retries, 0);
    expect(log.length).toBe(started + retries);
    expect(new Set(log.map((r) => r.requestId)).size).toBe(started);
    const attempts = new Map<number, number[]>();
    for (const r of log) attempts.set(r.requestId, [...(attempts.get(r.requestId) ?? []), r.attempt]);
    for (const seen of attempts.values()) expect(seen).toEqual(seen.map((_, i) => i + 1));
    // The mix of outcomes this scenario provokes really happened.
    const flags = new Set(log.map((r) => r.responseFlags));
    for (const f of [0, ResponseFlag.UH, ResponseFlag.UT, ResponseFlag.UC]) expect(flags.has(f), `flag ${f}`).toBe(true);
  });
});
