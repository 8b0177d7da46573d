/**
 * Durations and rates in scenarios are strings with units, so a value always says what it
 * means: `250ms`, `1m30s`, `2000/s`. They become integer nanoseconds and per-second rates here.
 */
import { NS_PER_MS, NS_PER_S, NS_PER_US } from '../engine/index.ts';

const DURATION_UNITS: Record<string, number> = {
  ns: 1,
  us: NS_PER_US,
  µs: NS_PER_US,
  ms: NS_PER_MS,
  s: NS_PER_S,
  m: 60 * NS_PER_S,
  h: 3600 * NS_PER_S,
};

/** One or more number+unit parts: `250ms`, `1.5s`, `1m30s`, `0s`. A bare `0` is also accepted. */
export const DURATION_PATTERN = '^(0|([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+)$';
const DURATION_RE = new RegExp(DURATION_PATTERN);
const DURATION_PART_RE = /([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g;

export const DURATION_HINT = 'must be a duration with a unit, like 250ms, 2s or 1m30s (units: ns, us, ms, s, m, h)';

/** Parses a duration to integer nanoseconds (rounded to the nearest ns), or undefined if malformed. */
export function parseDurationNs(text: string): number | undefined {
  const s = text.trim();
  if (!DURATION_RE.test(s)) return undefined;
  if (s === '0') return 0;
  let ns = 0;
  for (const m of s.matchAll(DURATION_PART_RE)) ns += Number(m[1]) * DURATION_UNITS[m[2]!]!;
  return Math.round(ns);
}

const RATE_UNITS: Record<string, number> = { ms: 1000, s: 1, sec: 1, m: 1 / 60, min: 1 / 60, h: 1 / 3600 };

/** A count per time unit: `2000/s`, `50/ms`, `120/min`, `0.5/s`. */
export const RATE_PATTERN = '^[0-9]+(\\.[0-9]+)?\\s*/\\s*(ms|s|sec|m|min|h)$';
const RATE_RE = /^([0-9]+(?:\.[0-9]+)?)\s*\/\s*(ms|s|sec|m|min|h)$/;

export const RATE_HINT = 'must be a rate like 2000/s, 50/ms or 120/min';

/** Parses a rate to events per second, or undefined if malformed. */
export function parseRatePerS(text: string): number | undefined {
  const m = RATE_RE.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * RATE_UNITS[m[2]!]!;
}
