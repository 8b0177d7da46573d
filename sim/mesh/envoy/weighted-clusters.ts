/**
 * Envoy's weighted clusters, as a VirtualService's weighted destinations become
 * (kubernetes-istio.md §6; weighted_cluster_specifier.cc pickClusterIndex): the random value
 * modulo the total weight falls in one destination's interval [w1 + ... + w(i-1), w1 + ... + wi),
 * so a destination of weight 0 is never picked. Returns the destination's index, or -1 when the
 * weights sum to 0 (Envoy refuses that config; validation does too).
 */
export function pickWeightedCluster(weights: ArrayLike<number>, randomValue: number): number {
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i]!;
  if (total === 0) return -1;
  const selected = randomValue % total;
  let end = 0;
  for (let i = 0; i < weights.length; i++) {
    end += weights[i]!;
    if (selected < end) return i;
  }
  return -1;
}
