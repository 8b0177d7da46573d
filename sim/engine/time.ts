/**
 * Simulated time is an integer number of nanoseconds held in a JS number.
 * Integers are exact up to 2^53 ns (about 104 days), far beyond any scenario limit,
 * so equal times are real ties and the (time, seq) order settles them.
 */

export const NS_PER_US = 1_000;
export const NS_PER_MS = 1_000_000;
export const NS_PER_S = 1_000_000_000;

/** The largest time the engine accepts: 2^53 - 1 ns. */
export const MAX_TIME_NS = Number.MAX_SAFE_INTEGER;

export function msToNs(ms: number): number {
  return Math.round(ms * NS_PER_MS);
}

export function sToNs(s: number): number {
  return Math.round(s * NS_PER_S);
}

export function nsToMs(ns: number): number {
  return ns / NS_PER_MS;
}

export function nsToS(ns: number): number {
  return ns / NS_PER_S;
}

/** True when `t` is a non-negative integer the engine can represent exactly. */
export function isValidTimeNs(t: number): boolean {
  return Number.isSafeInteger(t) && t >= 0;
}

/** A compact human form: 250ns, 12.5us, 3ms, 1.25s, 2m30s, 24h, 1h30m. */
export function formatDurationNs(ns: number): string {
  if (ns < NS_PER_US) return `${ns}ns`;
  if (ns < NS_PER_MS) return `${trim(ns / NS_PER_US)}us`;
  if (ns < NS_PER_S) return `${trim(ns / NS_PER_MS)}ms`;
  if (ns < 60 * NS_PER_S) return `${trim(ns / NS_PER_S)}s`;
  const hourNs = 3600 * NS_PER_S;
  if (ns >= hourNs) {
    const h = Math.floor(ns / hourNs);
    const rest = ns - h * hourNs;
    return rest === 0 ? `${h}h` : `${h}h${formatDurationNs(rest)}`;
  }
  const totalS = ns / NS_PER_S;
  const m = Math.floor(totalS / 60);
  const s = totalS - m * 60;
  return s === 0 ? `${m}m` : `${m}m${trim(s)}s`;
}

function trim(x: number): string {
  return Number(x.toPrecision(4)).toString();
}
