/**
 * `variants:` (schema.ts Variant): overrides by dotted path that keep the scenario valid:
 * replicas, a load-balancer policy, a timeout, the seed, an open-loop rate, a route's weight.
 */
import fc from 'fast-check';
import { durationArb, rateArb } from './units.ts';

export function variantsArb(services: string[], openLoopIndexes: number[], maxRatePerS: number, routed: string[] = [], subsets: string[] = []): fc.Arbitrary<Record<string, unknown>> {
  const service = fc.constantFrom(...services);
  // A route's subset takes its route's timeout (semantics.ts): no timeout of its own.
  const timed = services.filter((s) => !subsets.includes(s));
  const override: fc.Arbitrary<[string, unknown]>[] = [
    fc.tuple(service, fc.integer({ min: 0, max: 4 })).map(([s, n]) => [`services.${s}.replicas`, n]),
    fc.tuple(service, fc.constantFrom('ROUND_ROBIN', 'RANDOM')).map(([s, p]) => [`services.${s}.trafficPolicy.loadBalancer.simple`, p]),
    fc.tuple(fc.constantFrom(...timed), durationArb(100_000_000)).map(([s, d]) => [`services.${s}.timeout`, d.text]),
    fc.integer({ min: 0, max: 1000 }).map((n) => ['seed', n]),
  ];
  // A first destination's weight of 1 or more keeps the route's sum above 0.
  if (routed.length > 0) override.push(fc.tuple(fc.constantFrom(...routed), fc.integer({ min: 1, max: 99 })).map(([s, w]) => [`services.${s}.route.0.weight`, w]));
  if (openLoopIndexes.length > 0) {
    override.push(fc.tuple(fc.constantFrom(...openLoopIndexes), fc.boolean(), rateArb(maxRatePerS)).map(([i, brackets, r]) => [brackets ? `workload[${i}].rate` : `workload.${i}.rate`, r.text]));
  }
  const variant = fc.record(
    { description: fc.string({ maxLength: 20 }), set: fc.array(fc.oneof(...override), { minLength: 1, maxLength: 2 }).map((kv) => Object.fromEntries(kv)) },
    { requiredKeys: ['set'] },
  );
  return fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), variant, { maxKeys: 2 });
}
