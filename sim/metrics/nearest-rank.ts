/**
 * The nearest-rank q-quantile of values sorted ascending: the smallest value with at least
 * q x n values at or below it (rank ceil(q n), at least 1). The run's exact percentiles all use
 * it; undefined for no values.
 */
export function nearestRank(sorted: ArrayLike<number>, q: number): number | undefined {
  const n = sorted.length;
  if (n === 0) return undefined;
  return sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))];
}
