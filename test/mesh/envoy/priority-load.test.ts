/**
 * Envoy's priority load / panic tables, replayed against computePriorityLoad.
 *
 * Ground truth: envoy.md §1.2-§1.5 and §10 (Tables A, B, D). Envoy's own test file for
 * Tables A and B is test/extensions/load_balancing_policies/common/load_balancer_impl_base_test.cc
 * ("F" in envoy.md), test class LoadBalancerBaseTest. Every expected number below is copied
 * from envoy.md; none is computed by the code under test.
 *
 * Each expected vector carries its provenance:
 *  - ENVOY: asserted by the Envoy test named in the row;
 *  - DERIVED: envoy.md prints the value in brackets (or in Table D, which is derived from code),
 *    "derived, not asserted by Envoy's test";
 *  - UNLISTED: envoy.md leaves the cell "—" without a value; the value is the §1.3-§1.5 reference
 *    algorithm worked by hand (cross-checked with the envoy.md Appendix model), also not asserted
 *    by Envoy's test.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HealthFlag, coarseHealth, isExcluded } from '../../../sim/mesh/envoy/health-flags.ts';
import {
  choiceIsDegraded,
  choosePriority,
  choicePriority,
  computePriorityLoad,
  isHostSetInPanic,
  type PriorityLevel,
  type PriorityLoadConfig,
} from '../../../sim/mesh/envoy/priority-load.ts';

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** An expected vector and where it comes from (printed in assertion messages). */
interface Expected<T> {
  value: T[];
  provenance: string;
}
const ENVOY = <T>(...value: T[]): Expected<T> => ({ value, provenance: "asserted by Envoy's test" });
const DERIVED = <T>(...value: T[]): Expected<T> => ({ value, provenance: "derived, not asserted by Envoy's test" });
const UNLISTED = <T>(...value: T[]): Expected<T> => ({
  value,
  provenance: "derived, not asserted by Envoy's test (envoy.md cell is '—' without a value; worked by hand from §1.3-§1.5)",
});
const withNote = <T>(e: Expected<T>, note: string): Expected<T> => ({ ...e, provenance: `${e.provenance}; ${note}` });

/**
 * envoy.md §10.1 notation `hosts/healthy[/degraded[/excluded]]`. "hosts" includes excluded
 * hosts; as in Envoy's updateHostSet (load_balancer_impl_base_test.cc:34-57) the healthy,
 * degraded and excluded hosts are disjoint and the rest are plain unhealthy.
 */
function level(notation: string): PriorityLevel {
  const [hosts = 0, healthy = 0, degraded = 0, excluded = 0] = notation.split('/').map(Number);
  if (healthy + degraded + excluded > hosts) throw new Error(`bad level ${notation}`);
  return { hosts, healthy, degraded, excluded };
}

type HostState = 'H' | 'D' | 'U' | 'X';
/**
 * One priority from weighted hosts (Table B): H healthy, D degraded, U unhealthy, X excluded.
 * Builds the counts and the weight sums of PriorityLevel.weights (envoy.md §1.3, :181-198).
 */
function weightedLevel(hosts: [weight: number, state: HostState][]): PriorityLevel {
  const count = (s: HostState) => hosts.filter(([, st]) => st === s).length;
  const weight = (s?: HostState) => hosts.filter(([, st]) => s === undefined || st === s).reduce((a, [w]) => a + w, 0);
  return {
    hosts: hosts.length,
    healthy: count('H'),
    degraded: count('D'),
    excluded: count('X'),
    weights: { healthy: weight('H'), degraded: weight('D'), total: weight(), excluded: weight('X') },
  };
}

const config = (opf = 140, thr = 50, weightedPriorityHealth = false): PriorityLoadConfig => ({
  overprovisioningFactor: opf,
  healthyPanicThreshold: thr,
  weightedPriorityHealth,
});

interface Row {
  id: string;
  /** Envoy test name and lines in F (or the envoy.md section for derived rows). */
  test: string;
  levels: PriorityLevel[];
  opf?: number;
  thr?: number;
  healthy: Expected<number>;
  degraded: Expected<number>;
  panic: Expected<boolean>;
}

function row(id: string, test: string, levels: string[], rest: Omit<Row, 'id' | 'test' | 'levels'>): Row {
  return { id, test, levels: levels.map(level), ...rest };
}

function expectRow(r: Row, weightedPriorityHealth = false): void {
  const out = computePriorityLoad(r.levels, config(r.opf, r.thr, weightedPriorityHealth));
  expect(out.healthy, `${r.id} healthy load (${r.healthy.provenance})`).toEqual(r.healthy.value);
  expect(out.degraded, `${r.id} degraded load (${r.degraded.provenance})`).toEqual(r.degraded.value);
  expect(out.panic, `${r.id} panic (${r.panic.provenance})`).toEqual(r.panic.value);
}

const T = true;
const F = false;

// ---------------------------------------------------------------------------------------------
// envoy.md §10.2 Table A: priority load / panic / degraded (F). opf 140, threshold 50 unless stated.
// ---------------------------------------------------------------------------------------------

const TABLE_A: Row[] = [
  row('PS-1', 'PrioritySelection :93-102', ['1/0', '1/0'], {
    healthy: ENVOY(50, 50),
    degraded: DERIVED(0, 0),
    panic: DERIVED(T, T),
  }),
  row('PS-2', 'PrioritySelection :108-110', ['1/0', '2/0'], {
    healthy: ENVOY(34, 66),
    degraded: UNLISTED(0, 0),
    panic: DERIVED(T, T),
  }),
  row('PS-3', 'PrioritySelection :115-119', ['1/0', '2/0', '1/1'], {
    healthy: ENVOY(0, 0, 100),
    degraded: UNLISTED(0, 0, 0),
    panic: DERIVED(F, F, F),
  }),
  row('PS-4', 'PrioritySelection :124-128', ['1/1', '2/0', '1/1'], {
    // envoy.md prints "100,(0),0": Envoy asserts P0 = 100 and P2 = 0 only.
    healthy: withNote(ENVOY(100, 0, 0), 'only P0=100 and P2=0 are asserted; P1=0 is derived'),
    degraded: UNLISTED(0, 0, 0),
    panic: UNLISTED(F, F, F),
  }),
  row('OPF-1', 'OverProvisioningFactor :225-227', ['4/2', '4/2'], {
    healthy: ENVOY(70, 30),
    degraded: UNLISTED(0, 0),
    panic: UNLISTED(F, F),
  }),
  row('OPF-2', 'OverProvisioningFactor :230-234', ['4/2', '4/2'], {
    opf: 100,
    healthy: ENVOY(50, 50),
    degraded: UNLISTED(0, 0),
    panic: UNLISTED(F, F),
  }),
  row('GF-1', 'GentleFailover :304-307', ['1/1', '1/1'], {
    healthy: ENVOY(100, 0),
    degraded: UNLISTED(0, 0),
    panic: ENVOY(F, F),
  }),
  row('GF-2', 'GentleFailover :311-314', ['2/1', '2/1'], {
    healthy: ENVOY(70, 30),
    degraded: UNLISTED(0, 0),
    panic: ENVOY(F, F),
  }),
  row('GF-3', 'GentleFailover :319-322', ['4/1', '2/2'], {
    healthy: ENVOY(35, 65),
    degraded: UNLISTED(0, 0),
    // P0 at 25% is below the threshold but ignored because the normalised total is 100.
    panic: ENVOY(F, F),
  }),
  row('GF-4', 'GentleFailover :327-330', ['4/1', '4/1'], {
    // Total panic: split by host count.
    healthy: ENVOY(50, 50),
    degraded: UNLISTED(0, 0),
    panic: ENVOY(T, T),
  }),
  row('GF-5', 'GentleFailover :335-341', ['4/1/0/3', '5/1'], {
    healthy: ENVOY(100, 0),
    degraded: UNLISTED(0, 0),
    panic: ENVOY(F, F),
  }),
  row('GF-6', 'GentleFailover :348-354', ['4/0/0/4', '4/1'], {
    healthy: ENVOY(50, 50),
    degraded: UNLISTED(0, 0),
    panic: ENVOY(T, T),
  }),
  row('GF-7', 'GentleFailover :362-369', ['4/0/0/1', '6/1/0/2'], {
    // Total panic counts excluded hosts: 4/(4+6), 6/(4+6).
    healthy: ENVOY(40, 60),
    degraded: UNLISTED(0, 0),
    panic: ENVOY(T, T),
  }),
  row('GFX-1', 'GentleFailoverWithExtraLevels :375-379', ['1/1', '1/1', '1/1'], {
    healthy: ENVOY(100, 0, 0),
    degraded: UNLISTED(0, 0, 0),
    panic: ENVOY(F, F, F),
  }),
  row('GFX-2', 'GentleFailoverWithExtraLevels :383-387', ['2/1', '2/1', '2/1'], {
    healthy: ENVOY(70, 30, 0),
    degraded: ENVOY(0, 0, 0),
    panic: UNLISTED(F, F, F),
  }),
  row('GFX-3', 'GentleFailoverWithExtraLevels :390-394', ['4/1', '2/2', '2/1'], {
    healthy: ENVOY(35, 65, 0),
    degraded: ENVOY(0, 0, 0),
    panic: UNLISTED(F, F, F),
  }),
  row('GFX-4', 'GentleFailoverWithExtraLevels :398-402', ['4/1', '4/1', '4/1'], {
    healthy: ENVOY(35, 35, 30),
    degraded: ENVOY(0, 0, 0),
    panic: DERIVED(F, F, F),
  }),
  row('GFX-5', 'GentleFailoverWithExtraLevels :414-419', ['5/1', '5/1', '5/1'], {
    healthy: ENVOY(34, 33, 33),
    degraded: ENVOY(0, 0, 0),
    panic: ENVOY(T, T, T),
  }),
  row('GFX-6', 'GentleFailoverWithExtraLevels :424-429', ['5/0', '5/0', '5/5'], {
    healthy: ENVOY(0, 0, 100),
    degraded: ENVOY(0, 0, 0),
    panic: ENVOY(F, F, F),
  }),
  row('GFX-7', 'GentleFailoverWithExtraLevels :434-439', ['5/0', '5/0', '5/4'], {
    healthy: ENVOY(0, 0, 100),
    degraded: ENVOY(0, 0, 0),
    panic: ENVOY(F, F, F),
  }),
  row('GFX-8', 'GentleFailoverWithExtraLevels :446-451', ['5/0', '5/0', '5/2'], {
    // Total panic.
    healthy: ENVOY(34, 33, 33),
    degraded: ENVOY(0, 0, 0),
    panic: ENVOY(T, T, T),
  }),
  row('GFX-9', 'GentleFailoverWithExtraLevels :456-463', ['5/0/5', '5/2/2', '5/2'], {
    // Fully-degraded P0 gets nothing while P1+P2 healthy capacity covers 100.
    healthy: ENVOY(0, 56, 44),
    degraded: ENVOY(0, 0, 0),
    panic: ENVOY(F, F, F),
  }),
  row('GFX-10', 'GentleFailoverWithExtraLevels :472-477', ['5/0', '3/0', '2/0'], {
    healthy: ENVOY(50, 30, 20),
    degraded: ENVOY(0, 0, 0),
    panic: ENVOY(T, T, T),
  }),
  row('GFX-11', 'GentleFailoverWithExtraLevels :487-492', ['5/0', '6/2', '3/1'], {
    healthy: ENVOY(37, 42, 21),
    degraded: ENVOY(0, 0, 0),
    panic: ENVOY(T, T, T),
  }),
  row('GFX-12', 'GentleFailoverWithExtraLevels :495-501', ['5/0/1', '5/0/5', '5/1'], {
    healthy: ENVOY(0, 0, 28),
    degraded: ENVOY(28, 44, 0),
    panic: DERIVED(F, F, F),
  }),
  row('GFX-13', 'GentleFailoverWithExtraLevels :506-514', ['5/0', '5/0/2', '5/0/1'], {
    thr: 0,
    healthy: ENVOY(0, 0, 0),
    // 56·100/84 = 66, 28·100/84 = 33, remainder 1 to the first degraded priority (P1).
    degraded: ENVOY(0, 67, 33),
    panic: DERIVED(F, F, F),
  }),
  row('GFX-14', 'GentleFailoverWithExtraLevels :521-529', ['5/0', '5/0/2', '5/0/1'], {
    healthy: ENVOY(34, 33, 33),
    degraded: ENVOY(0, 0, 0),
    panic: DERIVED(T, T, T),
  }),
  row('GFX-15', 'GentleFailoverWithExtraLevels :533-537', ['3/0', '3/0', '3/0'], {
    healthy: ENVOY(34, 33, 33),
    degraded: UNLISTED(0, 0, 0),
    panic: ENVOY(T, T, T),
  }),
  row('GFX-16', 'GentleFailoverWithExtraLevels :541-545', ['0/0', '6/0', '3/0'], {
    // Remainder goes to the first *non-empty* priority.
    healthy: ENVOY(0, 67, 33),
    degraded: UNLISTED(0, 0, 0),
    panic: ENVOY(T, T, T),
  }),
];

// ---------------------------------------------------------------------------------------------
// envoy.md §10.3 Table B: weighted priority health (weighted_priority_health = true, opf 100).
// ---------------------------------------------------------------------------------------------

interface WeightedRow extends Omit<Row, 'levels'> {
  levels: PriorityLevel[];
}

const TABLE_B: WeightedRow[] = [
  {
    id: 'WPH-1',
    test: 'WeightedPriorityHealth :237-256',
    // P0: healthy weight 6 of 10.
    levels: [weightedLevel([[3, 'H'], [3, 'H'], [2, 'U'], [2, 'U']]), weightedLevel([[1, 'H']])],
    opf: 100,
    healthy: ENVOY(60, 40),
    degraded: UNLISTED(0, 0),
    panic: UNLISTED(F, F),
  },
  {
    id: 'WPH-2',
    test: 'WeightedPriorityHealthExcluded :258-273',
    // P0: 4/(20 - 10) = 40%.
    levels: [weightedLevel([[4, 'H'], [10, 'X'], [6, 'U']]), weightedLevel([[1, 'H']])],
    opf: 100,
    healthy: ENVOY(40, 60),
    degraded: UNLISTED(0, 0),
    panic: UNLISTED(F, F),
  },
  {
    id: 'WPH-3',
    test: 'WeightedPriorityHealthDegraded :275-299',
    levels: [weightedLevel([[4, 'H'], [3, 'D'], [2, 'U'], [1, 'U']]), weightedLevel([[1, 'H'], [9, 'D']])],
    opf: 100,
    healthy: ENVOY(40, 10),
    degraded: ENVOY(30, 20),
    panic: UNLISTED(F, F),
  },
];

// ---------------------------------------------------------------------------------------------
// envoy.md §10.5 Table D: derived boundary cases (from code; no single Envoy test asserts them).
// ---------------------------------------------------------------------------------------------

const TABLE_D_NOTE = 'envoy.md Table D';
const TABLE_D: Row[] = [
  // 50% is not < 50 (strict "<", load_balancer_impl.cc:687).
  row('D1', '§10.5, strict < at :687', ['6/3'], { healthy: DERIVED(100), degraded: UNLISTED(0), panic: DERIVED(F) }),
  // 33.3% < 50; routing uses all 6 hosts.
  row('D2', '§10.5', ['6/2'], { healthy: DERIVED(100), degraded: UNLISTED(0), panic: DERIVED(T) }),
  // 2 PENDING_ACTIVE_HC hosts excluded: denominator 2 -> health 140 -> capped 100.
  row('D3a', '§10.5, §1.6 ignore_new_hosts_until_first_hc', ['4/2/0/2', '2/2'], {
    healthy: DERIVED(100, 0),
    degraded: UNLISTED(0, 0),
    panic: DERIVED(F, F),
  }),
  // Same without the flag: the 2 new hosts are plain unhealthy.
  row('D3b', '§10.5, §1.6', ['4/2', '2/2'], { healthy: DERIVED(70, 30), degraded: UNLISTED(0, 0), panic: DERIVED(F, F) }),
  // §1.5 step 1 (:308-311): threshold 0 and nothing available -> P0 = 100, no panic.
  row('D4', '§10.5, :308-311', ['1/0'], { thr: 0, healthy: DERIVED(100), degraded: UNLISTED(0), panic: DERIVED(F) }),
  // Total panic with 0 hosts -> P0 = 100.
  row('D5', '§10.5, :345-349', ['0/0', '0/0'], { healthy: DERIVED(100, 0), degraded: UNLISTED(0, 0), panic: DERIVED(T, T) }),
  // Normalised 56+56 -> 100: panic is not consulted although each level is at 40%.
  row('D6', '§10.5, :316-322', ['10/4', '10/4'], { healthy: DERIVED(56, 44), degraded: UNLISTED(0, 0), panic: DERIVED(F, F) }),
  // 1 of 10 outlier-ejected (unhealthy, not excluded): 90% healthy.
  row('D7', '§10.5', ['10/9'], { healthy: DERIVED(100), degraded: UNLISTED(0), panic: DERIVED(F) }),
].map((r) => ({
  ...r,
  healthy: withNote(r.healthy, TABLE_D_NOTE),
  panic: withNote(r.panic, TABLE_D_NOTE),
}));

// ---------------------------------------------------------------------------------------------

describe('Envoy priority load tables (envoy.md §10)', () => {
  it('covers every row of Tables A, B and D', () => {
    expect(TABLE_A.map((r) => r.id)).toEqual([
      ...['PS-1', 'PS-2', 'PS-3', 'PS-4', 'OPF-1', 'OPF-2'],
      ...['GF-1', 'GF-2', 'GF-3', 'GF-4', 'GF-5', 'GF-6', 'GF-7'],
      ...Array.from({ length: 16 }, (_, i) => `GFX-${i + 1}`),
    ]);
    expect(TABLE_B.map((r) => r.id)).toEqual(['WPH-1', 'WPH-2', 'WPH-3']);
    expect(TABLE_D.map((r) => r.id)).toEqual(['D1', 'D2', 'D3a', 'D3b', 'D4', 'D5', 'D6', 'D7']);
  });

  it.each(TABLE_A)('Table A $id ($test): healthy load, degraded load and panic match Envoy', (r) => {
    expectRow(r);
  });

  it.each(TABLE_B)('Table B $id ($test): weighted priority health uses host weights', (r) => {
    expectRow(r, true);
  });

  it('Table B builds the weight sums from the listed hosts (WPH-2: excluded weight leaves the denominator)', () => {
    expect(TABLE_B[1]!.levels[0]).toEqual({
      hosts: 3,
      healthy: 1,
      degraded: 0,
      excluded: 1,
      weights: { healthy: 4, degraded: 0, total: 20, excluded: 10 },
    });
  });

  it('weights are ignored unless weighted_priority_health is on (WPH-1 hosts, unweighted: 2 of 4 healthy, opf 100)', () => {
    // Unweighted, P0 is 2/4 -> 100·2/4 = 50; P1 1/1 -> 100; loads 50,50 (derived, §1.3).
    const out = computePriorityLoad(TABLE_B[0]!.levels, config(100, 50, false));
    expect(out.healthy).toEqual([50, 50]);
  });

  it.each(TABLE_D)('Table D $id ($test): derived boundary case', (r) => {
    expectRow(r);
  });

  it('Table D3a/D3b/D7 from host flags: PENDING_ACTIVE_HC excludes, FAILED_ACTIVE_HC / FAILED_OUTLIER_CHECK only count as unhealthy', () => {
    // Partition as Envoy's partitionHostList (upstream_impl.cc:1662-1682, envoy.md §1.1).
    const fromFlags = (flags: number[]): PriorityLevel => ({
      hosts: flags.length,
      healthy: flags.filter((f) => coarseHealth(f) === 'healthy').length,
      degraded: flags.filter((f) => coarseHealth(f) === 'degraded').length,
      excluded: flags.filter(isExcluded).length,
    });
    const { FAILED_ACTIVE_HC, PENDING_ACTIVE_HC, FAILED_OUTLIER_CHECK } = HealthFlag;
    const p1 = fromFlags([0, 0]);
    const withFlag = fromFlags([0, 0, FAILED_ACTIVE_HC | PENDING_ACTIVE_HC, FAILED_ACTIVE_HC | PENDING_ACTIVE_HC]);
    const withoutFlag = fromFlags([0, 0, FAILED_ACTIVE_HC, FAILED_ACTIVE_HC]);
    expect(computePriorityLoad([withFlag, p1], config()).healthy).toEqual([100, 0]); // D3a
    expect(computePriorityLoad([withoutFlag, p1], config()).healthy).toEqual([70, 30]); // D3b
    const d7 = fromFlags([FAILED_OUTLIER_CHECK, ...Array<number>(9).fill(0)]);
    expect(d7).toEqual({ hosts: 10, healthy: 9, degraded: 0, excluded: 0 });
    expect(computePriorityLoad([d7], config())).toMatchObject({ healthy: [100], panic: [false] }); // D7
  });
});

describe('panic threshold handling (envoy.md §1.2: truncated to an integer, capped at 100)', () => {
  it('a fractional threshold is truncated: 50.9 behaves as 50, so 3/6 healthy (50%) is not in panic', () => {
    // Untruncated, 50 < 50.9 would put D1 in panic.
    const out = computePriorityLoad([level('6/3')], config(140, 50.9));
    expect(out.panic).toEqual([false]);
    expect(out.healthy).toEqual([100]);
  });

  it('a threshold below 1 truncates to 0, which disables panic (D4 with 0.9: P0 = 100, not in panic)', () => {
    // Untruncated, 0 < 0.9 would be panic; truncated, §1.5 step 1 (:308-311) applies.
    const out = computePriorityLoad([level('1/0')], config(140, 0.9));
    expect(out.panic).toEqual([false]);
    expect(out.healthy).toEqual([100]);
  });

  it('a threshold above 100 is capped at 100: a fully healthy level is not in panic', () => {
    // Only visible with opf < 100, so that the normalised total stays below 100 and panic is
    // consulted: 1/1 with opf 50 -> health 50, normalised 50. 100% < 150 would be panic;
    // capped, 100% < 100 is not (strict "<", :687).
    const out = computePriorityLoad([level('1/1')], config(50, 150));
    expect(out.normalizedTotal).toBe(50);
    expect(out.panic).toEqual([false]);
    expect(out.healthy).toEqual([100]);
  });

  it('isHostSetInPanic is unweighted, ignores overprovisioning and uses a strict "<" (§1.5 :677-692)', () => {
    expect(isHostSetInPanic(level('6/3'), 50)).toBe(false); // 50% is not < 50
    expect(isHostSetInPanic(level('6/2'), 50)).toBe(true); // 33.3% < 50 (RR MaxUnhealthyPanic 2/6)
    expect(isHostSetInPanic(level('6/4'), 50)).toBe(false); // 66.7% (RR MaxUnhealthyPanic 4/6)
    expect(isHostSetInPanic(level('4/1/1'), 50)).toBe(false); // healthy 25% + degraded 25% = 50%
    expect(isHostSetInPanic(level('4/1/0/2'), 50)).toBe(false); // excluded leave the denominator: 1/2
    expect(isHostSetInPanic(level('4/0/0/4'), 50)).toBe(true); // no non-excluded hosts -> 0%
    expect(isHostSetInPanic(level('0/0'), 0)).toBe(false); // 0 < 0 is false
  });
});

describe('stale loads when the normalised total is 0 (envoy.md §1.4 :243-248, Appendix caveats)', () => {
  it('threshold 0 with nothing available: P0 is set to 100 and the other previous loads stay (derived)', () => {
    const out = computePriorityLoad([level('1/0'), level('1/0')], config(140, 0), { healthy: [30, 70], degraded: [0, 0] });
    expect(out).toEqual({ healthy: [100, 70], degraded: [0, 0], panic: [false, false], normalizedTotal: 0 });
  });

  it('normalised total 0 without total panic keeps the previous loads (derived: 150 hosts, 1 healthy + 1 degraded, opf 100, threshold 1)', () => {
    // 100·1/150 = 0 for both availabilities, so the normalised total is 0; but the unweighted
    // panic percentage is 1.33%, not < 1, so there is no total panic and nothing is rewritten.
    const out = computePriorityLoad([level('150/1/1')], config(100, 1), { healthy: [100], degraded: [0] });
    expect(out).toEqual({ healthy: [100], degraded: [0], panic: [false], normalizedTotal: 0 });
  });
});

describe('priority load invariants (envoy.md §1.4 assert at :283-286, §1.5 step 2)', () => {
  /**
   * Hosts per level are at most 100: with opf >= 100 a single healthy or degraded host then
   * always yields availability >= 1, so a normalised total of 0 means every level is 0%
   * healthy+degraded and hence in panic (or threshold 0). With more than 100 hosts Envoy can
   * legitimately keep stale loads (previous test), and the sum need not be 100.
   */
  const levelArb = fc
    .record({
      healthy: fc.integer({ min: 0, max: 25 }),
      degraded: fc.integer({ min: 0, max: 25 }),
      excluded: fc.integer({ min: 0, max: 25 }),
      unhealthy: fc.integer({ min: 0, max: 25 }),
    })
    .map(({ healthy, degraded, excluded, unhealthy }): PriorityLevel => ({
      hosts: healthy + degraded + excluded + unhealthy,
      healthy,
      degraded,
      excluded,
    }));
  const thresholdArb = fc.oneof(fc.integer({ min: 0, max: 100 }), fc.double({ min: 0, max: 100, noNaN: true }));

  it('with no previous loads, healthy + degraded loads sum to exactly 100, each in 0..100, and no panic at normalised 100', () => {
    fc.assert(
      fc.property(
        fc.array(levelArb, { minLength: 1, maxLength: 4 }),
        thresholdArb,
        fc.integer({ min: 100, max: 200 }),
        (levels, thr, opf) => {
          const out = computePriorityLoad(levels, config(opf, thr));
          const all = [...out.healthy, ...out.degraded];
          expect(out.healthy).toHaveLength(levels.length);
          expect(out.degraded).toHaveLength(levels.length);
          expect(out.panic).toHaveLength(levels.length);
          for (const load of all) {
            expect(Number.isInteger(load)).toBe(true);
            expect(load).toBeGreaterThanOrEqual(0);
            expect(load).toBeLessThanOrEqual(100);
          }
          expect(all.reduce((a, b) => a + b, 0)).toBe(100);
          if (out.normalizedTotal === 100) expect(out.panic.some(Boolean)).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('choosePriority never lands on a zero-load slot of a computed load', () => {
    fc.assert(
      fc.property(fc.array(levelArb, { minLength: 1, maxLength: 4 }), fc.nat({ max: 0xffffffff }), (levels, hash) => {
        const out = computePriorityLoad(levels, config());
        const choice = choosePriority(out, hash);
        const loads = choiceIsDegraded(choice) ? out.degraded : out.healthy;
        expect(loads[choicePriority(choice)]).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('choosePriority (envoy.md §1.5: h = hash % 100 + 1, healthy loads cumulated first, then degraded)', () => {
  const pick = (load: { healthy: number[]; degraded: number[] }, hash: number) => {
    const c = choosePriority(load, hash);
    return { priority: choicePriority(c), degraded: choiceIsDegraded(c) };
  };

  // GFX-12 loads: healthy 0,0,28; degraded 28,44,0 -> h 1..28 P2 healthy, 29..56 P0 degraded, 57..100 P1 degraded.
  const GFX12 = { healthy: [0, 0, 28], degraded: [28, 44, 0] };
  it.each([
    [0, 2, false],
    [27, 2, false],
    [28, 0, true],
    [55, 0, true],
    [56, 1, true],
    [99, 1, true],
    [100, 2, false], // 100 % 100 + 1 = 1
    [0xffffffff, 1, true], // 4294967295 % 100 + 1 = 96
  ])('GFX-12 loads, hash %i -> P%i (degraded: %s)', (hash, priority, degraded) => {
    expect(pick(GFX12, hash)).toEqual({ priority, degraded });
  });

  it('GF-2 loads 70,30: the boundary is inclusive (h = 70 -> P0, h = 71 -> P1)', () => {
    const load = { healthy: [70, 30], degraded: [0, 0] };
    expect(pick(load, 69)).toEqual({ priority: 0, degraded: false });
    expect(pick(load, 70)).toEqual({ priority: 1, degraded: false });
    expect(pick(load, 99)).toEqual({ priority: 1, degraded: false });
  });

  it('GFX-13 loads (degraded only 0,67,33): healthy loads all 0, degraded cumulated from P0', () => {
    const load = { healthy: [0, 0, 0], degraded: [0, 67, 33] };
    expect(pick(load, 0)).toEqual({ priority: 1, degraded: true });
    expect(pick(load, 66)).toEqual({ priority: 1, degraded: true });
    expect(pick(load, 67)).toEqual({ priority: 2, degraded: true });
  });

  it('PS-3 loads 0,0,100: zero-load priorities are skipped', () => {
    expect(pick({ healthy: [0, 0, 100], degraded: [0, 0, 0] }, 0)).toEqual({ priority: 2, degraded: false });
  });
});
