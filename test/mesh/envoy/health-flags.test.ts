/**
 * Envoy's host health flags and coarse health (envoy.md §1.1).
 * Sources: envoy/upstream/upstream.h:151-176 (bits), upstream_impl.h:406-424 (coarseHealth),
 * upstream_impl.cc:1652-1656 (excludeBasedOnHealthFlag), upstream_impl.cc:1662-1682
 * (partitionHostList), upstream_impl.cc:539-560 (EDS status -> flag).
 */
import { describe, expect, it } from 'vitest';
import { HealthFlag, coarseHealth, isExcluded, type CoarseHealth } from '../../../sim/mesh/envoy/health-flags.ts';

const {
  FAILED_ACTIVE_HC,
  FAILED_OUTLIER_CHECK,
  FAILED_EDS_HEALTH,
  DEGRADED_ACTIVE_HC,
  DEGRADED_EDS_HEALTH,
  PENDING_DYNAMIC_REMOVAL,
  PENDING_ACTIVE_HC,
  EXCLUDED_VIA_IMMEDIATE_HC_FAIL,
  ACTIVE_HC_TIMEOUT,
  EDS_STATUS_DRAINING,
  DEGRADED_OUTLIER_DETECTION,
} = HealthFlag;

/** Envoy's partitionHostList: healthy / degraded by coarse health; excluded by flag, independently. */
function partition(hosts: Record<string, number>) {
  const names = Object.keys(hosts);
  return {
    hosts: names,
    healthy: names.filter((h) => coarseHealth(hosts[h]!) === 'healthy'),
    degraded: names.filter((h) => coarseHealth(hosts[h]!) === 'degraded'),
    excluded: names.filter((h) => isExcluded(hosts[h]!)),
  };
}

describe('health flags (envoy.md §1.1)', () => {
  it('flag bits match HEALTH_FLAG_ENUM_VALUES (upstream.h:151-176)', () => {
    expect(HealthFlag).toEqual({
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
    });
  });

  it('HostPartitionTest.PartitionHosts (upstream_impl_test.cc:6127-6175): healthy {h3}, degraded {h1}, excluded {h2, h4, h5}', () => {
    const p = partition({
      h0: FAILED_ACTIVE_HC,
      h1: DEGRADED_ACTIVE_HC,
      h2: PENDING_ACTIVE_HC | FAILED_ACTIVE_HC,
      h3: 0,
      h4: EXCLUDED_VIA_IMMEDIATE_HC_FAIL | FAILED_ACTIVE_HC,
      h5: EDS_STATUS_DRAINING,
    });
    expect(p.hosts).toHaveLength(6);
    expect(p.healthy).toEqual(['h3']);
    expect(p.degraded).toEqual(['h1']);
    expect(p.excluded).toEqual(['h2', 'h4', 'h5']);
  });

  // Each flag alone, by the §1.1 rules: unhealthy if FAILED_ACTIVE_HC, FAILED_OUTLIER_CHECK,
  // FAILED_EDS_HEALTH or EDS_STATUS_DRAINING; else degraded if DEGRADED_ACTIVE_HC,
  // DEGRADED_OUTLIER_DETECTION or DEGRADED_EDS_HEALTH; else healthy. Excluded if PENDING_ACTIVE_HC,
  // EXCLUDED_VIA_IMMEDIATE_HC_FAIL or EDS_STATUS_DRAINING.
  const SINGLE_FLAGS: [name: keyof typeof HealthFlag, coarse: CoarseHealth, excluded: boolean][] = [
    ['FAILED_ACTIVE_HC', 'unhealthy', false],
    ['FAILED_OUTLIER_CHECK', 'unhealthy', false],
    ['FAILED_EDS_HEALTH', 'unhealthy', false],
    ['DEGRADED_ACTIVE_HC', 'degraded', false],
    ['DEGRADED_EDS_HEALTH', 'degraded', false],
    ['PENDING_DYNAMIC_REMOVAL', 'healthy', false],
    ['PENDING_ACTIVE_HC', 'healthy', true],
    ['EXCLUDED_VIA_IMMEDIATE_HC_FAIL', 'healthy', true],
    ['ACTIVE_HC_TIMEOUT', 'healthy', false],
    ['EDS_STATUS_DRAINING', 'unhealthy', true],
    ['DEGRADED_OUTLIER_DETECTION', 'degraded', false],
  ];
  it.each(SINGLE_FLAGS)('%s alone: coarse health %s, excluded %s', (name, coarse, excluded) => {
    expect(coarseHealth(HealthFlag[name])).toBe(coarse);
    expect(isExcluded(HealthFlag[name])).toBe(excluded);
  });

  it('no flags: healthy, not excluded', () => {
    expect(coarseHealth(0)).toBe('healthy');
    expect(isExcluded(0)).toBe(false);
  });

  it('unhealthy wins over degraded, for every pair of unhealthy and degraded flags', () => {
    for (const bad of [FAILED_ACTIVE_HC, FAILED_OUTLIER_CHECK, FAILED_EDS_HEALTH, EDS_STATUS_DRAINING]) {
      for (const deg of [DEGRADED_ACTIVE_HC, DEGRADED_EDS_HEALTH, DEGRADED_OUTLIER_DETECTION]) {
        expect(coarseHealth(bad | deg), `flags 0x${(bad | deg).toString(16)}`).toBe('unhealthy');
      }
    }
  });

  it('PENDING_DYNAMIC_REMOVAL alone is healthy (ASSERT at upstream_impl.h:423); it does not mask other flags', () => {
    expect(coarseHealth(PENDING_DYNAMIC_REMOVAL)).toBe('healthy');
    expect(coarseHealth(PENDING_DYNAMIC_REMOVAL | FAILED_ACTIVE_HC)).toBe('unhealthy');
    expect(coarseHealth(PENDING_DYNAMIC_REMOVAL | DEGRADED_ACTIVE_HC)).toBe('degraded');
    // §2.3 point 7: a DRAINING host stabilised as PENDING_DYNAMIC_REMOVAL stays unhealthy and excluded.
    expect(coarseHealth(PENDING_DYNAMIC_REMOVAL | EDS_STATUS_DRAINING)).toBe('unhealthy');
    expect(isExcluded(PENDING_DYNAMIC_REMOVAL | EDS_STATUS_DRAINING)).toBe(true);
  });

  it('ACTIVE_HC_TIMEOUT is informational: with FAILED_ACTIVE_HC unhealthy, alone it changes nothing', () => {
    expect(coarseHealth(ACTIVE_HC_TIMEOUT | FAILED_ACTIVE_HC)).toBe('unhealthy');
    expect(coarseHealth(ACTIVE_HC_TIMEOUT | DEGRADED_ACTIVE_HC)).toBe('degraded');
  });
});

describe('E-4 EdsTest.EndpointHealthStatus (eds_test.cc:671-802; envoy.md §1.1, §10.9)', () => {
  // EDS status -> flag (setEdsHealthFlag, upstream_impl.cc:539-560).
  const EDS_FLAG = {
    UNKNOWN: 0,
    HEALTHY: 0,
    UNHEALTHY: FAILED_EDS_HEALTH,
    DRAINING: EDS_STATUS_DRAINING,
    TIMEOUT: FAILED_EDS_HEALTH,
    DEGRADED: DEGRADED_EDS_HEALTH,
  } as const;

  it.each([
    ['UNKNOWN', 'healthy', false],
    ['HEALTHY', 'healthy', false],
    ['UNHEALTHY', 'unhealthy', false],
    ['DRAINING', 'unhealthy', true],
    ['TIMEOUT', 'unhealthy', false],
    ['DEGRADED', 'degraded', false],
  ] as [keyof typeof EDS_FLAG, CoarseHealth, boolean][])('EDS %s -> %s (excluded %s)', (status, coarse, excluded) => {
    expect(coarseHealth(EDS_FLAG[status])).toBe(coarse);
    expect(isExcluded(EDS_FLAG[status])).toBe(excluded);
  });

  it('FAILED_ACTIVE_HC + EDS HEALTHY (no EDS flag) -> unhealthy', () => {
    expect(coarseHealth(FAILED_ACTIVE_HC | EDS_FLAG.HEALTHY)).toBe('unhealthy');
  });

  it('DEGRADED_ACTIVE_HC + EDS HEALTHY (no EDS flag) -> degraded', () => {
    expect(coarseHealth(DEGRADED_ACTIVE_HC | EDS_FLAG.HEALTHY)).toBe('degraded');
  });
});
