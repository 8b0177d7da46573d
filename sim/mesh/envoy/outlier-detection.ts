import type { RandomStream } from '../../engine/index.ts';
import type { EnvoyOutlierDetectionParsed, IstioOutlierDetectionParsed } from '../../scenario/schema-health.ts';
import { grownFor } from '../typed-arrays.ts';
import { HealthFlag } from './health-flags.ts';

/**
 * Envoy's outlier detector for one (proxy, cluster), envoy.md §3
 * (`source/common/upstream/outlier_detection_impl.cc`): consecutive 5xx / gateway / local-origin
 * counters per host, success-rate and failure-percentage sweeps on the interval timer, ejection
 * capped by max_ejection_percent, ejection time = base x backoff with decay. Hosts are slots of
 * the owning cluster; the detector sets and clears FAILED_OUTLIER_CHECK in its flags array.
 */

export interface OutlierConfig {
  intervalNs: number;
  baseEjectionNs: number;
  maxEjectionNs: number;
  maxEjectionPercent: number;
  alwaysEjectOneHost: boolean;
  consecutive5xx: number;
  enforcing5xx: number;
  consecutiveGateway: number;
  enforcingGateway: number;
  consecutiveLocal: number;
  enforcingLocal: number;
  split: boolean;
  srMinimumHosts: number;
  srRequestVolume: number;
  srStdevFactor: number;
  enforcingSuccessRate: number;
  fpThreshold: number;
  fpMinimumHosts: number;
  fpRequestVolume: number;
  enforcingFailurePercentage: number;
  unejectOnHcSuccess: boolean;
}

export function compileEnvoyOutlier(od: EnvoyOutlierDetectionParsed): OutlierConfig {
  return {
    intervalNs: od.interval,
    baseEjectionNs: od.baseEjectionTime,
    // envoy.md §3.1: max_ejection_time defaults to max(300 s, base_ejection_time).
    maxEjectionNs: od.maxEjectionTime ?? Math.max(300e9, od.baseEjectionTime),
    maxEjectionPercent: od.maxEjectionPercent,
    alwaysEjectOneHost: od.alwaysEjectOneHost,
    consecutive5xx: od.consecutive5xx,
    enforcing5xx: od.enforcingConsecutive5xx,
    consecutiveGateway: od.consecutiveGatewayFailure,
    enforcingGateway: od.enforcingConsecutiveGatewayFailure,
    consecutiveLocal: od.consecutiveLocalOriginFailure,
    enforcingLocal: od.enforcingConsecutiveLocalOriginFailure,
    split: od.splitExternalLocalOriginErrors,
    srMinimumHosts: od.successRateMinimumHosts,
    srRequestVolume: od.successRateRequestVolume,
    srStdevFactor: od.successRateStdevFactor / 1000,
    enforcingSuccessRate: od.enforcingSuccessRate,
    fpThreshold: od.failurePercentageThreshold,
    fpMinimumHosts: od.failurePercentageMinimumHosts,
    fpRequestVolume: od.failurePercentageRequestVolume,
    enforcingFailurePercentage: od.enforcingFailurePercentage,
    unejectOnHcSuccess: od.successfulActiveHealthCheckUnejectHost,
  };
}

/** envoy.md §3.1: Envoy's defaults (outlier_detection_impl.h:366-386). */
export const ENVOY_OUTLIER_DEFAULTS: OutlierConfig = {
  intervalNs: 10e9,
  baseEjectionNs: 30e9,
  maxEjectionNs: 300e9,
  maxEjectionPercent: 10,
  alwaysEjectOneHost: false,
  consecutive5xx: 5,
  enforcing5xx: 100,
  consecutiveGateway: 5,
  enforcingGateway: 0,
  consecutiveLocal: 5,
  enforcingLocal: 100,
  split: false,
  srMinimumHosts: 5,
  srRequestVolume: 100,
  srStdevFactor: 1.9,
  enforcingSuccessRate: 100,
  fpThreshold: 85,
  fpMinimumHosts: 5,
  fpRequestVolume: 50,
  enforcingFailurePercentage: 0,
  unejectOnHcSuccess: true,
};

/** envoy.md §4.7 applyOutlierDetection: Istio's DestinationRule on top of Envoy's defaults. */
export function compileIstioOutlier(od: IstioOutlierDetectionParsed): OutlierConfig {
  const base = ENVOY_OUTLIER_DEFAULTS;
  return {
    ...base,
    intervalNs: od.interval,
    baseEjectionNs: od.baseEjectionTime,
    maxEjectionNs: Math.max(300e9, od.baseEjectionTime),
    maxEjectionPercent: od.maxEjectionPercent > 0 ? od.maxEjectionPercent : base.maxEjectionPercent,
    consecutive5xx: od.consecutive5xxErrors > 0 ? od.consecutive5xxErrors : base.consecutive5xx,
    enforcing5xx: od.consecutive5xxErrors > 0 ? 100 : 0,
    consecutiveGateway: od.consecutiveGatewayErrors > 0 ? od.consecutiveGatewayErrors : base.consecutiveGateway,
    enforcingGateway: od.consecutiveGatewayErrors > 0 ? 100 : 0,
    split: od.splitExternalLocalOriginErrors,
    consecutiveLocal: od.consecutiveLocalOriginFailures > 0 ? od.consecutiveLocalOriginFailures : base.consecutiveLocal,
    // envoy.md §4.7: Istio always turns success-rate ejection off.
    enforcingSuccessRate: 0,
  };
}

/** How an attempt ended, as the router reports it to the detector (envoy.md §3.2). */
export const Origin = { EXTERNAL: 0, LOCAL_CONNECT_FAILED: 1, LOCAL_TIMEOUT: 2 } as const;
export type Origin = (typeof Origin)[keyof typeof Origin];

export interface HostFlagsHolder {
  flags: Uint16Array;
  /** Called as the host in `slot` is ejected (its pools drain: envoy.md §2.3 item 8). */
  onEjected?(slot: number): void;
}

const UNSET = -1;

export class OutlierDetector {
  readonly config: OutlierConfig;
  ejectionsActive = 0;
  ejectionsTotal = 0;
  ejectionsOverflow = 0;
  private readonly holder: HostFlagsHolder;
  private readonly random: RandomStream;
  private monitored = new Uint8Array(16);
  private monitoredCount = 0;
  private c5xx = new Uint32Array(16);
  private cGateway = new Uint32Array(16);
  private cLocal = new Uint32Array(16);
  private backoff = new Uint32Array(16);
  private lastEjectNs = new Float64Array(16);
  private lastUnejectNs = new Float64Array(16).fill(UNSET);
  private jitterNs = new Float64Array(16);
  /** Success-rate buckets: the one being written, and the previous interval's. */
  private okNow = new Uint32Array(16);
  private totalNow = new Uint32Array(16);
  private okPrev = new Uint32Array(16);
  private totalPrev = new Uint32Array(16);

  constructor(config: OutlierConfig, holder: HostFlagsHolder, random: RandomStream) {
    this.config = config;
    this.holder = holder;
    this.random = random;
  }

  addHost(slot: number): void {
    this.monitored = grownFor(this.monitored, slot);
    this.c5xx = grownFor(this.c5xx, slot);
    this.cGateway = grownFor(this.cGateway, slot);
    this.cLocal = grownFor(this.cLocal, slot);
    this.backoff = grownFor(this.backoff, slot);
    this.lastEjectNs = grownFor(this.lastEjectNs, slot);
    this.lastUnejectNs = grownFor(this.lastUnejectNs, slot, UNSET);
    this.jitterNs = grownFor(this.jitterNs, slot);
    this.okNow = grownFor(this.okNow, slot);
    this.totalNow = grownFor(this.totalNow, slot);
    this.okPrev = grownFor(this.okPrev, slot);
    this.totalPrev = grownFor(this.totalPrev, slot);
    this.monitored[slot] = 1;
    this.monitoredCount++;
    this.c5xx[slot] = this.cGateway[slot] = this.cLocal[slot] = this.backoff[slot] = 0;
    this.okNow[slot] = this.totalNow[slot] = this.okPrev[slot] = this.totalPrev[slot] = 0;
    this.lastUnejectNs[slot] = UNSET;
  }

  removeHost(slot: number): void {
    if (!this.monitored[slot]) return;
    this.monitored[slot] = 0;
    this.monitoredCount--;
    if (this.holder.flags[slot]! & HealthFlag.FAILED_OUTLIER_CHECK) this.ejectionsActive--;
  }

  get hostsMonitored(): number {
    return this.monitoredCount;
  }

  /**
   * One attempt's outcome on a host: an HTTP status from upstream (EXTERNAL) or a locally
   * originated failure. Returns true if the host was ejected (its flags changed).
   */
  onResult(slot: number, code: number, origin: Origin, nowNs: number): boolean {
    if (!this.monitored[slot]) return false;
    if (this.config.split && origin !== Origin.EXTERNAL) return this.onLocalFailure(slot, nowNs);
    if (this.config.split) this.cLocal[slot] = 0; // a response means the connection worked
    // envoy.md §3.2: non-split mode maps local failures to 503 (connect/reset) and 504 (timeout).
    const status = origin === Origin.LOCAL_TIMEOUT ? 504 : origin === Origin.LOCAL_CONNECT_FAILED ? 503 : code;
    this.totalNow[slot]!++;
    if (status < 500) {
      this.okNow[slot]!++;
      this.c5xx[slot] = this.cGateway[slot] = 0;
      return false;
    }
    let ejected = false;
    if (status === 502 || status === 503 || status === 504) {
      if (++this.cGateway[slot]! === this.config.consecutiveGateway) {
        ejected = this.eject(slot, this.config.enforcingGateway, nowNs) || ejected;
        this.cGateway[slot] = 0;
      }
    } else this.cGateway[slot] = 0;
    if (++this.c5xx[slot]! === this.config.consecutive5xx) {
      ejected = this.eject(slot, this.config.enforcing5xx, nowNs) || ejected;
      this.c5xx[slot] = 0;
    }
    return ejected;
  }

  private onLocalFailure(slot: number, nowNs: number): boolean {
    if (++this.cLocal[slot]! !== this.config.consecutiveLocal) return false;
    this.cLocal[slot] = 0;
    return this.eject(slot, this.config.enforcingLocal, nowNs);
  }

  /** envoy.md §3.2 ejectHost: the max_ejection_percent cap, enforcement, backoff. */
  private eject(slot: number, enforcing: number, nowNs: number): boolean {
    const flags = this.holder.flags;
    if (flags[slot]! & HealthFlag.FAILED_OUTLIER_CHECK) return false;
    const ejectedPercent = (100 * (this.ejectionsActive + 1)) / this.monitoredCount;
    const shouldEject = ejectedPercent <= this.config.maxEjectionPercent || (this.config.alwaysEjectOneHost && this.ejectionsActive === 0);
    if (!shouldEject) {
      this.ejectionsOverflow++;
      return false;
    }
    if (!this.enforced(enforcing)) return false;
    flags[slot] = flags[slot]! | HealthFlag.FAILED_OUTLIER_CHECK;
    this.holder.onEjected?.(slot);
    this.ejectionsActive++;
    this.ejectionsTotal++;
    this.lastEjectNs[slot] = nowNs;
    this.jitterNs[slot] = 0; // max_ejection_time_jitter is 0 in this model (its default)
    const { baseEjectionNs: base, maxEjectionNs: max } = this.config;
    if (this.backoff[slot]! * base < max + base) this.backoff[slot]!++;
    return true;
  }

  /** Runtime featureEnabled(enforcing_x): random % 100 < percent; no draw at 0 or 100. */
  private enforced(percent: number): boolean {
    if (percent >= 100) return true;
    if (percent <= 0) return false;
    return this.random.nextU32() % 100 < percent;
  }

  /** The interval timer: un-eject, decay backoff, swap buckets, success-rate sweeps. */
  onIntervalTick(nowNs: number): boolean {
    let changed = false;
    const flags = this.holder.flags;
    for (let slot = 0; slot < this.monitored.length; slot++) {
      if (!this.monitored[slot]) continue;
      if (flags[slot]! & HealthFlag.FAILED_OUTLIER_CHECK) changed = this.checkUneject(slot, nowNs) || changed;
      else if (this.lastUnejectNs[slot]! !== UNSET && nowNs - this.lastUnejectNs[slot]! >= this.config.intervalNs && this.backoff[slot]! > 0) this.backoff[slot]!--;
      this.okPrev[slot] = this.okNow[slot]!;
      this.totalPrev[slot] = this.totalNow[slot]!;
      this.okNow[slot] = this.totalNow[slot] = 0;
    }
    changed = this.successRateSweep(nowNs) || changed;
    return this.failurePercentageSweep(nowNs) || changed;
  }

  private checkUneject(slot: number, nowNs: number): boolean {
    const { baseEjectionNs, maxEjectionNs } = this.config;
    const ejectNs = Math.min(baseEjectionNs * this.backoff[slot]!, maxEjectionNs) + this.jitterNs[slot]!;
    if (ejectNs > nowNs - this.lastEjectNs[slot]!) return false;
    this.uneject(slot, nowNs);
    return true;
  }

  /** envoy.md §3.2: a successful active check un-ejects a host that is not failing HC. */
  onHealthCheckSuccess(slot: number, nowNs: number): boolean {
    const flags = this.holder.flags[slot]!;
    if (!this.config.unejectOnHcSuccess || !this.monitored[slot]) return false;
    if (!(flags & HealthFlag.FAILED_OUTLIER_CHECK) || flags & HealthFlag.FAILED_ACTIVE_HC) return false;
    this.uneject(slot, nowNs);
    return true;
  }

  private uneject(slot: number, nowNs: number): void {
    const flags = this.holder.flags;
    flags[slot] = flags[slot]! & ~HealthFlag.FAILED_OUTLIER_CHECK;
    this.ejectionsActive--;
    this.lastUnejectNs[slot] = nowNs;
    this.c5xx[slot] = this.cGateway[slot] = this.cLocal[slot] = 0;
  }

  /** Success rate (per mille precision as doubles) of hosts with enough volume, not ejected. */
  private eligible(volume: number): number[] {
    const slots: number[] = [];
    const flags = this.holder.flags;
    for (let slot = 0; slot < this.monitored.length; slot++) {
      if (this.monitored[slot] && !(flags[slot]! & HealthFlag.FAILED_OUTLIER_CHECK) && this.totalPrev[slot]! >= volume) slots.push(slot);
    }
    return slots;
  }

  private rate(slot: number): number {
    return (100 * this.okPrev[slot]!) / this.totalPrev[slot]!;
  }

  private successRateSweep(nowNs: number): boolean {
    if (this.config.enforcingSuccessRate <= 0) return false;
    const slots = this.eligible(this.config.srRequestVolume);
    if (slots.length < this.config.srMinimumHosts || slots.length === 0) return false;
    const threshold = successRateThreshold(slots.map((s) => this.rate(s)), this.config.srStdevFactor).threshold;
    let changed = false;
    for (const s of slots) if (this.rate(s) < threshold) changed = this.eject(s, this.config.enforcingSuccessRate, nowNs) || changed;
    return changed;
  }

  private failurePercentageSweep(nowNs: number): boolean {
    if (this.config.enforcingFailurePercentage <= 0) return false;
    const slots = this.eligible(this.config.fpRequestVolume);
    if (slots.length < this.config.fpMinimumHosts) return false;
    let changed = false;
    for (const s of slots) if (100 - this.rate(s) >= this.config.fpThreshold) changed = this.eject(s, this.config.enforcingFailurePercentage, nowNs) || changed;
    return changed;
  }
}

/** envoy.md §3.2 successRateEjectionThreshold: mean − factor × population stdev. */
export function successRateThreshold(rates: readonly number[], stdevFactor: number): { mean: number; threshold: number } {
  const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
  const variance = rates.reduce((a, r) => a + (r - mean) * (r - mean), 0) / rates.length;
  return { mean, threshold: mean - stdevFactor * Math.sqrt(variance) };
}
