/** Number formatting for terminal output. */
import type { ConnectionsResult } from '../mesh/connections.ts';
import type { Scenario } from '../scenario/index.ts';

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
  if (ms >= 1000) return `${trim(ms / 1000, 3)}s`;
  if (ms >= 100) return `${Math.round(ms)}ms`;
  if (ms >= 1) return `${trim(ms, 3)}ms`;
  return `${trim(ms * 1000, 3)}us`;
}

export function formatPct(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '-';
  return `${(x * 100).toFixed(digits)}%`;
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/**
 * `±HALF` of a 95% interval. Seeds that all give the same value leave a half-width of rounding
 * noise (about 1e-16 of the mean; it printed as `511ms ±1.14e-10us`): within 1e-9 of the mean is ±0.
 */
export function plusMinus(mean: number, halfWidth: number, fmt: (x: number) => string): string {
  return Math.abs(halfWidth) <= Math.abs(mean) * 1e-9 ? '±0' : `±${fmt(halfWidth)}`;
}

/**
 * The connect latency histogram as one line (conntrack.md §6.3): connects per SYN that got
 * through, by its send time after the first (atoms with none are left out, 0 s never), then
 * those Envoy's connect timeout closed and those the kernel gave up on.
 */
export function connectLatencyText(c: Pick<ConnectionsResult, 'connectLatency' | 'connectsAbandoned' | 'connectsTimedOut'>): string {
  const atoms = c.connectLatency.filter((bin, k) => k === 0 || bin.connects > 0).map((bin) => `${bin.atS} s ${formatCount(bin.connects)}`);
  return [...atoms, `connect timeout ${formatCount(c.connectsAbandoned)}`, `ETIMEDOUT ${formatCount(c.connectsTimedOut)}`].join(' · ');
}

/**
 * Pooled connections per caller -> upstream pair as one line (conntrack.md §6.3, the W·N·c of
 * §3.4): open at the end, and the most open at once.
 */
export function connectionPairsText(c: Pick<ConnectionsResult, 'pairs'>): string {
  if (c.pairs.length === 0) return 'none';
  return c.pairs.map((p) => `${p.caller} -> ${p.upstream} ${formatCount(p.openAtEnd)} (most ${formatCount(p.peakOpen)})`).join(' · ');
}

/** `1 run`, `2 runs`, `1,000 runs`. */
export function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** A valid scenario's size, as `meshsim validate` and the playground's ok line print it. */
export function scenarioSize(s: Pick<Scenario, 'services' | 'workload' | 'timeline' | 'variants'>): string {
  const pods = Object.values(s.services).reduce((a, x) => a + x.replicas, 0);
  return [
    plural(Object.keys(s.services).length, 'service'),
    plural(pods, 'pod'),
    plural(s.workload.length, 'workload'),
    plural(s.timeline.length, 'timeline event'),
    plural(s.variants.length, 'variant'),
  ].join(', ');
}

export function formatRate(perS: number): string {
  return perS >= 100 ? formatCount(perS) : trim(perS, 3);
}

function trim(x: number, significant: number): string {
  return Number(x.toPrecision(significant)).toString();
}

/** A relative change, e.g. "-92%" or "+3.1%"; "" when either side is missing. */
export function relativeDelta(base: number | null | undefined, value: number | null | undefined): string {
  if (base === null || base === undefined || value === null || value === undefined || base === 0) return '';
  const d = (value - base) / base;
  if (Math.abs(d) < 0.0005) return '=';
  return `${d > 0 ? '+' : ''}${(d * 100).toFixed(Math.abs(d) < 0.1 ? 1 : 0)}%`;
}

/** A difference in percentage points, e.g. "+28.3pp". */
export function pointsDelta(base: number | null | undefined, value: number | null | undefined): string {
  if (base === null || base === undefined || value === null || value === undefined) return '';
  const d = (value - base) * 100;
  if (Math.abs(d) < 0.005) return '=';
  return `${d > 0 ? '+' : ''}${d.toFixed(2)}pp`;
}

const BARS = '▁▂▃▄▅▆▇█';

/** A unicode sparkline of `values` between `lo` and `hi` (NaN shows as a space). */
export function sparkline(values: ArrayLike<number>, lo: number, hi: number): string {
  let out = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      out += ' ';
      continue;
    }
    const f = hi > lo ? (v - lo) / (hi - lo) : 0;
    out += BARS[Math.max(0, Math.min(BARS.length - 1, Math.round(f * (BARS.length - 1))))];
  }
  return out;
}

/** Pads cells into aligned columns; numeric-looking columns are right-aligned. */
export function table(rows: string[][], rightAligned: ReadonlySet<number>): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => {
          const pad = ' '.repeat(widths[i]! - [...cell].length);
          return rightAligned.has(i) ? pad + cell : cell + pad;
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
