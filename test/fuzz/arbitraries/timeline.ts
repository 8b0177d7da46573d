/** `timeline:` (schema.ts TimelineEvent): scale, kill (by count or by pod name), rate changes, rollouts, degrade windows and route shifts. */
import fc from 'fast-check';
import { durationArb, rateArb } from './units.ts';

export function timelineArb(services: string[], openLoop: string[], durationNs: number, maxRatePerS: number, routes: Record<string, string[]> = {}): fc.Arbitrary<Record<string, unknown>[]> {
  const at = durationArb(durationNs).map((d) => d.text);
  const service = fc.constantFrom(...services);
  const actions: fc.Arbitrary<Record<string, unknown>>[] = [
    fc.record({ service, replicas: fc.integer({ min: 0, max: 5 }) }).map((scale) => ({ scale })),
    fc
      .record({ service, maxSurge: fc.constantFrom('25%', 1, 0), maxUnavailable: fc.constantFrom('25%', 1), minReadySeconds: fc.integer({ min: 0, max: 1 }) }, { requiredKeys: ['service'] })
      .map((rollout) => ({ rollout })),
    fc.record({ service, count: fc.integer({ min: 1, max: 3 }), replace: fc.boolean() }, { requiredKeys: ['service', 'count'] }).map((kill) => ({ kill })),
    fc.tuple(service, fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 2 })).map(([s, ids]) => ({ kill: { service: s, pods: ids.map((i) => `${s}-${i}`) } })),
    fc
      .record(
        { service, serviceTimeFactor: fc.constantFrom(1, 3, 10), errorRate: fc.constantFrom(0, 0.5, 1), for: durationArb(durationNs).map((d) => d.text) },
        { requiredKeys: ['service'] },
      )
      .map((degrade) => ({ degrade })),
  ];
  // Route shifts name some destinations; one of them keeps a weight above 0, so no sequence of shifts sums to 0.
  const routed = Object.keys(routes);
  if (routed.length > 0) {
    actions.push(
      fc
        .constantFrom(...routed)
        .chain((s) => fc.tuple(fc.constant(s), fc.subarray(routes[s]!, { minLength: 1 }), fc.constantFrom(0, 1, 50)))
        .map(([s, named, w]) => ({ route: { service: s, weights: Object.fromEntries(named.map((d, i) => [d, i === 0 ? w + 1 : w])) } })),
    );
  }
  if (openLoop.length > 0) actions.push(fc.record({ workload: fc.constantFrom(...openLoop), rate: rateArb(maxRatePerS).map((r) => r.text) }).map((rate) => ({ rate })));
  return fc.array(fc.tuple(at, fc.oneof(...actions)).map(([t, action]) => ({ at: t, ...action })), { maxLength: 4 });
}
