/**
 * `metrics:` and `limits:` (schema.ts Metrics, Limits), at their edges: limits.maxEvents just above
 * the validator's estimate (a run may then stop at it, exit 3), tiny in-flight, memory and
 * access-log budgets, intervals from 1ms to the whole run. Keep every value within what the
 * validator accepts for every generated scenario: these are valid scenarios.
 */
import fc from 'fast-check';
import { durationArb } from './units.ts';

export function metricsArb(durationNs: number): fc.Arbitrary<Record<string, unknown>> {
  // At most about 1,000 intervals, so the time series stays within the smallest memory limit generated.
  const widths = [1_000_000, 10_000_000, 100_000_000, 250_000_000, 1_000_000_000, durationNs].filter((ns) => ns * 1000 >= durationNs);
  const interval = fc.constantFrom(...widths).chain((ns) => fc.constantFrom(`${ns / 1e6}ms`, `${ns}ns`));
  return fc.record({ interval, warmup: durationArb(durationNs - 1).map((d) => d.text) }, { requiredKeys: [] });
}

/**
 * `minEvents` is an upper bound of the validator's estimate (rate x time x hops x 6) over the
 * scenario and its variants; maxEvents is at it exactly or above it. `boundEvents` makes
 * maxEvents always present: closed-loop traffic has no rate, so without it a fast closed loop
 * runs towards the default 2e9 events (seconds to minutes, and up to a gigabyte of access log).
 * With it a fast one stops at the limit (exit 3), while the usual one still finishes: of 824
 * closed-loop scenarios sampled, all but 2 finished within 12,000 events (those 2: 1M and 3.6M).
 */
export function limitsArb(minEvents: number, boundEvents = false): fc.Arbitrary<Record<string, unknown>> {
  const floor = Math.max(1, Math.ceil(minEvents));
  return fc.record(
    {
      maxEvents: fc.oneof({ weight: 1, arbitrary: fc.constant(floor) }, { weight: 4, arbitrary: fc.integer({ min: Math.max(floor, 20_000), max: Math.max(floor, 200_000) }) }),
      maxInFlightRequests: fc.oneof({ weight: 1, arbitrary: fc.integer({ min: 1, max: 20 }) }, { weight: 3, arbitrary: fc.constant(100_000) }),
      // 8 MiB is above the largest fixed part a generated scenario has (about 4 MiB: 2,000
      // intervals x 8 series), so validation accepts it, but request slots can cross it as the run goes.
      maxMemoryMb: fc.constantFrom(8, 64, 2048),
      maxAccessLogMb: fc.constantFrom(1, 1024),
    },
    { requiredKeys: boundEvents ? ['maxEvents'] : [] },
  );
}
