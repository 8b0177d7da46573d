/**
 * Durations and rates as users write them (sim/scenario/units.ts): every unit, compound
 * durations, fractions, and the edges (0, 1ns). Each arbitrary yields the text and its value,
 * so other parts can keep a scenario consistent (a timeline action before the end of the run).
 */
import fc from 'fast-check';

/** Highest open-loop rate generated in a short run: it keeps every case's run to milliseconds. */
export const MAX_RATE_PER_S = 100;

/**
 * How long a generated run lasts and how fast its workloads send. Three in four cases are short
 * and dense (1 ms to 1 s at up to 100/s); one in four is long and sparse (10 s to 2 min at up to 2/s), about as
 * many events, but long enough for the timers a short run never reaches: SYN retransmits at
 * 1-63 s, Envoy's 10 s connect timeout, readiness probes every 10 s, outlier detection's
 * intervals, idle timeouts, conntrack's TIME_WAIT and SYN_SENT expiry, rollouts' steps.
 */
export interface Pace {
  minDurationNs: number;
  maxDurationNs: number;
  maxRatePerS: number;
  /** Longest closed-loop think time: a closed loop sends about as often as an open one at maxRatePerS. */
  maxThinkTimeNs: number;
}

export const SHORT_AND_DENSE: Pace = { minDurationNs: 1_000_000, maxDurationNs: 1_000_000_000, maxRatePerS: MAX_RATE_PER_S, maxThinkTimeNs: 50_000_000 };
export const LONG_AND_SPARSE: Pace = { minDurationNs: 10_000_000_000, maxDurationNs: 120_000_000_000, maxRatePerS: 2, maxThinkTimeNs: 2_500_000_000 };

export const paceArb: fc.Arbitrary<Pace> = fc.oneof({ weight: 3, arbitrary: fc.constant(SHORT_AND_DENSE) }, { weight: 1, arbitrary: fc.constant(LONG_AND_SPARSE) });

export interface Written<T> {
  text: string;
  value: T;
}

const NS_PER: Record<string, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** A duration of at most `maxNs`, written in one of the forms the parser accepts. */
export function durationArb(maxNs: number, minNs = 0): fc.Arbitrary<Written<number>> {
  return fc.integer({ min: minNs, max: maxNs }).chain((ns) => fc.constantFrom(...spellings(ns)).map((text) => ({ text, value: ns })));
}

/** Ways to write exactly `ns` nanoseconds: in each unit that divides it, and as a compound. */
function spellings(ns: number): string[] {
  if (ns === 0) return ['0s', '0', '0ms', '0ns'];
  const out = [`${ns}ns`];
  for (const unit of ['us', 'ms', 's', 'm', 'h']) if (ns % NS_PER[unit]! === 0) out.push(`${ns / NS_PER[unit]!}${unit}`);
  if (ns % 1e6 === 0 && ns >= 1e9 && ns % 1e9 !== 0) out.push(`${Math.floor(ns / 1e9)}s${(ns % 1e9) / 1e6}ms`);
  if (ns % 1e5 === 0 && ns < 1e9) out.push(`${ns / 1e6}ms`); // a fraction: 0.5ms
  return out;
}

/** A rate of at most `maxPerS`, as n/s, n/ms, n/min or a fraction. */
export function rateArb(maxPerS: number): fc.Arbitrary<Written<number>> {
  return fc.oneof(
    fc.integer({ min: 0, max: maxPerS }).map((n) => ({ text: `${n}/s`, value: n })),
    fc.integer({ min: 0, max: maxPerS * 60 }).map((n) => ({ text: `${n}/min`, value: n / 60 })),
    fc.integer({ min: 0, max: Math.floor(maxPerS / 1000) }).map((n) => ({ text: `${n}/ms`, value: n * 1000 })),
    fc.integer({ min: 1, max: 9 }).map((n) => ({ text: `0.${n}/s`, value: n / 10 })),
  );
}
