/** `timeline:` (schema.ts TimelineEvent): scale, kill (by count or by pod name), rate changes, rollouts and degrade windows. */
import fc from 'fast-check';
import { durationArb, rateArb } from './units.ts';

export function timelineArb(services: string[], openLoop: string[], durationNs: number, maxRatePerS: number): fc.Arbitrary<Record<string, unknown>[]> {
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
  if (openLoop.length > 0) actions.push(fc.record({ workload: fc.constantFrom(...openLoop), rate: rateArb(maxRatePerS).map((r) => r.text) }).map((rate) => ({ rate })));
  return fc.array(fc.tuple(at, fc.oneof(...actions)).map(([t, action]) => ({ at: t, ...action })), { maxLength: 4 });
}
