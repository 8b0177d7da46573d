/**
 * A proxy's host set under EDS updates and active HC, replaying envoy.md §10 Table H
 * (`test/extensions/clusters/eds/eds_test.cc`) and the removal rules of §2.3 in both Envoy
 * generations (legacy: before #6714/#6765; current: after), plus panic with
 * ignore_new_hosts_until_first_hc (§1.6).
 */
import { describe, expect, it } from 'vitest';
import type { RandomStream } from '../../../sim/engine/index.ts';
import { ClusterHealth, type ClusterHealthConfig } from '../../../sim/mesh/envoy/cluster-health.ts';
import { buildSnapshot, EDS_HC_DISABLED, type EndpointSnapshot } from '../../../sim/mesh/envoy/endpoints.ts';
import { compileHealthCheck, HcResult } from '../../../sim/mesh/envoy/health-check.ts';
import { coarseHealth, EdsStatus, HealthFlag } from '../../../sim/mesh/envoy/health-flags.ts';

const S = 1e9;
const noRandom = { nextU32: () => 0, nextUnit: () => 0 } as RandomStream;
const HC = compileHealthCheck({ timeout: S, interval: S, unhealthyThreshold: 1, healthyThreshold: 1, noTrafficInterval: 60 * S, initialJitter: 0, intervalJitter: 0, intervalJitterPercent: 0 });

function cluster(over: Partial<ClusterHealthConfig> = {}): ClusterHealth {
  return new ClusterHealth(0, 0, 0, {
    hc: HC,
    od: undefined,
    priority: { overprovisioningFactor: 140, healthyPanicThreshold: 50 },
    ignoreNewHosts: false,
    ignoreHealthOnHostRemoval: false,
    legacyRemoval: false,
    ...over,
  }, noRandom);
}

let version = 0;
const eds = (pods: number[], draining = 0) => buildSnapshot(++version, pods, undefined, draining);
const flagsOf = (c: ClusterHealth, pod: number) => c.flags[c.slotOf(pod)]!;
const hosts = (c: ClusterHealth) => Array.from(c.priorities[0]!.hosts);
function failByEds(c: ClusterHealth, pod: number): void {
  const slot = c.slotOf(pod);
  c.flags[slot] = c.flags[slot]! | HealthFlag.FAILED_EDS_HEALTH;
}
/** Both hosts pass their first check. */
function healthy(c: ClusterHealth, pods: number[]): void {
  for (const p of pods) c.applyCheck(c.slotOf(p), HcResult.OK, 0);
}

describe('EDS x active HC: Table H', () => {
  it('E-1 EndpointRemovalAfterHcFail: absent + passing = PENDING_DYNAMIC_REMOVAL; back = cleared; then an HC failure removes it at once; re-added = a new host', () => {
    const c = cluster();
    c.applyEds(eds([80, 81]));
    healthy(c, [80, 81]);
    c.applyEds(eds([80]));
    expect(hosts(c)).toEqual([80, 81]);
    expect(flagsOf(c, 81)).toBe(HealthFlag.PENDING_DYNAMIC_REMOVAL);
    c.applyEds(eds([80, 81]));
    expect(flagsOf(c, 81)).toBe(0);
    c.applyEds(eds([80]));
    const genBefore = c.gen[c.slotOf(81)]!;
    c.applyCheck(c.slotOf(81), HcResult.HTTP_FAIL, 0);
    expect(hosts(c)).toEqual([80]);
    const added = c.applyEds(eds([80, 81]));
    expect(added).toHaveLength(1);
    expect(c.gen[c.slotOf(81)]).not.toBe(genBefore);
    expect(flagsOf(c, 81)).toBe(HealthFlag.FAILED_ACTIVE_HC); // fresh HC state
  });

  it('E-2 (current) a host EDS marks FAILED_EDS_HEALTH is removed when absent despite passing HC', () => {
    const c = cluster();
    c.applyEds(eds([80, 81]));
    healthy(c, [80, 81]);
    failByEds(c, 80); // what an UNHEALTHY EDS status sets (§1.1)
    c.applyEds(eds([81]));
    expect(hosts(c)).toEqual([81]);
  });

  it('E-3 ignore_health_on_host_removal: an absent host goes at once', () => {
    const c = cluster({ ignoreHealthOnHostRemoval: true });
    c.applyEds(eds([80, 81]));
    healthy(c, [80, 81]);
    c.applyEds(eds([80]));
    expect(hosts(c)).toEqual([80]);
  });

  it('without active HC every absent host is removed in the same update (§2.3 item 2)', () => {
    const c = cluster({ hc: undefined });
    c.applyEds(eds([80, 81]));
    c.applyEds(eds([80]));
    expect(hosts(c)).toEqual([80]);
  });

  it('legacy Envoy keeps an absent host that fails HC afterwards ("undead") until an EDS update finds it failing', () => {
    const c = cluster({ legacyRemoval: true });
    c.applyEds(eds([80, 81]));
    healthy(c, [80, 81]);
    c.applyEds(eds([80]));
    expect(flagsOf(c, 81)).toBe(0); // no PENDING_DYNAMIC_REMOVAL before #6765: it routes
    c.applyCheck(c.slotOf(81), HcResult.HTTP_FAIL, 0);
    expect(hosts(c)).toEqual([80, 81]);
    expect(c.healthyCount()).toBe(1);
    c.applyEds(eds([80, 82]));
    expect(hosts(c).sort()).toEqual([80, 82]);
  });

  it('legacy Envoy also stabilises a host failed by EDS (#6714 added that removal)', () => {
    const c = cluster({ legacyRemoval: true });
    c.applyEds(eds([80, 81]));
    healthy(c, [80, 81]);
    failByEds(c, 80);
    c.applyEds(eds([81]));
    expect(hosts(c)).toEqual([80, 81]);
  });

  it('a new host with HC starts FAILED_ACTIVE_HC; with ignore_new_hosts_until_first_hc also PENDING_ACTIVE_HC (excluded)', () => {
    const plain = cluster();
    plain.applyEds(eds([1]));
    expect(flagsOf(plain, 1)).toBe(HealthFlag.FAILED_ACTIVE_HC);
    const warm = cluster({ ignoreNewHosts: true });
    warm.applyEds(eds([1]));
    expect(flagsOf(warm, 1)).toBe(HealthFlag.FAILED_ACTIVE_HC | HealthFlag.PENDING_ACTIVE_HC);
    const none = cluster({ hc: undefined });
    none.applyEds(eds([1]));
    expect(flagsOf(none, 1)).toBe(0);
  });

  it('DRAINING (§2.3 item 7): unhealthy and excluded; absent while passing HC it stays pending removal and still DRAINING', () => {
    const c = cluster();
    c.applyEds(eds([1, 2, 3]));
    healthy(c, [1, 2, 3]);
    c.applyEds(eds([1, 2, 3], 1));
    expect(flagsOf(c, 3)).toBe(HealthFlag.EDS_STATUS_DRAINING);
    expect(c.healthyCount()).toBe(2);
    expect(c.load.panic[0]).toBe(false); // 2 of 2 counted hosts healthy
    c.applyEds(eds([1, 2]));
    expect(flagsOf(c, 3)).toBe(HealthFlag.EDS_STATUS_DRAINING | HealthFlag.PENDING_DYNAMIC_REMOVAL);
  });
});

/** An EDS update whose hosts carry the given health_status bytes. */
function withStatus(pods: number[], status: number[]): EndpointSnapshot {
  const plain = buildSnapshot(++version, pods);
  return { ...plain, status: Uint8Array.from(status) };
}

describe('EDS health status and disable_active_health_check: Table H E-4, E-5', () => {
  it('E-4 EndpointHealthStatus: UNKNOWN, HEALTHY -> healthy; UNHEALTHY, DRAINING, TIMEOUT -> unhealthy; DEGRADED -> degraded', () => {
    const c = cluster({ hc: undefined });
    const { UNKNOWN, HEALTHY, UNHEALTHY, DRAINING, TIMEOUT, DEGRADED } = EdsStatus;
    c.applyEds(withStatus([1, 2, 3, 4, 5, 6], [UNKNOWN, HEALTHY, UNHEALTHY, DRAINING, TIMEOUT, DEGRADED]));
    expect([1, 2, 3, 4, 5, 6].map((p) => coarseHealth(flagsOf(c, p)))).toEqual(['healthy', 'healthy', 'unhealthy', 'unhealthy', 'unhealthy', 'degraded']);
    expect(Array.from(c.priorities[0]!.healthy)).toEqual([1, 2]);
    expect(Array.from(c.priorities[0]!.degraded)).toEqual([6]);
    // An EDS update replaces the EDS flags: back to HEALTHY, the hosts are healthy again.
    c.applyEds(withStatus([1, 2, 3, 4, 5, 6], [HEALTHY, HEALTHY, HEALTHY, HEALTHY, HEALTHY, HEALTHY]));
    expect(c.healthyCount()).toBe(6);
  });

  it('E-4: FAILED_ACTIVE_HC with EDS HEALTHY is unhealthy; DEGRADED_ACTIVE_HC with EDS HEALTHY is degraded', () => {
    expect(coarseHealth(HealthFlag.FAILED_ACTIVE_HC)).toBe('unhealthy');
    expect(coarseHealth(HealthFlag.DEGRADED_ACTIVE_HC)).toBe('degraded');
    const c = cluster();
    c.applyEds(withStatus([7], [EdsStatus.HEALTHY]));
    expect(coarseHealth(flagsOf(c, 7))).toBe('unhealthy'); // new host, FAILED_ACTIVE_HC until checked
  });

  it('E-5 DisableActiveHCEndpoints: such a host never gets FAILED_ACTIVE_HC, and toggling the flag recreates it', () => {
    const c = cluster();
    const added = c.applyEds(withStatus([80, 81], [EdsStatus.HEALTHY | EDS_HC_DISABLED, EdsStatus.HEALTHY]));
    expect(flagsOf(c, 80)).toBe(0);
    expect(flagsOf(c, 81)).toBe(HealthFlag.FAILED_ACTIVE_HC);
    expect(added).toEqual([c.slotOf(81)]); // no session for the HC-disabled host
    const gen = c.gen[c.slotOf(80)]!;
    const again = c.applyEds(withStatus([80, 81], [EdsStatus.HEALTHY, EdsStatus.HEALTHY]));
    expect(again).toEqual([c.slotOf(80)]);
    expect(c.gen[c.slotOf(80)]).not.toBe(gen);
    expect(flagsOf(c, 80)).toBe(HealthFlag.FAILED_ACTIVE_HC); // a new host now checked
  });

  it('an absent HC-disabled host is removed at once, never stabilised (§2.3 item 2)', () => {
    const c = cluster();
    c.applyEds(withStatus([80, 81], [EdsStatus.HEALTHY | EDS_HC_DISABLED, EdsStatus.HEALTHY]));
    healthy(c, [81]);
    c.applyEds(eds([81]));
    expect(hosts(c)).toEqual([81]);
  });
});

describe('panic with new hosts (§1.6, seed 003)', () => {
  it('tripling a host set puts it in panic until the new hosts are checked, unless they are excluded', () => {
    const ten = Array.from({ length: 10 }, (_, i) => i);
    const thirty = Array.from({ length: 30 }, (_, i) => i);
    for (const ignoreNewHosts of [false, true]) {
      const c = cluster({ ignoreNewHosts });
      c.applyEds(eds(ten), true);
      c.applyEds(eds(thirty));
      expect(c.load.panic[0]).toBe(!ignoreNewHosts); // 10/30 x 1.4 = 46% < 50%, or 10/10
      expect(c.healthyCount()).toBe(10);
    }
  });

  it('the exclusion ends at the first check even when it fails (Envoy #12331)', () => {
    const c = cluster({ ignoreNewHosts: true });
    c.applyEds(eds([0, 1]), true);
    c.applyEds(eds([0, 1, 2, 3, 4, 5]));
    for (const p of [2, 3, 4, 5]) c.applyCheck(c.slotOf(p), HcResult.NETWORK_FAIL, 0);
    expect(flagsOf(c, 2)).toBe(HealthFlag.FAILED_ACTIVE_HC);
    expect(c.load.panic[0]).toBe(true); // 2 of 6 counted
  });
});
