/**
 * Envoy's active health-check session, replaying envoy.md §10 Table E (HC-1 .. HC-10,
 * `test/common/upstream/health_checker_impl_test.cc`) step by step: result, transition,
 * flags and the next interval in ms.
 */
import { describe, expect, it } from 'vitest';
import type { RandomStream } from '../../../sim/engine/index.ts';
import {
  applyResult,
  compileHealthCheck,
  HcResult,
  initialDelayNs,
  newSession,
  nextIntervalNs,
  Transition,
  type HealthCheckConfig,
} from '../../../sim/mesh/envoy/health-check.ts';
import { HealthFlag } from '../../../sim/mesh/envoy/health-flags.ts';

const S = 1e9;
const MS = 1e6;
const { UNCHANGED, CHANGE_PENDING, CHANGED } = Transition;

/** A stream that returns the given values in turn (Envoy's tests mock random() the same way). */
function fixed(...values: number[]): RandomStream {
  let i = 0;
  return { nextU32: () => values[i++ % values.length]!, nextUnit: () => 0 } as RandomStream;
}

// HC-1 config (:357-376): timeout 1s, interval 1s, unhealthy 2s, unhealthy edge 3s, healthy edge 4s, no traffic 5s.
const HC1: HealthCheckConfig = compileHealthCheck({
  timeout: 1 * S,
  interval: 1 * S,
  unhealthyInterval: 2 * S,
  unhealthyEdgeInterval: 3 * S,
  healthyEdgeInterval: 4 * S,
  noTrafficInterval: 5 * S,
  unhealthyThreshold: 3,
  healthyThreshold: 3,
  initialJitter: 0,
  intervalJitter: 0,
  intervalJitterPercent: 0,
});

// setupNoServiceValidationHC (:248-264): interval 1s, jitter 1s, no traffic 5s, thresholds 2.
const BASIC = compileHealthCheck({
  timeout: 1 * S,
  interval: 1 * S,
  intervalJitter: 1 * S,
  noTrafficInterval: 5 * S,
  unhealthyThreshold: 2,
  healthyThreshold: 2,
  initialJitter: 0,
  intervalJitterPercent: 0,
});

type Step = [result: HcResult, transition: Transition, nextMs: number, traffic: boolean];

describe('active health checking: Table E', () => {
  it('HC-1 HealthCheckIntervals: every step has its transition and next interval', () => {
    const s = newSession(0); // starts healthy
    s.firstCheck = false;
    const { OK, HTTP_FAIL, TIMEOUT } = HcResult;
    const steps: Step[] = [
      [OK, UNCHANGED, 5000, false],
      [OK, UNCHANGED, 1000, true],
      [OK, UNCHANGED, 1000, true],
      [HTTP_FAIL, CHANGED, 2000, true],
      [HTTP_FAIL, UNCHANGED, 2000, true],
      [HTTP_FAIL, UNCHANGED, 2000, true],
      [OK, CHANGE_PENDING, 4000, true],
      [OK, CHANGE_PENDING, 4000, true],
      [OK, CHANGED, 1000, true],
      [OK, UNCHANGED, 1000, true],
      [TIMEOUT, CHANGE_PENDING, 3000, true],
      [TIMEOUT, CHANGE_PENDING, 3000, true],
      [TIMEOUT, CHANGED, 2000, true],
      [TIMEOUT, UNCHANGED, 2000, true],
      [OK, CHANGE_PENDING, 4000, true],
      [OK, CHANGE_PENDING, 4000, true],
      [OK, CHANGED, 1000, true],
      [OK, UNCHANGED, 1000, true],
    ];
    const seen = steps.map(([result, , , traffic]) => {
      const t = applyResult(s, result, HC1);
      return [result, t, nextIntervalNs(HC1, result === OK, t, traffic, undefined) / MS, traffic, s.flags];
    });
    expect(seen.map(([r, t, ms, traffic]) => [r, t, ms, traffic])).toEqual(steps);
    // ACTIVE_HC_TIMEOUT: not while the timeouts are pending (11, 12), set at 13 and 14, cleared at 17.
    const timeoutFlag = seen.map((x) => ((x[4] as number) & HealthFlag.ACTIVE_HC_TIMEOUT) !== 0);
    expect(timeoutFlag.slice(10, 17)).toEqual([false, false, true, true, true, true, false]);
    expect(seen.map((x) => ((x[4] as number) & HealthFlag.FAILED_ACTIVE_HC) !== 0)).toEqual([
      false, false, false, true, true, true, true, true, false, false, false, false, true, true, true, true, false, false,
    ]);
  });

  it('HC-2: a new host (FAILED_ACTIVE_HC) passing its first check is healthy at once', () => {
    const s = newSession(HealthFlag.FAILED_ACTIVE_HC);
    expect(applyResult(s, HcResult.OK, BASIC)).toBe(CHANGED);
    expect(s.flags).toBe(0);
  });

  it('HC-3: a new host failing its first check then needs healthy_threshold successes', () => {
    const s = newSession(HealthFlag.FAILED_ACTIVE_HC);
    expect([HcResult.HTTP_FAIL, HcResult.OK, HcResult.OK].map((r) => applyResult(s, r, BASIC))).toEqual([UNCHANGED, CHANGE_PENDING, CHANGED]);
    expect(s.flags).toBe(0);
  });

  it('HC-3b: the first failure of a PENDING_ACTIVE_HC host is Changed: PENDING is cleared, FAILED stays', () => {
    const s = newSession(HealthFlag.FAILED_ACTIVE_HC | HealthFlag.PENDING_ACTIVE_HC);
    expect(applyResult(s, HcResult.NETWORK_FAIL, BASIC)).toBe(CHANGED);
    expect(s.flags).toBe(HealthFlag.FAILED_ACTIVE_HC);
  });

  it('HC-4 HttpFail: 503 marks a healthy host at once (not excluded); two successes bring it back', () => {
    const s = newSession(0);
    s.firstCheck = false;
    expect(applyResult(s, HcResult.HTTP_FAIL, BASIC)).toBe(CHANGED);
    expect(s.flags).toBe(HealthFlag.FAILED_ACTIVE_HC);
    expect(applyResult(s, HcResult.OK, BASIC)).toBe(CHANGE_PENDING);
    expect(applyResult(s, HcResult.OK, BASIC)).toBe(CHANGED);
    expect(s.flags).toBe(0);
  });

  it('HC-5 ImmediateFailure: x-envoy-immediate-health-check-fail sets FAILED_ACTIVE_HC and EXCLUDED_VIA_IMMEDIATE_HC_FAIL', () => {
    const s = newSession(0);
    s.firstCheck = false;
    expect(applyResult(s, HcResult.IMMEDIATE_FAIL, BASIC)).toBe(CHANGED);
    expect(s.flags).toBe(HealthFlag.FAILED_ACTIVE_HC | HealthFlag.EXCLUDED_VIA_IMMEDIATE_HC_FAIL);
    applyResult(s, HcResult.OK, BASIC);
    expect(applyResult(s, HcResult.OK, BASIC)).toBe(CHANGED);
    expect(s.flags).toBe(0); // cleared only when HC brings the host back
  });

  it('HC-6 Disconnect: network failures count to unhealthy_threshold (2)', () => {
    const s = newSession(0);
    s.firstCheck = false;
    expect(applyResult(s, HcResult.NETWORK_FAIL, BASIC)).toBe(CHANGE_PENDING);
    expect(s.flags).toBe(0);
    expect(applyResult(s, HcResult.NETWORK_FAIL, BASIC)).toBe(CHANGED);
    expect(s.flags).toBe(HealthFlag.FAILED_ACTIVE_HC);
  });

  it('HC-7 Timeout with unhealthy_threshold 1: Changed, unhealthy, ACTIVE_HC_TIMEOUT set', () => {
    const one = { ...BASIC, unhealthyThreshold: 1 };
    const s = newSession(0);
    s.firstCheck = false;
    expect(applyResult(s, HcResult.TIMEOUT, one)).toBe(CHANGED);
    expect(s.flags).toBe(HealthFlag.FAILED_ACTIVE_HC | HealthFlag.ACTIVE_HC_TIMEOUT);
  });

  it('HC-8 SuccessNoTraffic: 200 on a cluster that never had traffic -> next 5000 + jitter', () => {
    const s = newSession(0);
    const t = applyResult(s, HcResult.OK, BASIC);
    expect(nextIntervalNs({ ...BASIC, intervalJitterNs: 0 }, true, t, false, undefined) / MS).toBe(5000);
  });

  it('HC-9 UnhealthyTransitionNoTrafficHealthy: Changed to healthy, next no_traffic_healthy_interval 10000', () => {
    const config = { ...BASIC, intervalJitterNs: 0, noTrafficHealthyIntervalNs: 10 * S };
    const s = newSession(HealthFlag.FAILED_ACTIVE_HC);
    const t = applyResult(s, HcResult.OK, config);
    expect(t).toBe(CHANGED);
    expect(nextIntervalNs(config, true, t, false, undefined) / MS).toBe(10000);
  });

  it('HC-10 SuccessIntervalJitter: next = 5000 + random % 1000 for random = i', () => {
    for (const i of [0, 1, 999, 1000, 1234, 4_000_000_000]) {
      expect(nextIntervalNs(BASIC, true, UNCHANGED, false, fixed(i)) / MS).toBe(5000 + (i % 1000));
    }
  });

  it('interval_jitter_percent adds random % (percent x base / 100) ms', () => {
    const config = { ...HC1, intervalJitterPercent: 10 };
    expect(nextIntervalNs(config, true, UNCHANGED, true, fixed(250)) / MS).toBe(1000 + (250 % 100));
  });

  it('the first check of a new host waits random % initial_jitter ms, or fires at once without it', () => {
    expect(initialDelayNs(BASIC, fixed(777))).toBe(0);
    expect(initialDelayNs({ ...BASIC, initialJitterNs: 10 * S }, fixed(12_345))).toBe(2_345 * MS); // 12345 % 10000
  });

  it('optional intervals fall back as the proto says: unhealthy edge -> unhealthy -> interval', () => {
    const c = compileHealthCheck({ timeout: S, interval: 3 * S, unhealthyThreshold: 1, healthyThreshold: 1, noTrafficInterval: 60 * S, initialJitter: 0, intervalJitter: 0, intervalJitterPercent: 0 });
    expect([c.unhealthyIntervalNs, c.unhealthyEdgeIntervalNs, c.healthyEdgeIntervalNs, c.noTrafficHealthyIntervalNs]).toEqual([3 * S, 3 * S, 3 * S, 60 * S]);
  });
});
