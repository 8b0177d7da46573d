import { describe, expect, it } from 'vitest';
import { Rng } from '../../sim/engine/index.ts';
import type { AccessLogRecord } from '../../sim/mesh/index.ts';
import { ResponseFlag } from '../../sim/metrics/index.ts';
import { runLogged, service } from '../helpers/run-logged.ts';

const byRequest = (log: AccessLogRecord[]) => {
  const m = new Map<number, AccessLogRecord[]>();
  for (const r of log) m.set(r.requestId, [...(m.get(r.requestId) ?? []), r]);
  return [...m.values()];
};

// No network latency and no service time: an attempt's answer comes back at the instant it left.
const FLAT = `cluster: { network: { sameNode: 0s, crossNode: 0s } }`;

describe('Envoy route retries (envoy.md §4.1-4.3)', () => {
  const failing = `
duration: 2s
${FLAT}
services:
  backend:
    replicas: 4
    app: { serviceTime: 0s }
    retries: { attempts: 2, retryOn: 5xx }
timeline: [{ at: 0s, degrade: { service: backend, errorRate: 1 } }]
workload: [{ to: backend, rate: 20/s, arrival: uniform, end: 1s }]
`;

  it('a request that keeps failing makes 1 + attempts tries, then answers the last response with URX', () => {
    const { result, log } = runLogged(failing);
    const b = service(result, 'backend');
    expect(b.startedTotal).toBe(19);
    expect(b.attempts).toBe(3 * 19);
    expect(b.retries).toBe(2 * 19);
    expect(b.codes).toEqual({ '500': 19 });
    expect(b.flags).toEqual({ URX: 19 });
    for (const lines of byRequest(log)) {
      expect(lines.map((l) => l.attempt)).toEqual([1, 2, 3]);
      expect(lines.map((l) => l.responseFlags)).toEqual([0, 0, ResponseFlag.URX]);
      // previous_hosts: with 4 hosts and 6 picks per retry, a retry goes to a host not yet tried here.
      expect(new Set(lines.map((l) => l.upstreamPod)).size).toBe(3);
    }
  });

  it("each retry waits random() % interval ms of the request's jittered backoff, 25 then 50 ms (envoy.md §4.2)", () => {
    const { result, log } = runLogged(failing);
    // The gateway's backoff stream, as the router names it. Requests are 50 ms apart and a
    // request's two retries are drawn within 75 ms of it, so the draws come request by request.
    const stream = new Rng(result.summary.seed).stream('pod/istio-ingressgateway/retry-backoff');
    const requests = byRequest(log).sort((a, b) => a[0]!.startNs - b[0]!.startNs);
    expect(requests.length).toBe(19);
    for (const [first, second, last] of requests) {
      const w1 = stream.nextU32() % 25;
      const w2 = stream.nextU32() % 50;
      // Attempt lines carry the attempt's own start; tries take no time here.
      expect((second!.startNs - (first!.startNs + first!.durationNs)) / 1e6).toBe(w1);
      // The last line is the request's own: from its start to its end, both waits.
      expect(last!.startNs).toBe(first!.startNs);
      expect(last!.durationNs / 1e6).toBe(w1 + w2);
    }
  });

  it("Istio's default policy retries a refused connection (UF) on another host, but not a 500", () => {
    const { result } = runLogged(`
duration: 2s
${FLAT}
services:
  backend: { replicas: 3, app: { serviceTime: 0s } }
timeline:
  - { at: 0s, degrade: { service: backend, errorRate: 1 } }
workload: [{ to: backend, rate: 20/s, arrival: uniform, end: 1s }]
`);
    const b = service(result, 'backend');
    expect(b.retries).toBe(0);
    expect(b.codes).toEqual({ '500': b.startedTotal });
  });

  it('a per-try timeout is retried under 5xx; the tries it gave up on go on at the server as orphaned work', () => {
    const { result, log } = runLogged(`
duration: 3s
${FLAT}
services:
  backend:
    replicas: 3
    app: { serviceTime: 100ms, concurrency: 100 }
    retries: { attempts: 2, perTryTimeout: 30ms, retryOn: 5xx }
workload: [{ to: backend, rate: 10/s, arrival: uniform, end: 1s }]
`);
    const b = service(result, 'backend');
    expect(b.codes).toEqual({ '504': b.startedTotal });
    expect(b.flags).toEqual({ URX: b.startedTotal, UT: b.startedTotal });
    expect(b.attempts).toBe(3 * b.startedTotal);
    for (const lines of byRequest(log)) {
      expect(lines.map((l) => l.responseCodeDetails)).toEqual(['upstream_per_try_timeout', 'upstream_per_try_timeout', 'upstream_per_try_timeout']);
      expect(lines.slice(0, 2).map((l) => l.durationNs)).toEqual([30e6, 30e6]);
      expect(lines[2]!.durationNs).toBeGreaterThanOrEqual(90e6);
    }
  });

  it('the route timeout covers every retry and is never retried (envoy.md §4.3)', () => {
    const { result } = runLogged(`
duration: 3s
${FLAT}
services:
  backend:
    replicas: 3
    timeout: 50ms
    app: { serviceTime: 100ms, concurrency: 100 }
    retries: { attempts: 5, perTryTimeout: 30ms, retryOn: 5xx }
workload: [{ to: backend, rate: 10/s, arrival: uniform, end: 1s }]
`);
    const b = service(result, 'backend');
    expect(b.codes).toEqual({ '504': b.startedTotal });
    expect(b.flags).toEqual({ UT: b.startedTotal });
    expect(b.latency.maxMs).toBeCloseTo(50, 1);
    // A second try starts after 30 ms + a backoff in [0, 25): before 50 ms, or never.
    expect(b.attempts).toBeGreaterThan(b.startedTotal);
    expect(b.attempts).toBeLessThanOrEqual(2 * b.startedTotal);
  });
});

describe('circuit breakers (envoy.md §5, §4.7)', () => {
  it('maxConnections 1 + http1MaxPendingRequests 1: one in flight, one pending, the next overflows with 503 UO at once', () => {
    const { result, log } = runLogged(`
duration: 3s
${FLAT}
services:
  backend:
    replicas: 2
    app: { serviceTime: 1s, concurrency: 10 }
    trafficPolicy: { connectionPool: { tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 1 } } }
workload: [{ to: backend, rate: 10/s, arrival: uniform, end: 350ms }]
`);
    const b = service(result, 'backend');
    // Requests at 100, 200, 300 ms: the first is sent, the second waits, the third overflows.
    expect(b.startedTotal).toBe(3);
    expect(b.codes).toEqual({ '200': 2, '503': 1 });
    expect(b.flags).toEqual({ UO: 1 });
    const uo = log.find((l) => l.responseFlags === ResponseFlag.UO)!;
    expect(uo.durationNs).toBe(0);
    expect(uo.responseCodeDetails).toBe('upstream_reset_before_response_started{overflow}');
    // The pending one got the connection when the first finished (1.1 s) and took 1 s more.
    expect(b.latency.maxMs).toBeCloseTo(1900, 0);
  });

  it('an HTTP/2 pool multiplexes: maxConnections 1 queues nothing, every request goes out at once', () => {
    const { result } = runLogged(`
duration: 3s
${FLAT}
services:
  backend:
    replicas: 2
    app: { serviceTime: 1s, concurrency: 10 }
    trafficPolicy: { connectionPool: { tcp: { maxConnections: 1 }, http: { http1MaxPendingRequests: 1, h2UpgradePolicy: UPGRADE } } }
workload: [{ to: backend, rate: 10/s, arrival: uniform, end: 350ms }]
`);
    const b = service(result, 'backend');
    // The same three requests as the HTTP/1.1 case above: none waits, none overflows.
    expect(b.codes).toEqual({ '200': 3 });
    expect(b.latency.maxMs).toBeLessThan(1100);
  });

  it('http2MaxRequests N: exactly N requests in flight per (proxy, cluster), the N+1th overflows', () => {
    for (const n of [1, 2, 3]) {
      const { result } = runLogged(`
duration: 3s
${FLAT}
services:
  backend:
    replicas: 2
    app: { serviceTime: 1s, concurrency: 10 }
    trafficPolicy: { connectionPool: { http: { http2MaxRequests: ${n} } } }
workload: [{ to: backend, rate: 10/s, arrival: uniform, end: 450ms }]
`);
      const b = service(result, 'backend');
      expect(b.startedTotal).toBe(4);
      expect(b.codes['200']).toBe(n);
      expect(b.flags.UO ?? 0).toBe(4 - n);
    }
  });

  it('maxRetries: a wanted retry beyond the limit is refused, counted as retry overflow, and the upstream response is returned flagged UO', () => {
    const { result } = runLogged(`
duration: 3s
${FLAT}
services:
  backend:
    replicas: 4
    app: { serviceTime: 0s }
    retries: { attempts: 1, retryOn: 5xx, backoff: 100ms }
    trafficPolicy: { connectionPool: { http: { maxRetries: 1 } } }
timeline: [{ at: 0s, degrade: { service: backend, errorRate: 1 } }]
workload: [{ to: backend, rate: 100/s, arrival: uniform, end: 1s }]
`);
    const b = service(result, 'backend');
    expect(b.retryOverflow).toBeGreaterThan(0);
    expect(b.retries + b.retryOverflow).toBe(b.startedTotal);
    expect(b.flags.UO).toBe(b.retryOverflow);
    expect(b.flags.URX).toBe(b.retries);
    expect(b.codes).toEqual({ '500': b.startedTotal });
  });
});
