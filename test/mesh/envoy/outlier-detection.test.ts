/**
 * Envoy's outlier detector, replaying envoy.md §10 Table F (OD-1 .. OD-7,
 * `test/common/upstream/outlier_detection_impl_test.cc`), the defaults of §3.1 and Istio's
 * DestinationRule mapping of §4.7.
 */
import { describe, expect, it } from 'vitest';
import type { RandomStream } from '../../../sim/engine/index.ts';
import { HealthFlag } from '../../../sim/mesh/envoy/health-flags.ts';
import {
  compileEnvoyOutlier,
  compileIstioOutlier,
  ENVOY_OUTLIER_DEFAULTS,
  Origin,
  OutlierDetector,
  successRateThreshold,
  type OutlierConfig,
} from '../../../sim/mesh/envoy/outlier-detection.ts';
import { EnvoyOutlierDetection, IstioOutlierDetection } from '../../../sim/scenario/schema-health.ts';

const S = 1e9;
const noRandom = { nextU32: () => 0, nextUnit: () => 0 } as RandomStream;

function detector(hosts: number, config: Partial<OutlierConfig>) {
  const holder = { flags: new Uint16Array(hosts) };
  const od = new OutlierDetector({ ...ENVOY_OUTLIER_DEFAULTS, ...config }, holder, noRandom);
  for (let h = 0; h < hosts; h++) od.addHost(h);
  const ejected = (h: number) => (holder.flags[h]! & HealthFlag.FAILED_OUTLIER_CHECK) !== 0;
  const send = (h: number, code: number, n: number, atNs: number) => {
    for (let i = 0; i < n; i++) od.onResult(h, code, Origin.EXTERNAL, atNs);
  };
  return { od, holder, ejected, send };
}

describe('outlier detection: Table F', () => {
  it('OD-1 EjectTimeBackoff: ejection time grows with each ejection and decays on healthy ticks', () => {
    const { od, ejected, send } = detector(1, { baseEjectionNs: 10 * S, intervalNs: 10 * S, maxEjectionPercent: 100 });
    const tick = (t: number) => od.onIntervalTick(t * S);
    send(0, 500, 5, 0);
    expect(ejected(0)).toBe(true);
    tick(10);
    expect(ejected(0)).toBe(false); // 10 s
    send(0, 500, 5, 10 * S);
    tick(20);
    expect(ejected(0)).toBe(true);
    tick(30);
    expect(ejected(0)).toBe(false); // 20 s
    send(0, 500, 5, 30 * S);
    tick(40);
    tick(50);
    expect(ejected(0)).toBe(true);
    tick(60);
    expect(ejected(0)).toBe(false); // 30 s
    tick(70);
    tick(80); // backoff 3 -> 2 -> 1
    send(0, 500, 5, 80 * S);
    tick(90);
    expect(ejected(0)).toBe(true);
    tick(100);
    expect(ejected(0)).toBe(false); // 20 s
    for (let t = 110; t <= 600; t += 10) tick(t); // 50 healthy ticks: backoff -> 0
    send(0, 500, 5, 610 * S);
    expect(ejected(0)).toBe(true);
    tick(620);
    expect(ejected(0)).toBe(false); // 10 s
  });

  it('OD-2 MaxEjectionPercentage: 3 hosts, max 50%: only host0 ejected', () => {
    const { ejected, send } = detector(3, { maxEjectionPercent: 50 });
    for (let h = 0; h < 3; h++) send(h, 500, 5, 0);
    expect([0, 1, 2].map(ejected)).toEqual([true, false, false]);
  });

  it('OD-3 MaxEjectionPercentageOverride: max 30% with always_eject_one_host: only host0', () => {
    const { ejected, send } = detector(3, { maxEjectionPercent: 30, alwaysEjectOneHost: true });
    for (let h = 0; h < 3; h++) send(h, 500, 5, 0);
    expect([0, 1, 2].map(ejected)).toEqual([true, false, false]);
  });

  it('OD-4 MaxEjectionPercentageSingleHost: 1 host, max 90%: not ejected (100% > 90%)', () => {
    const { od, ejected, send } = detector(1, { maxEjectionPercent: 90 });
    send(0, 500, 5, 0);
    expect(ejected(0)).toBe(false);
    expect(od.ejectionsOverflow).toBe(1);
  });

  it('OD-5 Consecutive_5xx: 4 x 500 do not eject, the fifth does (the counter equals the threshold)', () => {
    const { ejected, send } = detector(1, { maxEjectionPercent: 100 });
    send(0, 500, 4, 0);
    expect(ejected(0)).toBe(false);
    send(0, 500, 1, 0);
    expect(ejected(0)).toBe(true);
  });

  it('a non-5xx resets the consecutive counter', () => {
    const { ejected, send } = detector(1, { maxEjectionPercent: 100 });
    send(0, 500, 4, 0);
    send(0, 200, 1, 0);
    send(0, 500, 4, 0);
    expect(ejected(0)).toBe(false);
  });

  it('OD-6 success rate: host4 at 50% against mean 90, threshold 52 is ejected at the tick, un-ejected after 30 s', () => {
    // With the default max_ejection_percent (10) one of 5 hosts is 20%: since Envoy 1.28 (§3.2
    // version note) that is never ejected, so the cap is lifted here as the test's runtime does.
    const { od, ejected, send } = detector(5, { enforcing5xx: 0, enforcingGateway: 0, maxEjectionPercent: 100 });
    for (let h = 0; h < 4; h++) send(h, 200, 200, 0);
    send(4, 200, 200, 0);
    send(4, 503, 200, 0);
    od.onIntervalTick(10_000e6);
    expect([0, 1, 2, 3, 4].map(ejected)).toEqual([false, false, false, false, true]);
    od.onIntervalTick(19_999e6);
    expect(ejected(4)).toBe(true);
    od.onIntervalTick(50_001e6);
    expect(ejected(4)).toBe(false);
    // 25 requests per host: under success_rate_request_volume (100), no success-rate ejection.
    for (let h = 0; h < 5; h++) send(h, h === 4 ? 503 : 200, 25, 50_001e6);
    od.onIntervalTick(60_001e6);
    expect([0, 1, 2, 3, 4].map(ejected)).toEqual([false, false, false, false, false]);
  });

  it('OD-7 SRThreshold: {50,100,100,100,100} x 1.9 -> mean 90, threshold 52', () => {
    const { mean, threshold } = successRateThreshold([50, 100, 100, 100, 100], 1.9);
    expect(mean).toBe(90);
    expect(threshold).toBeCloseTo(52, 10);
  });

  it('gateway failures (502/503/504) are detected but not enforced by default', () => {
    const { ejected, od, send } = detector(1, { maxEjectionPercent: 100, enforcing5xx: 0 });
    send(0, 503, 5, 0);
    expect(ejected(0)).toBe(false);
    expect(od.ejectionsTotal).toBe(0);
  });

  it('split mode: local-origin failures count apart, to consecutive_local_origin_failure', () => {
    const { od, ejected } = detector(1, { maxEjectionPercent: 100, split: true });
    for (let i = 0; i < 4; i++) od.onResult(0, 503, Origin.LOCAL_CONNECT_FAILED, 0);
    od.onResult(0, 500, Origin.EXTERNAL, 0); // an answer: the connection worked
    for (let i = 0; i < 4; i++) od.onResult(0, 503, Origin.LOCAL_CONNECT_FAILED, 0);
    expect(ejected(0)).toBe(false);
    od.onResult(0, 503, Origin.LOCAL_CONNECT_FAILED, 0);
    expect(ejected(0)).toBe(true);
  });

  it('a successful active check un-ejects a host that passes HC (successful_active_health_check_uneject_host)', () => {
    const { od, ejected, send } = detector(1, { maxEjectionPercent: 100 });
    send(0, 500, 5, 0);
    expect(od.onHealthCheckSuccess(0, 1)).toBe(true);
    expect(ejected(0)).toBe(false);
  });
});

describe('outlier detection config', () => {
  it("the defaults are Envoy's (§3.1), whether written out or parsed from an empty block", () => {
    expect(compileEnvoyOutlier(EnvoyOutlierDetection.parse({}))).toEqual(ENVOY_OUTLIER_DEFAULTS);
  });

  it('Istio DestinationRule mapping (§4.7): success rate off; 5xx and gateway enforced only when > 0', () => {
    const c = compileIstioOutlier(IstioOutlierDetection.parse({ consecutive5xxErrors: 3, interval: '5s', baseEjectionTime: '1m', maxEjectionPercent: 50 }));
    expect(c.enforcingSuccessRate).toBe(0);
    expect([c.consecutive5xx, c.enforcing5xx, c.enforcingGateway]).toEqual([3, 100, 0]);
    expect([c.intervalNs, c.baseEjectionNs, c.maxEjectionPercent, c.maxEjectionNs]).toEqual([5 * S, 60 * S, 50, 300 * S]);
    const off = compileIstioOutlier(IstioOutlierDetection.parse({ consecutive5xxErrors: 0, consecutiveGatewayErrors: 2 }));
    expect([off.enforcing5xx, off.consecutiveGateway, off.enforcingGateway]).toEqual([0, 2, 100]);
  });
});
