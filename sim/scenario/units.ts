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
 * Events per second as a rate that parses back to exactly the same number, in the unit that
 * needs the fewest significant digits for it, per second on a tie: `2000/s`, `50/min` (not
 * `0.8333333333333334/s`), `7/h`.
 */
export function formatRateText(perS: number): string {
  let best: { text: string; digits: number } | undefined;
  for (const unit of ['s', 'min', 'h', 'ms'] as const) {
    const text = shortestDecimal(perS / RATE_UNITS[unit]!, (t) => parseRatePerS(`${t}/${unit}`) === perS);
    if (text === undefined) continue;
    const digits = significantDigits(text);
    if (best === undefined || digits < best.digits) best = { text: `${text}/${unit}`, digits };
  }
  return best?.text ?? `${plainDigits(perS, 17)}/s`; // 17 significant digits read back exactly per second: not reached
}

/** Significant digits of a plain decimal: 2000 and 0.002 have one, 0.8333 four. */
function significantDigits(text: string): number {
  return text.replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length;
}

/**
 * The shortest plain decimal (digits, an optional fraction, never an exponent, which the format
 * does not take) near `x` that `readsBack` accepts, or undefined if none of 1-17 digits does.
 */
export function shortestDecimal(x: number, readsBack: (text: string) => boolean): string | undefined {
  if (!(x >= 0) || !Number.isFinite(x)) return undefined;
  for (let digits = 1; digits <= 17; digits++) {
    const text = plainDigits(x, digits);
    if (readsBack(text)) return text;
  }
  return undefined;
}

/** `x` rounded to `digits` significant digits, written out without an exponent. */
function plainDigits(x: number, digits: number): string {
  if (x === 0) return '0';
  const [mantissa, exponent] = x.toExponential(digits - 1).split('e') as [string, string];
  const e = Number(exponent);
  const all = mantissa.replace('.', '');
  const text = e >= 0 ? (all.length > e + 1 ? `${all.slice(0, e + 1)}.${all.slice(e + 1)}` : all + '0'.repeat(e + 1 - all.length)) : `0.${'0'.repeat(-e - 1)}${all}`;
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}
