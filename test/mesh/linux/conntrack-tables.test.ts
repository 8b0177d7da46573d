import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NS_PER_S } from '../../../sim/engine/index.ts';
import { CT_CLOSE, CT_ESTABLISHED, CT_SYN_SENT, CT_TIME_WAIT } from '../../../sim/mesh/linux/conntrack-states.ts';
import { kernelConntrackDefaults, nodeConntrackSizing } from '../../../sim/mesh/linux/conntrack-sizing.ts';
import { tablesFor } from './tables-helper.ts';
import { runScenario } from '../../../sim/run/index.ts';
import { scenarioFrom } from '../../helpers/scenario.ts';

describe('nf_conntrack_max and buckets (conntrack.md §1.1-1.2)', () => {
  it('kernel >= 5.15 defaults by RAM', () => {
    expect(kernelConntrackDefaults(16)).toEqual({ max: 262_144, buckets: 262_144 });
    expect(kernelConntrackDefaults(2)).toEqual({ max: 65_536, buckets: 65_536 });
  });

  it("kube-proxy's max(32768 x cores, 131072) overrides it, lowering it at <= 4 vCPU", () => {
    expect([1, 4, 8, 16, 32].map((c) => nodeConntrackSizing(16, c, 32_768, 131_072).max)).toEqual([131_072, 131_072, 262_144, 524_288, 1_048_576]);
    expect(nodeConntrackSizing(16, 32, 32_768, 131_072).buckets).toBe(262_144);
    expect(nodeConntrackSizing(16, 4, 0, 0)).toEqual({ max: 262_144, buckets: 262_144 });
  });

  it("kube-proxy caps the scaled value at 1,048,576 before the floor (kubernetes#137002's own case: 512 cores)", () => {
    // TestGetConntrackMax_Capped: 32768 x 512 = 16,777,216 -> 1,048,576.
    expect(nodeConntrackSizing(16, 512, 32_768, 0).max).toBe(1_048_576);
    expect([32, 33, 64, 96].map((c) => nodeConntrackSizing(16, c, 32_768, 131_072).max)).toEqual([1_048_576, 1_048_576, 1_048_576, 1_048_576]);
    expect(nodeConntrackSizing(16, 64, 32_768, 131_072).buckets).toBe(262_144);
    // The cap is tested first: a floor above it is ignored once the scaled value passes it ...
    expect(nodeConntrackSizing(16, 64, 32_768, 4_000_000).max).toBe(1_048_576);
    // ... but still raises a scaled value below the cap.
    expect(nodeConntrackSizing(16, 4, 32_768, 4_000_000).max).toBe(4_000_000);
    // cap 0: a kube-proxy before the cap (kubernetes#72472's 96-core node: 3,145,728).
    expect(nodeConntrackSizing(16, 96, 32_768, 131_072, 0)).toEqual({ max: 3_145_728, buckets: 786_432 });
  });

  it('a scenario on 64-vCPU nodes gets the capped 1,048,576, and maxPerCoreCap: 0 the uncapped 2,097,152', () => {
    const yaml = (cap: string) => `
duration: 1s
cluster: { nodes: 1, node: { cpus: 64 }, conntrack: { enabled: true${cap} } }
services: { api: { replicas: 1 } }
workload: [{ to: api, rate: 10/s }]
`;
    const maxOf = (cap: string) => runScenario(scenarioFrom(yaml(cap))).summary.conntrack!.nfConntrackMax;
    expect(maxOf('')).toBe(1_048_576);
    expect(maxOf(', maxPerCoreCap: 0')).toBe(2_097_152);
  });
});

describe('a full table (conntrack.md §1.4)', () => {
  it('drops begin exactly at nf_conntrack_max', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 50 }), (max, extra) => {
        const t = tablesFor({ nodes: 1, maxEntries: max, earlyDrop: true });
        const admitted: boolean[] = [];
        for (let i = 0; i < max + extra; i++) {
          const ok = t.admitSyn(0);
          admitted.push(ok);
          if (ok) t.transition(0, CT_SYN_SENT, CT_ESTABLISHED); // held, assured: not evictable
        }
        expect(admitted.indexOf(false)).toBe(extra === 0 ? -1 : max);
        expect(t.count[0]).toBe(max);
        expect(t.drops[0]).toBe(extra);
      }),
    );
  });

  it('early_drop evicts only abandoned (non-assured) entries of the same netns', () => {
    const t = tablesFor({ nodes: 2, maxEntries: 10, buckets: 1, earlyDrop: true });
    for (let i = 0; i < 9; i++) {
      t.admitSyn(0);
      t.transition(0, CT_SYN_SENT, CT_ESTABLISHED);
    }
    t.admitSyn(0); // an abandoned SYN_SENT: evictable
    t.release(0, CT_SYN_SENT, CT_SYN_SENT, 0, 0);
    for (let i = 0; i < 10; i++) t.admitSyn(1); // node 1 has candidates of its own only
    // One bucket holds the whole node hash, so the scan surely finds the candidate.
    expect(t.admitSyn(0)).toBe(true);
    expect(t.earlyDrops[0]).toBe(1);
    expect(t.byState[0 * 4 + CT_SYN_SENT]).toBe(1); // the new entry
    expect(t.admitSyn(0)).toBe(false); // nothing evictable left
    expect(t.count[1]).toBe(10);
  });

  it('the GC worker evicts TIME_WAIT, CLOSE and abandoned entries once flagged at >= 95 %', () => {
    const t = tablesFor({ nodes: 1, maxEntries: 20, earlyDrop: false, gc: true });
    for (let i = 0; i < 20; i++) t.admitSyn(0);
    for (let i = 0; i < 5; i++) t.transition(0, CT_SYN_SENT, CT_ESTABLISHED);
    for (let i = 0; i < 5; i++) t.release(0, CT_ESTABLISHED, CT_TIME_WAIT, 0, 0);
    for (let i = 0; i < 5; i++) t.release(0, CT_SYN_SENT, CT_SYN_SENT, 0, 0);
    // 5 live SYN_SENT, 5 TIME_WAIT, 5 abandoned SYN_SENT, 5 more live SYN_SENT: 20
    t.tick(0);
    expect(t.count[0]).toBe(20); // not flagged yet: no drop happened
    expect(t.admitSyn(0)).toBe(false);
    t.tick(NS_PER_S);
    expect(t.count[0]).toBe(10);
    expect(t.gcEvictions[0]).toBe(10);
  });
});

describe('expiry by state (conntrack.md §1.3)', () => {
  const cases: [string, number, number][] = [
    ['SYN_SENT', CT_SYN_SENT, 120],
    ['TIME_WAIT', CT_TIME_WAIT, 120],
    ['CLOSE', CT_CLOSE, 10],
  ];
  for (const [name, state, timeoutS] of cases) {
    it(`${name} entries leave ${timeoutS} s after they began, within one wheel slot`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 50_000 }), fc.constantFrom(1, 0.25, 2), (sinceMs, slotS) => {
          const t = tablesFor({ nodes: 1, maxEntries: 100, slotS, earlyDrop: false });
          const sinceNs = sinceMs * 1e6;
          t.tick(sinceNs);
          t.admitSyn(0);
          if (state !== CT_SYN_SENT) t.transition(0, CT_SYN_SENT, CT_ESTABLISHED);
          t.release(0, state === CT_SYN_SENT ? CT_SYN_SENT : CT_ESTABLISHED, state, sinceNs, sinceNs);
          const dueNs = sinceNs + timeoutS * NS_PER_S;
          let goneAtNs = -1;
          for (let now = sinceNs; now <= dueNs + 3 * slotS * NS_PER_S; now += 0.05 * NS_PER_S) {
            t.tick(now);
            if (t.count[0] === 0) {
              goneAtNs = now;
              break;
            }
          }
          expect(goneAtNs).toBeGreaterThanOrEqual(dueNs - 1e-3);
          expect(goneAtNs).toBeLessThan(dueNs + slotS * NS_PER_S + 0.05 * NS_PER_S);
          expect(t.expired[0]).toBe(1);
        }),
        { numRuns: 40 },
      );
    });
  }
});
