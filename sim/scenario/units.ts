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

const UNITS_LARGEST_FIRST: [string, number][] = [
  ['h', DURATION_UNITS.h!],
  ['m', DURATION_UNITS.m!],
  ['s', DURATION_UNITS.s!],
  ['ms', DURATION_UNITS.ms!],
  ['us', DURATION_UNITS.us!],
];

/**
 * Integer nanoseconds as a duration that parses back to them exactly: in the largest unit that
 * holds them (90s, 1500ms, 2m, 7ns, 0s); past 2^53 ns (104 days), as an exact integer of ns.
 */
export function formatDurationText(ns: number): string {
  if (ns === 0) return '0s';
  if (!Number.isSafeInteger(ns)) return `${BigInt(ns)}ns`;
  for (const [unit, size] of UNITS_LARGEST_FIRST) if (ns % size === 0) return `${ns / size}${unit}`;
  return `${ns}ns`;
}

/**
 * Events per second as a rate that parses back to the same number: per second as JavaScript
 * writes the number (its shortest form that reads back exactly), else per minute, hour or
 * millisecond, else the nearest 20-decimal rate. Only the last is inexact, and only for a rate
 * below about 1e-6/s that none of the four units writes exactly.
 */
export function formatRateText(perS: number): string {
  for (const unit of ['s', 'min', 'h', 'ms'] as const) {
    const text = plainDecimal(perS / RATE_UNITS[unit]!);
    if (text !== undefined && parseRatePerS(`${text}/${unit}`) === perS) return `${text}/${unit}`;
  }
  return `${perS.toFixed(20)}/s`;
}

/** `x` as digits with an optional fraction (no exponent), if that reads back to `x` exactly. */
export function plainDecimal(x: number): string | undefined {
  if (!(x >= 0) || !Number.isFinite(x)) return undefined;
  const shortest = String(x);
  if (/^[0-9]+(\.[0-9]+)?$/.test(shortest)) return shortest;
  if (x >= 1e21) return Number.isInteger(x) ? BigInt(x).toString() : undefined;
  const fixed = x.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
  return Number(fixed) === x ? fixed : undefined;
}
