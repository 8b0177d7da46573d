/** `expect:` (schema-lifecycle.ts Expectation): figures of the scenario's own services, bounds that hold together. */
import fc from 'fast-check';

export function expectArb(services: string[], durationNs: number, destinations: string[] = []): fc.Arbitrary<Record<string, unknown>[]> {
  const whole = fc.record(
    {
      metric: fc.tuple(fc.constantFrom(...services), fc.constantFrom('successRate', 'p99Ms', 'code.503', 'flag.UF', 'startupFailures', 'readyAtEnd')).map(([s, f]) => `${s}.${f}`),
      atLeast: fc.constant(0),
      atMost: fc.constantFrom(1, 1000),
      variant: fc.constant('base'),
      description: fc.string({ maxLength: 20 }),
    },
    { requiredKeys: ['metric', 'atLeast'] },
  );
  const halfS = Math.max(0.001, Math.floor(durationNs / 2e6) / 1000);
  const windowed = fc.record(
    {
      metric: fc.constantFrom(...services).map((s) => `${s}.successRate`),
      atLeast: fc.constant(0),
      from: fc.constant('0s'),
      to: fc.constant(`${halfS}s`),
    },
    { requiredKeys: ['metric', 'atLeast', 'from', 'to'] },
  );
  const shares = destinations.length === 0 ? [] : [fc.record({ metric: fc.constantFrom(...destinations).map((s) => `${s}.share`), atLeast: fc.constant(0), from: fc.constant('0s') }, { requiredKeys: ['metric', 'atLeast'] })];
  return fc.array(fc.oneof(whole, windowed, ...shares), { maxLength: 3 });
}
