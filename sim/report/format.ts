/** Numbers as the report's tables show them (the terminal's conventions: 41.8ms, 71.67%, 1,658). */

export function ms(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  if (x >= 1000) return `${sig(x / 1000)}s`;
  if (x >= 100) return `${Math.round(x)}ms`;
  if (x >= 1) return `${sig(x)}ms`;
  return `${sig(x * 1000)}µs`;
}

export function pct(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return `${(x * 100).toFixed(2)}%`;
}

export function count(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return x >= 100 ? Math.round(x).toLocaleString('en-US') : sig(x);
}

function sig(x: number): string {
  return Number(x.toPrecision(3)).toString();
}

/** "71.67% ± 0.12%" from a mean and its interval. */
export function withCi(mean: number | null, ci: [number, number] | null, fmt: (x: number | null) => string): string {
  if (mean === null) return '–';
  return ci ? `${fmt(mean)} ± ${fmt((ci[1] - ci[0]) / 2)}` : fmt(mean);
}
