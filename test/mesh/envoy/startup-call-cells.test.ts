/**
 * A startup call is the calling pod's own request to its upstream: it uses that pod's load
 * balancer and circuit-breaker counts for the cluster (envoy.md §5), even when the service never
 * calls that upstream while serving.
 */
import { describe, expect, it } from 'vitest';
import { runLogged, service } from '../../helpers/run-logged.ts';

/**
 * front scales 2 -> 3 at 1 s; the new pod fetches config once as its app starts. Its neighbour
 * front-1 has about 50 calls to back in flight then (100/s, 1 s each); config allows 1 request
 * in flight per calling proxy.
 */
const yaml = `
duration: 6s
mesh: { sidecar: { startup: holdApplicationUntilProxyStarts } }
services:
  config: { replicas: 1, trafficPolicy: { connectionPool: { http: { http2MaxRequests: 1 } } } }
  back: { replicas: 2, app: { serviceTime: 1s, concurrency: 1000 } }
  front: { replicas: 2, app: { concurrency: 1000, startupCalls: [{ service: config }] }, calls: [{ service: back }] }
workload: [{ to: front, rate: 100/s }]
timeline:
  - { at: 1s, scale: { service: front, replicas: 3 } }
`;

describe("a startup call's circuit breakers", () => {
  it("the new pod's one call to config succeeds: no other pod's requests count against its http2MaxRequests of 1", () => {
    const { result, log } = runLogged(yaml);
    const calls = log.filter((r) => r.upstreamCluster.includes('||config.'));
    expect(calls).toHaveLength(1);
    expect(calls[0]!.responseCode).toBe(200);
    expect(service(result, 'front').appRestarts).toBe(0);
  });
});
