/**
 * Envoy's per-host health flags and the coarse health derived from them.
 * envoy.md §1.1: `envoy/upstream/upstream.h:151-176` (flag bits), `upstream_impl.h:406-424`
 * (coarseHealth), `upstream_impl.cc:1652-1656` (excludeBasedOnHealthFlag).
 */
export const HealthFlag = {
  FAILED_ACTIVE_HC: 0x1,
  FAILED_OUTLIER_CHECK: 0x02,
  FAILED_EDS_HEALTH: 0x04,
  DEGRADED_ACTIVE_HC: 0x08,
  DEGRADED_EDS_HEALTH: 0x10,
  PENDING_DYNAMIC_REMOVAL: 0x20,
  PENDING_ACTIVE_HC: 0x40,
  EXCLUDED_VIA_IMMEDIATE_HC_FAIL: 0x80,
  ACTIVE_HC_TIMEOUT: 0x100,
  EDS_STATUS_DRAINING: 0x200,
  DEGRADED_OUTLIER_DETECTION: 0x400,
} as const;

export type CoarseHealth = 'healthy' | 'degraded' | 'unhealthy';

const UNHEALTHY_MASK =
  HealthFlag.FAILED_ACTIVE_HC | HealthFlag.FAILED_OUTLIER_CHECK | HealthFlag.FAILED_EDS_HEALTH | HealthFlag.EDS_STATUS_DRAINING;
const DEGRADED_MASK = HealthFlag.DEGRADED_ACTIVE_HC | HealthFlag.DEGRADED_OUTLIER_DETECTION | HealthFlag.DEGRADED_EDS_HEALTH;
const EXCLUDED_MASK = HealthFlag.PENDING_ACTIVE_HC | HealthFlag.EXCLUDED_VIA_IMMEDIATE_HC_FAIL | HealthFlag.EDS_STATUS_DRAINING;

/** envoy.md §1.1: unhealthy flags win over degraded ones; PENDING_DYNAMIC_REMOVAL alone is healthy. */
export function coarseHealth(flags: number): CoarseHealth {
  if (flags & UNHEALTHY_MASK) return 'unhealthy';
  if (flags & DEGRADED_MASK) return 'degraded';
  return 'healthy';
}

/** envoy.md §1.1: excluded hosts leave the priority-health denominators but stay in `hosts()`. */
export function isExcluded(flags: number): boolean {
  return (flags & EXCLUDED_MASK) !== 0;
}

/** EDS LbEndpoint health_status (envoy/config/core/v3/health_check.proto HealthStatus). */
export const EdsStatus = { UNKNOWN: 0, HEALTHY: 1, UNHEALTHY: 2, DRAINING: 3, TIMEOUT: 4, DEGRADED: 5 } as const;

/** envoy.md §1.1 setEdsHealthFlag (upstream_impl.cc:539-560): the flag an EDS status sets. */
export function edsStatusFlag(status: number): number {
  switch (status) {
    case EdsStatus.UNHEALTHY:
    case EdsStatus.TIMEOUT:
      return HealthFlag.FAILED_EDS_HEALTH;
    case EdsStatus.DRAINING:
      return HealthFlag.EDS_STATUS_DRAINING;
    case EdsStatus.DEGRADED:
      return HealthFlag.DEGRADED_EDS_HEALTH;
    default:
      return 0;
  }
}

/** The flags EDS owns (replaced on every EDS update of a host). */
export const EDS_FLAGS = HealthFlag.FAILED_EDS_HEALTH | HealthFlag.EDS_STATUS_DRAINING | HealthFlag.DEGRADED_EDS_HEALTH;
