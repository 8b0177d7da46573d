import fc from 'fast-check';
import tychei from 'seedrandom/lib/tychei.js';
import { describe, expect, it } from 'vitest';
import { Rng, seedFor } from '../../sim/engine/index.ts';

const draws = (rng: Rng, name: string, n: number) => {
  const s = rng.stream(name);
  return Array.from({ length: n }, () => s.nextU32());
};

describe('random streams', () => {
  it('the same seed and name give the same draws', () => {
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 40 }), fc.string({ minLength: 1, maxLength: 30 }), (seed, name) => {
        expect(draws(new Rng(seed), name, 50)).toEqual(draws(new Rng(seed), name, 50));
      }),
    );
  });

  it('different seeds give different draws', () => {
    expect(draws(new Rng(1), 'x', 20)).not.toEqual(draws(new Rng(2), 'x', 20));
  });

  it("adding streams (before, between, after) never changes another stream's draws", () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(fc.string({ minLength: 1, maxLength: 12 }), { maxLength: 10 }), (seed, others) => {
        const alone = draws(new Rng(seed), 'pod/backend-3/lb', 40);
        const rng = new Rng(seed);
        const extra = others.map((o) => rng.stream(`x/${o}`));
        const target = rng.stream('pod/backend-3/lb');
        const mixed: number[] = [];
        for (let i = 0; i < 40; i++) {
          for (const e of extra) e.nextU32();
          mixed.push(target.nextU32());
        }
        expect(mixed).toEqual(alone);
      }),
    );
  });

  it('names differing in one character give unrelated streams', () => {
    const a = draws(new Rng(7), 'pod/backend-10/app', 1000);
    const b = draws(new Rng(7), 'pod/backend-11/app', 1000);
    const same = a.filter((x, i) => x === b[i]).length;
    expect(same).toBeLessThan(3);
  });

  it("is bit-identical to seedrandom's Tyche-i for the derived seed", () => {
    for (const [seed, name] of [
      [0, 'a'],
      [42, 'pod/frontend-0/lb'],
      [2 ** 45 + 3, 'workload/w0/arrivals'],
    ] as const) {
      const ours = new Rng(seed).stream(name);
      const ref = tychei(seedFor(seed, name));
      for (let i = 0; i < 10_000; i++) expect(ours.nextU32()).toBe(ref.int32() >>> 0);
    }
  });

  it('nextUnit is strictly inside (0, 1) and uniform', () => {
    const s = new Rng(3).stream('u');
    let sum = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const u = s.nextUnit();
      expect(u > 0 && u < 1).toBe(true);
      sum += u;
    }
    // Mean of U(0,1) has sd 1/sqrt(12 n) ~ 0.00065; 5 sd.
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.0033);
  });
});
