/** Distributions (schema.ts Distribution): a plain duration or one of the five named forms. */
import fc from 'fast-check';
import { durationArb } from './units.ts';

/** A distribution whose values stay at or under `maxNs`, as YAML-ready data. */
export function distributionArb(maxNs: number): fc.Arbitrary<unknown> {
  const d = durationArb(maxNs);
  return fc.oneof(
    d.map((x) => x.text),
    d.map((x) => ({ constant: x.text })),
    fc.tuple(d, d).map(([a, b]) => ({ uniform: { min: (a.value <= b.value ? a : b).text, max: (a.value <= b.value ? b : a).text } })),
    d.map((x) => ({ exponential: { mean: x.text } })),
    fc.tuple(durationArb(maxNs, 1), d).map(([m, p]) => ({ lognormal: { median: m.text, p99: (p.value >= m.value ? p : m).text } })),
    fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { maxLength: 3 }).chain((ps) =>
      fc.array(durationArb(maxNs), { minLength: ps.length + 2, maxLength: ps.length + 2 }).map((ds) => {
        const values = ds.map((x) => x).sort((a, b) => a.value - b.value);
        const keys = ['p0', ...ps.sort((a, b) => a - b).map((p) => `p${p}`), 'p100'];
        return { empirical: Object.fromEntries(keys.map((k, i) => [k, values[i]!.text])) };
      }),
    ),
  );
}
