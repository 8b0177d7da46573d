import { NS_PER_S, type Rng } from '../../engine/index.ts';
import type { Scenario } from '../../scenario/index.ts';
import { nodeConntrackSizing } from './conntrack-sizing.ts';
import { ConntrackTables } from './conntrack-tables.ts';
import { synSchedule, type SynSchedule } from './syn-retransmit.ts';

/** The kernel's defaults in a pod netns: kube-proxy writes only the host netns's (conntrack.md §1.2-1.3). */
const POD_ESTABLISHED_NS = 432_000 * NS_PER_S;

/** Builds the cluster's conntrack tables and the nodes' SYN schedule from the scenario. */
export function buildNodeConntrack(scenario: Scenario, rng: Rng): { tables: ConntrackTables; schedule: SynSchedule } {
  const { node, conntrack: ct, nodes } = scenario.cluster;
  const sizing = nodeConntrackSizing(node.memoryGiB, node.cpus, ct.maxPerCore, ct.min, ct.maxPerCoreCap);
  const t = ct.timeouts;
  const tables = new ConntrackTables({
    nodes,
    maxEntries: ct.nfConntrackMax ?? sizing.max,
    buckets: ct.nfConntrackBuckets ?? sizing.buckets,
    hostTimeoutsNs: [t.synSent, t.established, t.timeWait, t.close],
    podTimeoutsNs: [120 * NS_PER_S, POD_ESTABLISHED_NS, 120 * NS_PER_S, 10 * NS_PER_S],
    wheelSlotNs: ct.wheelSlot,
    earlyDrop: ct.earlyDrop,
    gc: ct.gc,
    earlyDropRandom: (n) => rng.stream(`node/${n}/conntrack`),
  });
  return { tables, schedule: synSchedule(node.tcpSynRetries, node.tcpSynLinearTimeouts) };
}
