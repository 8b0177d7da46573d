/**
 * EnvoyLoadBalancer against Envoy's own load balancer tests (envoy.md §1.5, §6, §10 Tables C and I).
 *
 * Envoy's tests mock `random()`; here a scripted RandomStream plays that role. Draw order
 * (envoy.md §6): ROUND_ROBIN and LEAST_REQUEST draw `seed_` once in the constructor
 * (EdfLoadBalancerBase, load_balancer_impl.cc:956); every pick then draws one value for the
 * priority (`hash % 100 + 1`) before any policy draw. RANDOM draws no seed.
 *
 * Host lists are built in Envoy's updateHostSet order (envoy.md §10.1): healthy first, then
 * degraded, then excluded, then plain unhealthy. Loads come from computePriorityLoad, as the
 * simulator builds them.
 */
import { describe, expect, it } from 'vitest';
import type { RandomStream } from '../../../sim/engine/index.ts';
import { EnvoyLoadBalancer, NO_HOST, type ClusterHosts, type LbPolicy, type PriorityHosts } from '../../../sim/mesh/envoy/load-balancer.ts';
import { computePriorityLoad, type PriorityLevel } from '../../../sim/mesh/envoy/priority-load.ts';

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** A fake `random()` returning the given values in order; it throws when they run out. */
class ScriptedRandom implements RandomStream {
  private readonly values: number[];
  constructor(values: number[]) {
    this.values = [...values];
  }
  /** Appends values, like a new EXPECT_CALL(random_, random()).WillOnce(...) chain. */
  push(...values: number[]): void {
    this.values.push(...values);
  }
  get remaining(): number {
    return this.values.length;
  }
  nextU32(): number {
    const v = this.values.shift();
    if (v === undefined) throw new Error('scripted random(): no values left');
    return v;
  }
  nextUnit(): number {
    throw new Error("the load balancer must use integer draws only (Envoy's random())");
  }
}

/** A fake `random()` that always returns v, like `WillRepeatedly(Return(v))`. */
const constantRandom = (v: number): RandomStream => ({
  nextU32: () => v,
  nextUnit: () => {
    throw new Error("the load balancer must use integer draws only (Envoy's random())");
  },
});

/**
 * One priority's host ids from `hosts/healthy[/degraded[/excluded]]` counts, ids starting at
 * `firstId`, in Envoy's updateHostSet order: healthy, degraded, excluded, then unhealthy.
 */
function priority(firstId: number, notation: string): { hosts: PriorityHosts; level: PriorityLevel } {
  const [hosts = 0, healthy = 0, degraded = 0, excluded = 0] = notation.split('/').map(Number);
  const ids = Array.from({ length: hosts }, (_, i) => firstId + i);
  return {
    hosts: { hosts: ids, healthy: ids.slice(0, healthy), degraded: ids.slice(healthy, healthy + degraded) },
    level: { hosts, healthy, degraded, excluded },
  };
}

interface ClusterOptions {
  threshold?: number;
  opf?: number;
}

/** A cluster whose priority p has host ids starting at 10·p (P0: 0.., P1: 10.., P2: 20..). */
function cluster(notations: string[], { threshold = 50, opf = 140 }: ClusterOptions = {}): ClusterHosts {
  const ps = notations.map((n, p) => priority(10 * p, n));
  return {
    priorities: ps.map((p) => p.hosts),
    load: computePriorityLoad(
      ps.map((p) => p.level),
      { overprovisioningFactor: opf, healthyPanicThreshold: threshold },
    ),
  };
}

/** A cluster from explicit host id lists for one priority, all hosts healthy. */
function healthyCluster(ids: number[]): ClusterHosts {
  return {
    priorities: [{ hosts: ids, healthy: ids, degraded: [] }],
    load: computePriorityLoad([{ hosts: ids.length, healthy: ids.length, degraded: 0, excluded: 0 }]),
  };
}

const noActive = new Map<number, number>();
const picks = (lb: EnvoyLoadBalancer, c: ClusterHosts, n: number) => Array.from({ length: n }, () => lb.chooseHost(c, noActive));

// ---------------------------------------------------------------------------------------------
// Table C: panic at host-selection level (round robin)
// File: test/extensions/load_balancing_policies/round_robin/round_robin_lb_test.cc
// ---------------------------------------------------------------------------------------------

describe('Table C: round robin and panic (envoy.md §10.4, §1.5)', () => {
  // random() returns 0 throughout, so seed_ = 0 as in Envoy's fixture, and every hash picks P0
  // when P0 has any load (h = 1).

  it('RR-1 MaxUnhealthyPanic :492-515: in panic round robin runs over all hosts, after recovery over healthy hosts; lb_healthy_panic == 3', () => {
    const lb = new EnvoyLoadBalancer({ policy: 'ROUND_ROBIN' }, constantRandom(0));
    // 6 hosts, 2 healthy: 33% < 50 -> panic.
    const panicking = cluster(['6/2']);
    expect(panicking.load.panic).toEqual([true]);
    const [h0, h1, h2] = panicking.priorities[0]!.hosts as number[];
    expect(picks(lb, panicking, 3)).toEqual([h0, h1, h2]); // hosts[0], hosts[1], hosts[2]
    // 4 of 6 healthy (66%): out of panic; the healthy source has its own index, at the seed.
    const recovered = cluster(['6/4']);
    expect(recovered.load.panic).toEqual([false]);
    const healthy = recovered.priorities[0]!.healthy;
    expect(picks(lb, recovered, 2)).toEqual([healthy[0], healthy[1]]);
    expect(lb.panicPicks).toBe(3);
  });

  it('RR-2 MaxUnhealthyPanicDisableOnPanic :518-542: fail_traffic_on_panic returns no host (UH); after recovery healthy picks; lb_healthy_panic == 1', () => {
    const lb = new EnvoyLoadBalancer({ policy: 'ROUND_ROBIN', failTrafficOnPanic: true }, constantRandom(0));
    expect(lb.chooseHost(cluster(['6/2']), noActive)).toBe(NO_HOST);
    const recovered = cluster(['6/4']);
    const healthy = recovered.priorities[0]!.healthy;
    expect(picks(lb, recovered, 2)).toEqual([healthy[0], healthy[1]]);
    expect(lb.panicPicks).toBe(1);
  });

  interface SinglePickRow {
    id: string;
    test: string;
    levels: string[];
    threshold?: number;
    load: { healthy: number[]; degraded: number[]; panic: boolean[] } | undefined;
    expected: number;
    /** The expected outcome in words, for the test name. */
    outcome: string;
    panicPicks: number | undefined;
  }
  const SINGLE_PICK_ROWS: SinglePickRow[] = [
    // 1 host, 0 healthy, threshold 0: no panic, HealthyHosts empty -> nullptr (UH).
    { id: 'RR-3', test: 'DisablePanicMode :545-556', levels: ['1/0'], threshold: 0, load: undefined, expected: NO_HOST, outcome: 'NO_HOST (UH), no panic', panicPicks: 0 },
    // Empty cluster -> nullptr.
    { id: 'RR-4', test: 'NoHosts :254-257', levels: ['0/0'], load: undefined, expected: NO_HOST, outcome: 'NO_HOST (UH)', panicPicks: undefined },
    // P0: 1 unhealthy (id 0); P1: 1 healthy (id 10). P0 health 0 -> load [0,100], normalised 100 -> no panic.
    {
      id: 'RR-5',
      test: 'BasicFailover :65-72',
      levels: ['1/0', '1/1'],
      load: { healthy: [0, 100], degraded: [0, 0], panic: [false, false] },
      expected: 10,
      outcome: 'the P1 healthy host',
      panicPicks: undefined,
    },
    // P0: 1 degraded (id 0); P1: empty -> the degraded P0 host.
    { id: 'RR-6', test: 'BasicDegradedHosts :75-83', levels: ['1/0/1', '0/0'], load: { healthy: [0, 0], degraded: [100, 0], panic: [false, false] }, expected: 0, outcome: 'the degraded P0 host', panicPicks: undefined },
    // P0: 1 degraded (id 0); P1: 1 healthy (id 10) -> healthy in a lower priority beats degraded in a higher one.
    { id: 'RR-7', test: 'BasicFailoverDegradedHosts :87-94', levels: ['1/0/1', '1/1'], load: { healthy: [0, 100], degraded: [0, 0], panic: [false, false] }, expected: 10, outcome: 'the P1 healthy host', panicPicks: undefined },
  ];

  it.each(SINGLE_PICK_ROWS)('$id $test: picks $outcome', (r) => {
    const c = cluster(r.levels, r.threshold === undefined ? {} : { threshold: r.threshold });
    if (r.load) expect(c.load).toMatchObject(r.load);
    const lb = new EnvoyLoadBalancer({ policy: 'ROUND_ROBIN' }, constantRandom(0));
    expect(lb.chooseHost(c, noActive)).toBe(r.expected);
    if (r.panicPicks !== undefined) expect(lb.panicPicks).toBe(r.panicPicks);
  });
});

// ---------------------------------------------------------------------------------------------
// Round robin seed and index (envoy.md §6)
// ---------------------------------------------------------------------------------------------

describe('round robin seed and index (envoy.md §6)', () => {
  it('RoundRobinLoadBalancerTest.Seed :306-319: random() always 1, 3 hosts -> h1, h2, h0, h1', () => {
    const c = healthyCluster([80, 81, 82]);
    const lb = new EnvoyLoadBalancer({ policy: 'ROUND_ROBIN' }, constantRandom(1));
    expect(picks(lb, c, 4)).toEqual([81, 82, 80, 81]);
  });

  it('the constructor draws seed_ exactly once for ROUND_ROBIN and LEAST_REQUEST, never for RANDOM; each pick draws once for the priority', () => {
    for (const policy of ['ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM'] as LbPolicy[]) {
      const random = new ScriptedRandom([7, 8, 9, 10]);
      const lb = new EnvoyLoadBalancer({ policy }, random);
      expect(random.remaining, policy).toBe(policy === 'RANDOM' ? 4 : 3);
      // One healthy host: round robin and random need only the priority draw; least request
      // also draws choice_count (2) samples.
      lb.chooseHost(healthyCluster([5]), noActive);
      expect(random.remaining, policy).toBe(policy === 'RANDOM' ? 3 : policy === 'ROUND_ROBIN' ? 2 : 0);
    }
  });

  it('the index persists across host-set changes (refreshHostSource uses rr_indexes_.insert, which never overwrites; envoy.md §6 says it restarts, the code wins)', () => {
    // round_robin_lb.h refreshHostSource(): `rr_indexes_.insert({source, seed_})`.
    // Seed 0: two picks leave the healthy-source index at 2.
    const lb = new EnvoyLoadBalancer({ policy: 'ROUND_ROBIN' }, constantRandom(0));
    expect(picks(lb, healthyCluster([10, 11, 12]), 2)).toEqual([10, 11]);
    // A new snapshot with a different host list continues at index 2 (restarting at the seed
    // would give 20).
    expect(picks(lb, healthyCluster([20, 21, 22, 23]), 3)).toEqual([22, 23, 20]);
  });

  it('RoundRobinLoadBalancerTest.Normal: picks continue across host additions (5 picks on 2 hosts, then 3 hosts -> healthy[2], [0], [1], [2]; then 4 hosts -> [1], [2], [3])', () => {
    // round_robin_lb_test.cc Normal (peeks omitted: they do not move the index).
    const lb = new EnvoyLoadBalancer({ policy: 'ROUND_ROBIN' }, constantRandom(0));
    expect(picks(lb, healthyCluster([80, 81]), 5)).toEqual([80, 81, 80, 81, 80]);
    expect(picks(lb, healthyCluster([80, 81, 82]), 4)).toEqual([82, 80, 81, 82]);
    expect(picks(lb, healthyCluster([80, 81, 82, 83]), 3)).toEqual([81, 82, 83]);
  });

  it('each host source (all hosts / healthy / degraded, per priority) keeps its own index, all starting at seed_', () => {
    const lb = new EnvoyLoadBalancer({ policy: 'ROUND_ROBIN' }, constantRandom(1)); // seed 1
    // P0 (ids 0..5) 6/2: panic, all-hosts source. Seed 1 -> hosts[1], hosts[2].
    expect(picks(lb, cluster(['6/2']), 2)).toEqual([1, 2]);
    // Same priority, now healthy source: starts at the seed, not at 3.
    expect(picks(lb, cluster(['6/4']), 2)).toEqual([1, 2]);
    // P0 all degraded (ids 0..2), degraded source: starts at the seed too.
    expect(picks(lb, cluster(['3/0/3']), 2)).toEqual([1, 2]);
  });
});

// ---------------------------------------------------------------------------------------------
// Table I: least request (file: test/extensions/load_balancing_policies/least_request/least_request_lb_test.cc)
// ---------------------------------------------------------------------------------------------

describe('Table I: least request P2C (envoy.md §10.10, §6)', () => {
  it('LR-1 Normal :72-87: random 0 (priority), 2, 3 picks the sample with strictly fewer active requests', () => {
    const random = new ScriptedRandom([0 /* seed_ */]);
    const lb = new EnvoyLoadBalancer({ policy: 'LEAST_REQUEST' }, random);
    const c = healthyCluster([0, 1]);

    random.push(0, 2, 3); // samples 2 % 2 = host0, 3 % 2 = host1
    expect(lb.chooseHost(c, new Map([[0, 1], [1, 2]]))).toBe(0);
    expect(random.remaining).toBe(0);

    random.push(0, 2, 3);
    expect(lb.chooseHost(c, new Map([[0, 2], [1, 1]]))).toBe(1);
    expect(random.remaining).toBe(0);
  });

  describe('LR-2 PNC :89-134 (4 hosts, rq_active {4, 3, 2, 1})', () => {
    const c = healthyCluster([0, 1, 2, 3]);
    const active = new Map([
      [0, 4],
      [1, 3],
      [2, 2],
      [3, 1],
    ]);

    it.each([
      { label: 'choice_count unset (P2C)', choiceCount: undefined },
      { label: 'choice_count 2', choiceCount: 2 },
    ])('$label, all randoms 0 -> host0 (sampled twice; ties keep the first)', ({ choiceCount }) => {
      const random = new ScriptedRandom([0 /* seed_ */, 0, 0, 0]);
      const lb = new EnvoyLoadBalancer({ policy: 'LEAST_REQUEST', ...(choiceCount ? { choiceCount } : {}) }, random);
      expect(lb.chooseHost(c, active)).toBe(0);
      expect(random.remaining).toBe(0); // 1 priority draw + 2 samples
    });

    // Same Envoy test, beyond envoy.md's LR-2 row text: P5C.
    it('choice_count 5: all randoms 0 -> host0 after 6 draws; random 0, 3, 0, 3, 2, 1 -> host3', () => {
      const random = new ScriptedRandom([0 /* seed_ */, 0, 0, 0, 0, 0, 0]);
      const lb = new EnvoyLoadBalancer({ policy: 'LEAST_REQUEST', choiceCount: 5 }, random);
      expect(lb.chooseHost(c, active)).toBe(0);
      expect(random.remaining).toBe(0);
      random.push(0, 3, 0, 3, 2, 1);
      expect(lb.chooseHost(c, active)).toBe(3);
      expect(random.remaining).toBe(0);
    });
  });

  it('ties keep the earlier sample: a later sample must have strictly fewer active requests (derived, §6 least_request_lb.cc:119-140)', () => {
    const random = new ScriptedRandom([0 /* seed_ */, 0, 0, 1]); // samples host0, then host1
    const lb = new EnvoyLoadBalancer({ policy: 'LEAST_REQUEST' }, random);
    expect(lb.chooseHost(healthyCluster([0, 1]), new Map([[0, 1], [1, 1]]))).toBe(0);
  });

  it('a host absent from the active-request gauge counts as 0 (derived)', () => {
    const random = new ScriptedRandom([0, 0, 0, 1]);
    const lb = new EnvoyLoadBalancer({ policy: 'LEAST_REQUEST' }, random);
    expect(lb.chooseHost(healthyCluster([0, 1]), new Map([[0, 1]]))).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
// RANDOM (envoy.md §6, random_lb.cc:17-30)
// ---------------------------------------------------------------------------------------------

describe('RANDOM: one random() value drives both the priority and the host (envoy.md §6)', () => {
  it('hosts[hash % n] of the priority chosen by the same hash', () => {
    // P0 ids 0..4 (healthy 0,1,2), P1 ids 10..14 (healthy 10,11,12): health 140·3/5 = 84 each -> loads 84,16.
    const c = cluster(['5/3', '5/3']);
    expect(c.load.healthy).toEqual([84, 16]);
    const random = new ScriptedRandom([83, 84, 199, 100]);
    const lb = new EnvoyLoadBalancer({ policy: 'RANDOM' }, random);
    expect(picks(lb, c, 4)).toEqual([
      2, // 83: h = 84 -> P0; 83 % 3 = 2
      10, // 84: h = 85 -> P1; 84 % 3 = 0
      11, // 199: h = 100 -> P1; 199 % 3 = 1
      1, // 100: h = 1 -> P0; 100 % 3 = 1
    ]);
    expect(random.remaining).toBe(0); // exactly one draw per pick, no seed
  });

  it('in panic it indexes all hosts with the same hash', () => {
    const c = cluster(['6/2']); // panic, P0 = 100
    const lb = new EnvoyLoadBalancer({ policy: 'RANDOM' }, new ScriptedRandom([5, 13]));
    expect(picks(lb, c, 2)).toEqual([5, 1]);
    expect(lb.panicPicks).toBe(2);
  });
});

// ---------------------------------------------------------------------------------------------
// Zero hosts -> NO_HOST (UH), every policy (envoy.md §1.5 "Zero hosts")
// ---------------------------------------------------------------------------------------------

describe('zero hosts answer NO_HOST (UH) for every policy (envoy.md §1.5, D4, D5, RR-3, RR-4)', () => {
  const cases = [
    { id: 'D4/RR-3', what: 'threshold 0, 1 host, 0 healthy', levels: ['1/0'], threshold: 0 },
    { id: 'D5', what: 'two empty priorities (total panic, P0 = 100)', levels: ['0/0', '0/0'], threshold: 50 },
    { id: 'RR-4', what: 'empty cluster', levels: ['0/0'], threshold: 50 },
  ];
  const policies: LbPolicy[] = ['ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM'];
  it.each(cases.flatMap((c) => policies.map((policy) => ({ ...c, policy }))))('$id $what, $policy', ({ levels, threshold, policy }) => {
    const lb = new EnvoyLoadBalancer({ policy }, constantRandom(0));
    expect(lb.chooseHost(cluster(levels, { threshold }), noActive)).toBe(NO_HOST);
  });

  it('D4: threshold 0 is not panic, so lb_healthy_panic stays 0', () => {
    const lb = new EnvoyLoadBalancer({ policy: 'ROUND_ROBIN' }, constantRandom(0));
    lb.chooseHost(cluster(['1/0'], { threshold: 0 }), noActive);
    expect(lb.panicPicks).toBe(0);
  });
});
