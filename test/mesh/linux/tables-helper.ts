import { NS_PER_S, Rng } from '../../../sim/engine/index.ts';
import { ConntrackTables } from '../../../sim/mesh/linux/conntrack-tables.ts';

/** Tables with kube-proxy's host timeouts and kernel pod timeouts (conntrack.md §1.3). */
export function tablesFor(o: { nodes: number; maxEntries: number; buckets?: number; earlyDrop?: boolean; gc?: boolean; slotS?: number }): ConntrackTables {
  const rng = new Rng(1);
  return new ConntrackTables({
    nodes: o.nodes,
    maxEntries: o.maxEntries,
    buckets: o.buckets ?? o.maxEntries,
    hostTimeoutsNs: [120 * NS_PER_S, 86_400 * NS_PER_S, 120 * NS_PER_S, 10 * NS_PER_S],
    podTimeoutsNs: [120 * NS_PER_S, 432_000 * NS_PER_S, 120 * NS_PER_S, 10 * NS_PER_S],
    wheelSlotNs: (o.slotS ?? 1) * NS_PER_S,
    earlyDrop: o.earlyDrop ?? true,
    gc: o.gc ?? false,
    earlyDropRandom: (n) => rng.stream(`node/${n}/conntrack`),
  });
}
