import { describe, expect, it } from 'vitest';
import { runLogged, service } from '../helpers/run-logged.ts';

describe("the app's own request timeout (Rack::Timeout's service_timeout)", () => {
  it('a request still being worked on at the timeout is answered 500 then, and its work never completes', () => {
    const { result, log } = runLogged(`
duration: 10s
cluster: { network: { sameNode: 0s, crossNode: 0s } }
services:
  web: { replicas: 1, app: { serviceTime: 3s, requestTimeout: 2s, concurrency: 10 }, retries: { attempts: 0 } }
workload: [{ to: web, rate: 1/s, arrival: uniform, end: 3.5s }]
`);
    const web = service(result, 'web');
    expect(web.codes).toEqual({ '500': 3 });
    expect(log.map((l) => l.durationNs / 1e6)).toEqual([2000, 2000, 2000]);
    expect(log.every((l) => l.responseCodeDetails === 'via_upstream{app_request_timeout}')).toBe(true);
  });

  it('counts from when a worker takes the request, not from its arrival: queue wait is not service time', () => {
    const { log } = runLogged(`
duration: 10s
cluster: { network: { sameNode: 0s, crossNode: 0s } }
services:
  web: { replicas: 1, app: { serviceTime: 1500ms, requestTimeout: 2s, concurrency: 1 }, retries: { attempts: 0 } }
workload: [{ to: web, rate: 2/s, arrival: uniform, end: 1.2s }]
`);
    // Two arrivals 500 ms apart on one worker: the second waits 1 s, then is served in 1.5 s.
    expect(log.map((l) => [l.responseCode, l.durationNs / 1e6])).toEqual([
      [200, 1500],
      [200, 2500],
    ]);
  });

  it('a request waiting on its calls answers 500 at the timeout and abandons them (code 0 DC); the callee sees no more of its work', () => {
    const { result, log } = runLogged(`
duration: 10s
cluster: { network: { sameNode: 0s, crossNode: 0s } }
services:
  web:
    replicas: 1
    app: { serviceTime: 0s, requestTimeout: 1s }
    calls: [{ service: api, client: { attempts: 3, timeout: 600ms } }, { service: leaf }]
    retries: { attempts: 0 }
  api: { replicas: 1, app: { serviceTime: 5s, concurrency: 100 }, retries: { attempts: 0 } }
  leaf: { replicas: 1, app: { serviceTime: 0s } }
workload: [{ to: web, rate: 1/s, arrival: uniform, end: 1.5s }]
`);
    expect(service(result, 'web').codes).toEqual({ '500': 1 });
    expect(service(result, 'web').latency.maxMs).toBeCloseTo(1000, 0);
    // The app client's first try timed out at 600 ms, its second was abandoned at 1 s, no third.
    const api = log.filter((l) => l.upstreamCluster.includes('||api.')).sort((a, b) => a.startNs - b.startNs);
    expect(api.map((l) => [l.durationNs / 1e6, l.responseCodeDetails])).toEqual([
      [600, 'downstream_remote_disconnect{app_client_timeout}'],
      [400, 'downstream_remote_disconnect{app_request_timeout}'],
    ]);
    expect(service(result, 'api').appRetries).toBe(1);
    expect(service(result, 'leaf').startedTotal).toBe(0);
  });
});
