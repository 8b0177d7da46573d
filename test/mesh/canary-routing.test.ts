import { describe, expect, it } from 'vitest';
import type { AccessLogRecord } from '../../sim/mesh/index.ts';
import { CLIENTS_WITHOUT_SIDECAR_NAME, GATEWAY_NAME } from '../../sim/mesh/kube/pods.ts';
import { runScenario } from '../../sim/run/index.ts';
import { runLogged, service } from '../helpers/run-logged.ts';
import { scenarioFrom } from '../helpers/scenario.ts';

const CANARY = `
duration: 6s
cluster: { nodes: 2 }
services:
  payments:
    replicas: 10
    route: [{ destination: payments, weight: 90 }, { destination: payments-canary, weight: 10 }]
  payments-canary: { replicas: 10 }
workload:
  - { name: mesh, to: payments, rate: 2000/s }
  - { name: no-mesh, to: payments, rate: 2000/s, via: kube-proxy }
`;

/** The requests `caller` sent that ended (the in-flight ones at the end left out, as the summary does). */
const from = (log: AccessLogRecord[], caller: string) => log.filter((r) => r.downstreamPod === caller && !r.inFlightAtEnd);
const canaryShare = (records: AccessLogRecord[]) => records.filter((r) => r.upstreamCluster.includes('||payments-canary.')).length / records.length;

describe('canaries: weighted routes and clients without a sidecar (kubernetes-istio.md §5-6)', () => {
  const { result, log } = runLogged(CANARY);

  it("a sidecar's requests split by the route's weights, a client without one by the Service's pods", () => {
    const mesh = from(log, GATEWAY_NAME);
    const noMesh = from(log, CLIENTS_WITHOUT_SIDECAR_NAME);
    expect(mesh.length).toBeGreaterThan(11_000);
    expect(noMesh.length).toBeGreaterThan(11_000);
    // Binomial standard deviations: 0.003 for the weights' 10%, 0.005 for the pods' 50%.
    expect(Math.abs(canaryShare(mesh) - 0.1)).toBeLessThan(0.015);
    expect(Math.abs(canaryShare(noMesh) - 0.5)).toBeLessThan(0.02);
    // The summary's share is the two together: 30% (the slides' 30/70).
    expect(service(result, 'payments-canary').share).toBeCloseTo(canaryShare(log.filter((r) => !r.inFlightAtEnd)), 12);
    expect(Math.abs(service(result, 'payments-canary').share! - 0.3)).toBeLessThan(0.015);
    expect(service(result, 'payments').share! + service(result, 'payments-canary').share!).toBeCloseTo(1, 12);
  });

  it('kube-proxy picks each ready endpoint with equal odds', () => {
    const perPod = new Map<string, number>();
    for (const r of from(log, CLIENTS_WITHOUT_SIDECAR_NAME)) perPod.set(r.upstreamPod, (perPod.get(r.upstreamPod) ?? 0) + 1);
    expect(perPod.size).toBe(20);
    const mean = [...perPod.values()].reduce((a, b) => a + b, 0) / 20;
    for (const n of perPod.values()) expect(Math.abs(n - mean)).toBeLessThan(0.2 * mean); // sd about 0.04 mean
  });

  it('requests from clients without a sidecar have no Envoy of their own: one attempt each, no flags', () => {
    for (const r of from(log, CLIENTS_WITHOUT_SIDECAR_NAME)) {
      expect(r.attempt).toBe(1);
      expect(r.responseFlags).toBe(0);
    }
    expect(result.summary.workloads.find((w) => w.name === 'no-mesh')!.successRate).toBe(1);
  });
});

describe('a weight shift is a pushed config (kubernetes-istio.md §4.2, §6)', () => {
  const { result, log } = runLogged(`${CANARY}
timeline: [{ at: 3s, route: { service: payments, weights: { payments-canary: 0 } } }]
`);

  it('sidecars keep the old weights until they apply the push, then send the destination nothing', () => {
    const toCanary = from(log, GATEWAY_NAME).filter((r) => r.upstreamCluster.includes('||payments-canary.'));
    const last = Math.max(...toCanary.map((r) => r.startNs));
    const cp = result.summary.controlPlane;
    expect(cp.pushes).toBe(1);
    // The stale window: requests after the shift that still took the old weights, at most until
    // the gateway applied the push (convergence is measured from the shift).
    expect(last).toBeGreaterThan(3e9);
    expect(last).toBeLessThanOrEqual(3e9 + cp.convergence.maxMs! * 1e6);
    expect(result.summary.timeline.map((e) => e.description)).toContain('3s route payments: payments 90, payments-canary 0');
  });

  it('clients without a sidecar go on reaching the destination: kube-proxy knows no weights', () => {
    const late = from(log, CLIENTS_WITHOUT_SIDECAR_NAME).filter((r) => r.startNs > 4e9);
    expect(Math.abs(canaryShare(late) - 0.5)).toBeLessThan(0.03);
  });
});

describe('kube-proxy follows the EndpointSlices, at most once per minSyncPeriod (kubernetes-istio.md §5)', () => {
  const killed = (minSync: string) =>
    runLogged(`
duration: 8s
cluster: { nodes: 2, kubeProxy: { minSyncPeriod: ${minSync} } }
mesh: { controlPlane: { endpointSliceDelay: 50ms } }
services: { payments: { replicas: 4, app: { serviceTime: 20ms } } }
workload: [{ name: no-mesh, to: payments, rate: 400/s, via: kube-proxy }]
timeline: [{ at: 2s, kill: { service: payments, pods: [payments-1], replace: false } }]
`);

  it("a killed pod's connections are reset and new ones refused (code 0, no flags) until kube-proxy drops it", () => {
    const { result, log } = killed('1s');
    const failed = log.filter((r) => r.responseCode !== 200 && !r.inFlightAtEnd);
    expect(failed.length).toBeGreaterThan(0);
    for (const r of failed) {
      expect(r.responseCode).toBe(0);
      expect(r.responseFlags).toBe(0);
      expect(r.upstreamPod).toBe('payments-1');
    }
    expect(failed.map((r) => r.responseCodeDetails)).toContain('upstream_reset_before_response_started{connection_termination}');
    expect(failed.map((r) => r.responseCodeDetails)).toContain('upstream_reset_before_response_started{remote_connection_failure}');
    // The EndpointSlice is written 50ms after the kill; the run's first sync came at 0s, so kube-proxy may sync at once.
    expect(Math.max(...failed.map((r) => r.startNs))).toBeLessThan(2.05e9 + 1);
    expect(result.summary.workloads[0]!.codes['0']).toBe(failed.length);
  });

  it('a longer minSyncPeriod keeps the gone pod in the rules longer', () => {
    const lastFailure = (minSync: string) => Math.max(...killed(minSync).log.filter((r) => r.responseCode !== 200 && !r.inFlightAtEnd).map((r) => r.startNs));
    // 5s: the sync at 0s allows the next at 5s, so the refusals go on until then.
    expect(lastFailure('5s')).toBeGreaterThan(4.5e9);
    expect(lastFailure('5s')).toBeLessThan(5e9);
  });

  it('a Service with no ready endpoint: kube-proxy rejects the connection', () => {
    const { result, log } = runLogged(`
duration: 1s
services: { payments: { replicas: 0 } }
workload: [{ name: no-mesh, to: payments, rate: 100/s, via: kube-proxy }]
`);
    expect(log.length).toBeGreaterThan(50);
    for (const r of log) {
      expect([r.responseCode, r.responseFlags, r.upstreamHost]).toEqual([0, 0, '-']);
      expect(r.responseCodeDetails).toBe('connection_refused{kube_proxy_no_endpoints}');
    }
    expect(service(result, 'payments').codes).toEqual({ '0': log.length });
  });
});

describe('proxy-config shows the route a proxy applied (the stale window, proxy by proxy)', () => {
  it("a sidecar's route keeps the old weights until its push is applied, then the new ones", () => {
    const result = runScenario(scenarioFrom(`${CANARY}
timeline: [{ at: 3s, route: { service: payments, weights: { payments-canary: 0 } } }]
`), {
      proxyConfigAt: [
        { service: 'payments', pod: 'istio-ingressgateway', atNs: 3e9 },
        { service: 'payments', pod: 'istio-ingressgateway', atNs: 5e9 },
      ],
    });
    const [before, after] = result.summary.proxyConfigs;
    expect(before!.route).toEqual([{ destination: 'payments', weight: 90 }, { destination: 'payments-canary', weight: 10 }]);
    expect(after!.route).toEqual([{ destination: 'payments', weight: 90 }, { destination: 'payments-canary', weight: 0 }]);
    expect([before!.version, after!.version]).toEqual([0, 1]);
  });
});

describe("the routed service's VirtualService applies wherever its route sends a request (kubernetes-istio.md §6)", () => {
  it("its timeout cuts a slow destination's requests (504 UT at 100 ms)", () => {
    const { result, log } = runLogged(`
duration: 3s
services:
  front: { replicas: 2, calls: [{ service: pay }] }
  pay:
    replicas: 2
    timeout: 100ms
    route: [{ destination: pay, weight: 1 }, { destination: pay-canary, weight: 1 }]
  pay-canary: { replicas: 2, app: { serviceTime: 1s, concurrency: 1000 } }
workload: [{ to: front, rate: 50/s }]
`);
    const canary = service(result, 'pay-canary');
    expect(canary.requests).toBeGreaterThan(30);
    expect(canary.codes).toEqual({ '504': canary.requests });
    for (const r of log.filter((x) => x.upstreamCluster.includes('||pay-canary.') && !x.inFlightAtEnd)) expect(r.durationNs).toBe(100e6);
  });

  it("its retries retry a destination's 500s, on that destination's cluster", () => {
    const { result } = runLogged(`
duration: 3s
services:
  front: { replicas: 2, calls: [{ service: pay }] }
  pay:
    replicas: 2
    retries: { attempts: 2, retryOn: 5xx, backoff: 1ms }
    route: [{ destination: pay, weight: 1 }, { destination: pay-canary, weight: 1 }]
  pay-canary: { replicas: 2 }
workload: [{ to: front, rate: 50/s }]
timeline: [{ at: 0s, degrade: { service: pay-canary, errorRate: 1 } }]
`);
    const canary = service(result, 'pay-canary');
    expect(canary.retries).toBe(2 * canary.startedTotal);
    expect(canary.flags).toEqual({ URX: canary.requests });
    expect(service(result, 'pay').retries).toBe(0);
  });

  it('a request its own sidecar refuses meets no route: it stays the routed service’s', () => {
    const { result, log } = runLogged(`
duration: 8s
services:
  front: { replicas: 1, app: { startupCalls: [{ service: pay }] } }
  pay:
    replicas: 2
    route: [{ destination: pay, weight: 50 }, { destination: pay-canary, weight: 50 }]
  pay-canary: { replicas: 2 }
workload: [{ to: front, rate: 10/s }]
timeline:
  - { at: 1s, route: { service: pay, weights: { pay-canary: 0 } } }
  - { at: 3s, scale: { service: front, replicas: 21 } }
`);
    const refused = log.filter((r) => r.responseCodeDetails.startsWith('local_sidecar_refused'));
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect(r.upstreamCluster).toContain('||pay.');
    expect(log.filter((r) => r.startNs > 3e9 && r.upstreamCluster.includes('||pay-canary.'))).toEqual([]);
  });
});

describe('a route with one destination (kubernetes-istio.md §6: "it will receive all traffic")', () => {
  it('takes every request whatever its weight, 0 included', () => {
    const { result } = runLogged(`
duration: 2s
services:
  pay: { replicas: 0, route: [{ destination: pay-v2, weight: 0 }] }
  pay-v2: { replicas: 2 }
workload: [{ to: pay, rate: 100/s }]
timeline: [{ at: 1s, route: { service: pay, weights: { pay-v2: 0 } } }]
`);
    expect(service(result, 'pay').requests).toBe(0);
    expect(service(result, 'pay-v2').successRate).toBe(1);
    expect(service(result, 'pay-v2').share).toBe(1);
    // The call graph sends it all the nominal load too: no retries, 1x.
    expect(service(result, 'pay-v2').amplification).toBe(1);
  });
});
