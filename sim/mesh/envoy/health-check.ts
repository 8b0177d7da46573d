import type { RandomStream } from '../../engine/index.ts';
import type { HealthCheckParsed } from '../../scenario/schema-health.ts';
import { HealthFlag } from './health-flags.ts';

/**
 * Envoy's active health-check session of one host, as pure functions over the host's state
 * (envoy.md §2.4; `health_checker_base_impl.cc` handleSuccess :282-346, setUnhealthy :356-402,
 * interval :100-137, clearPendingFlag :417-427). The HC driver (host-health.ts) owns the timers;
 * these functions decide flags, transitions and the next interval, and the tests replay
 * envoy.md §10 Table E through them.
 */

export const Transition = { UNCHANGED: 0, CHANGE_PENDING: 1, CHANGED: 2 } as const;
export type Transition = (typeof Transition)[keyof typeof Transition];

/** What one check saw. */
export const HcResult = {
  /** An expected status (200). */
  OK: 0,
  /** A status outside expected_statuses: a non-network failure, marks unhealthy at once. */
  HTTP_FAIL: 1,
  /** Connect failure, reset, remote close: a network failure, counts toward unhealthy_threshold. */
  NETWORK_FAIL: 2,
  /** No answer within `timeout`: a network failure that also sets ACTIVE_HC_TIMEOUT once failed. */
  TIMEOUT: 3,
  /** A failing status with `x-envoy-immediate-health-check-fail` (§1.6). */
  IMMEDIATE_FAIL: 4,
} as const;
export type HcResult = (typeof HcResult)[keyof typeof HcResult];

/** The compiled HC config, in ns. */
export interface HealthCheckConfig {
  timeoutNs: number;
  intervalNs: number;
  unhealthyThreshold: number;
  healthyThreshold: number;
  noTrafficIntervalNs: number;
  noTrafficHealthyIntervalNs: number;
  unhealthyIntervalNs: number;
  unhealthyEdgeIntervalNs: number;
  healthyEdgeIntervalNs: number;
  initialJitterNs: number;
  intervalJitterNs: number;
  intervalJitterPercent: number;
}

/** envoy.md §2.4 defaults: each optional interval falls back as the proto says. */
export function compileHealthCheck(hc: HealthCheckParsed): HealthCheckConfig {
  const unhealthyIntervalNs = hc.unhealthyInterval ?? hc.interval;
  return {
    timeoutNs: hc.timeout,
    intervalNs: hc.interval,
    unhealthyThreshold: hc.unhealthyThreshold,
    healthyThreshold: hc.healthyThreshold,
    noTrafficIntervalNs: hc.noTrafficInterval,
    noTrafficHealthyIntervalNs: hc.noTrafficHealthyInterval ?? hc.noTrafficInterval,
    unhealthyIntervalNs,
    unhealthyEdgeIntervalNs: hc.unhealthyEdgeInterval ?? unhealthyIntervalNs,
    healthyEdgeIntervalNs: hc.healthyEdgeInterval ?? hc.interval,
    initialJitterNs: hc.initialJitter,
    intervalJitterNs: hc.intervalJitter,
    intervalJitterPercent: hc.intervalJitterPercent,
  };
}

/** One host's session counters; `flags` are the host's health flags (shared with the LB view). */
export interface HcSessionState {
  flags: number;
  numHealthy: number;
  numUnhealthy: number;
  firstCheck: boolean;
}

export function newSession(flags: number): HcSessionState {
  return { flags, numHealthy: 0, numUnhealthy: 0, firstCheck: true };
}

/** Applies one check result; returns the transition (only CHANGED rebuilds host sets). */
export function applyResult(s: HcSessionState, result: HcResult, config: HealthCheckConfig): Transition {
  return result === HcResult.OK ? onSuccess(s, config) : onFailure(s, result, config);
}

function onSuccess(s: HcSessionState, config: HealthCheckConfig): Transition {
  s.numUnhealthy = 0;
  let t: Transition = Transition.UNCHANGED;
  if (s.flags & HealthFlag.FAILED_ACTIVE_HC) {
    // envoy.md §2.1: the first check ever makes the host healthy whatever healthy_threshold is.
    if (s.firstCheck || ++s.numHealthy === config.healthyThreshold) {
      s.flags &= ~(HealthFlag.ACTIVE_HC_TIMEOUT | HealthFlag.EXCLUDED_VIA_IMMEDIATE_HC_FAIL | HealthFlag.FAILED_ACTIVE_HC);
      t = Transition.CHANGED;
    } else t = Transition.CHANGE_PENDING;
  }
  s.firstCheck = false;
  return clearPendingFlag(s, t);
}

function onFailure(s: HcSessionState, result: HcResult, config: HealthCheckConfig): Transition {
  s.numHealthy = 0;
  let t: Transition = Transition.UNCHANGED;
  const network = result === HcResult.NETWORK_FAIL || result === HcResult.TIMEOUT;
  if (result === HcResult.IMMEDIATE_FAIL) s.flags |= HealthFlag.EXCLUDED_VIA_IMMEDIATE_HC_FAIL;
  if (!(s.flags & HealthFlag.FAILED_ACTIVE_HC)) {
    // envoy.md §2.4: a non-network failure marks at once; network ones count to the threshold.
    if (!network || ++s.numUnhealthy === config.unhealthyThreshold) {
      s.flags |= HealthFlag.FAILED_ACTIVE_HC;
      t = Transition.CHANGED;
    } else t = Transition.CHANGE_PENDING;
  }
  if (result === HcResult.TIMEOUT && s.flags & HealthFlag.FAILED_ACTIVE_HC) s.flags |= HealthFlag.ACTIVE_HC_TIMEOUT;
  s.firstCheck = false;
  return clearPendingFlag(s, t);
}

/** envoy.md §1.6: the first result, pass or fail, clears PENDING_ACTIVE_HC and counts as Changed. */
function clearPendingFlag(s: HcSessionState, t: Transition): Transition {
  if (!(s.flags & HealthFlag.PENDING_ACTIVE_HC)) return t;
  s.flags &= ~HealthFlag.PENDING_ACTIVE_HC;
  return Transition.CHANGED;
}

/**
 * envoy.md §2.4 interval(): the base interval chosen by the result's polarity and whether the
 * transition is pending, or the no-traffic intervals while the cluster never had traffic; then
 * the jitters. `random` is drawn only for a non-zero jitter (as Envoy's `random % x`).
 */
export function nextIntervalNs(
  config: HealthCheckConfig,
  success: boolean,
  t: Transition,
  clusterHadTraffic: boolean,
  random: RandomStream | undefined,
): number {
  const pending = t === Transition.CHANGE_PENDING;
  let base: number;
  if (!clusterHadTraffic) base = success && !pending ? config.noTrafficHealthyIntervalNs : config.noTrafficIntervalNs;
  else if (!success) base = pending ? config.unhealthyEdgeIntervalNs : config.unhealthyIntervalNs;
  else base = pending ? config.healthyEdgeIntervalNs : config.intervalNs;
  return withJitterNs(base, config, random);
}

const MS = 1_000_000;

/** Jitter in whole milliseconds, as Envoy's ms arithmetic; at least 1 ms (intervalWithJitter). */
function withJitterNs(baseNs: number, config: HealthCheckConfig, random: RandomStream | undefined): number {
  let ms = Math.floor(baseNs / MS);
  const baseMs = ms;
  const pctMs = Math.floor((config.intervalJitterPercent * baseMs) / 100);
  if (pctMs > 0 && random) ms += random.nextU32() % pctMs;
  const jitterMs = Math.floor(config.intervalJitterNs / MS);
  if (jitterMs > 0 && random) ms += random.nextU32() % jitterMs;
  return Math.max(1, ms) * MS + (baseNs - baseMs * MS);
}

/** envoy.md §2.4: the first check of a new host fires at once, or after random % initial_jitter. */
export function initialDelayNs(config: HealthCheckConfig, random: RandomStream): number {
  const jitterMs = Math.floor(config.initialJitterNs / MS);
  return jitterMs > 0 ? (random.nextU32() % jitterMs) * MS : 0;
}
