/**
 * Envoy's priority load and panic decision, as one pure function (envoy.md §1.3-§1.5,
 * `source/extensions/load_balancing_policies/common/load_balancer_impl.cc:49-375`).
 * The load balancer calls it on every host-set change; tests call it with Envoy's own
 * tables (envoy.md §10, Tables A, B, D). All arithmetic is Envoy's unsigned integer division.
 */

/** One priority level's host counts. `hosts` includes excluded hosts, as Envoy's hosts() does. */
export interface PriorityLevel {
  hosts: number;
  healthy: number;
  degraded: number;
  excluded: number;
  /** Host-weight sums, used only with weightedPriorityHealth (envoy.md §1.3, :181-198). */
  weights?: { healthy: number; degraded: number; total: number; excluded: number };
}

export interface PriorityLoadConfig {
  /** Percent; Envoy's default 140 (`upstream_impl.h:77`). */
  overprovisioningFactor: number;
  /** Percent; Envoy's default 50. Truncated to an integer and capped at 100, as Envoy does (§1.2). */
  healthyPanicThreshold: number;
  /** `ClusterLoadAssignment.Policy.weighted_priority_health`, default false. */
  weightedPriorityHealth?: boolean;
}

export interface PriorityLoad {
  /** Percent of traffic per priority going to its healthy hosts. */
  healthy: number[];
  /** Percent of traffic per priority going to its degraded hosts. */
  degraded: number[];
  /** Whether each priority is in panic (routes to all its hosts). */
  panic: boolean[];
  /** min(100, sum of health and degraded availability). */
  normalizedTotal: number;
}

export const DEFAULT_PRIORITY_LOAD_CONFIG: PriorityLoadConfig = { overprovisioningFactor: 140, healthyPanicThreshold: 50 };

/**
 * Computes Envoy's per-priority loads and panic flags. `previous` matters only when the
 * normalised total is 0: Envoy then leaves the old loads in place (§1.4, :243-248).
 */
export function computePriorityLoad(
  levels: readonly PriorityLevel[],
  config: PriorityLoadConfig = DEFAULT_PRIORITY_LOAD_CONFIG,
  previous?: Pick<PriorityLoad, 'healthy' | 'degraded'>,
): PriorityLoad {
  const n = levels.length;
  const health: number[] = [];
  const degradedAvail: number[] = [];
  for (const level of levels) {
    const [h, d] = availability(level, config);
    health.push(h);
    degradedAvail.push(d);
  }
  const normalizedTotal = Math.min(100, sum(health) + sum(degradedAvail));
  let healthy = previous ? [...previous.healthy] : new Array<number>(n).fill(0);
  let degraded = previous ? [...previous.degraded] : new Array<number>(n).fill(0);
  if (normalizedTotal !== 0) [healthy, degraded] = distributeAll(health, degradedAvail, normalizedTotal);

  const threshold = Math.min(100, Math.trunc(config.healthyPanicThreshold));
  // §1.5 step 1 (:308-311): panic disabled and nothing available -> P0 takes everything.
  if (threshold === 0 && normalizedTotal === 0) {
    healthy[0] = 100;
    return { healthy, degraded, panic: new Array<boolean>(n).fill(false), normalizedTotal };
  }
  // §1.5 step 2 (:316-322): no priority is in panic while the normalised total is 100.
  const panic = levels.map((level) => normalizedTotal !== 100 && isHostSetInPanic(level, threshold));
  if (n > 0 && panic.every(Boolean)) loadInTotalPanic(levels, healthy, degraded);
  return { healthy, degraded, panic, normalizedTotal };
}

/** §1.3 (:158-218): (health, degraded) availability of one priority, each capped at 100. */
function availability(level: PriorityLevel, config: PriorityLoadConfig): [number, number] {
  const hostCount = level.hosts - level.excluded;
  if (hostCount <= 0) return [0, 0];
  let healthyW = level.healthy;
  let degradedW = level.degraded;
  let totalW = hostCount;
  if (config.weightedPriorityHealth && level.weights) {
    healthyW = level.weights.healthy;
    degradedW = level.weights.degraded;
    totalW = level.weights.total - level.weights.excluded;
  }
  if (totalW <= 0) return [0, 0];
  const opf = config.overprovisioningFactor;
  return [Math.min(100, Math.floor((opf * healthyW) / totalW)), Math.min(100, Math.floor((opf * degradedW) / totalW))];
}

/** §1.4 (:253-280): healthy capacity everywhere first, then degraded; rounding error to the first available. */
function distributeAll(health: number[], degradedAvail: number[], normalizedTotal: number): [number[], number[]] {
  const h = distribute(health, 100, normalizedTotal);
  const d = distribute(degradedAvail, h.remaining, normalizedTotal);
  if (d.remaining > 0) {
    if (h.firstAvailable !== -1) h.loads[h.firstAvailable]! += d.remaining;
    else d.loads[d.firstAvailable]! += d.remaining;
  }
  return [h.loads, d.loads];
}

function distribute(avail: number[], totalLoad: number, normalizedTotal: number) {
  const loads: number[] = [];
  let remaining = totalLoad;
  let firstAvailable = -1;
  avail.forEach((a, i) => {
    if (firstAvailable === -1 && a > 0) firstAvailable = i;
    const load = Math.min(remaining, Math.floor((a * 100) / normalizedTotal));
    loads.push(load);
    remaining -= load;
  });
  return { loads, remaining, firstAvailable };
}

/** §1.5 (:677-692): unweighted, no overprovisioning, strict `<`. */
export function isHostSetInPanic(level: PriorityLevel, threshold: number): boolean {
  const hostCount = level.hosts - level.excluded;
  const healthyPct = hostCount <= 0 ? 0 : (100 * level.healthy) / hostCount;
  const degradedPct = hostCount <= 0 ? 0 : (100 * level.degraded) / hostCount;
  return healthyPct + degradedPct < threshold;
}

/** §1.5 (:335-375): every priority in panic -> split by host count, excluded hosts included. */
function loadInTotalPanic(levels: readonly PriorityLevel[], healthy: number[], degraded: number[]): void {
  const total = sum(levels.map((l) => l.hosts));
  if (total === 0) {
    healthy[0] = 100;
    return;
  }
  let remaining = 100;
  let firstNonEmpty = -1;
  levels.forEach((level, i) => {
    if (firstNonEmpty === -1 && level.hosts !== 0) firstNonEmpty = i;
    healthy[i] = Math.floor((100 * level.hosts) / total);
    degraded[i] = 0;
    remaining -= healthy[i]!;
  });
  healthy[firstNonEmpty]! += remaining;
}

/** A priority choice packed in one integer: priority * 2 + (1 if the degraded load matched). */
export type PriorityChoice = number;
export const choicePriority = (choice: PriorityChoice): number => choice >> 1;
export const choiceIsDegraded = (choice: PriorityChoice): boolean => (choice & 1) === 1;

/**
 * `choosePriority(hash)` (§1.5, :67-97): h = hash % 100 + 1; the first priority whose cumulative
 * healthy load reaches h, else continue cumulating over degraded loads.
 * NOTE (hot path): returns a packed integer rather than an object, once per request.
 */
export function choosePriority(load: Pick<PriorityLoad, 'healthy' | 'degraded'>, hash: number): PriorityChoice {
  const h = (hash % 100) + 1;
  let cumulative = 0;
  for (let p = 0; p < load.healthy.length; p++) {
    cumulative += load.healthy[p]!;
    if (cumulative >= h) return p * 2;
  }
  for (let p = 0; p < load.degraded.length; p++) {
    cumulative += load.degraded[p]!;
    if (cumulative >= h) return p * 2 + 1;
  }
  // Loads always sum to 100 (:283-286), so this is unreachable; fall back as Envoy's assert would.
  return 0;
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
