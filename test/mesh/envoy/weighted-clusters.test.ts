import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { pickWeightedCluster } from '../../../sim/mesh/envoy/weighted-clusters.ts';

describe("Envoy's weighted clusters (weighted_cluster_specifier.cc pickClusterIndex)", () => {
  it('the random value modulo the total weight falls in [w1 + ... + w(i-1), w1 + ... + wi)', () => {
    const weights = [90, 10];
    for (let v = 0; v < 90; v++) expect(pickWeightedCluster(weights, v)).toBe(0);
    for (let v = 90; v < 100; v++) expect(pickWeightedCluster(weights, v)).toBe(1);
    expect(pickWeightedCluster(weights, 100)).toBe(0);
    expect(pickWeightedCluster(weights, 199)).toBe(1);
    expect(pickWeightedCluster([30, 30, 40], 115)).toBe(0); // 115 % 100 = 15
    expect(pickWeightedCluster([30, 30, 40], 160)).toBe(2); // 60: the third interval starts at 60
  });

  it('a destination of weight 0 is never picked; weights summing to 0 pick nothing', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(50), { minLength: 1, maxLength: 8 }), fc.nat(0xffffffff), (weights, v) => {
        const i = pickWeightedCluster(weights, v);
        if (weights.every((w) => w === 0)) return i === -1;
        return i >= 0 && weights[i]! > 0;
      }),
    );
  });

  it('over one full cycle of random values each destination is picked exactly its weight times', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(20), { minLength: 1, maxLength: 6 }).filter((w) => w.some((x) => x > 0)), fc.nat(1000), (weights, offset) => {
        const total = weights.reduce((a, b) => a + b, 0);
        const picks = weights.map(() => 0);
        for (let v = offset; v < offset + total; v++) picks[pickWeightedCluster(weights, v)]!++;
        expect(picks).toEqual(weights);
      }),
    );
  });
});
