import { NS_PER_S, type Rng } from '../../engine/index.ts';
import type { Scenario } from '../../scenario/index.ts';
import { nodeConntrackSizing } from './conntrack-sizing.ts';
import type { CtTimeoutsNs } from './conntrack-states.ts';
import { ConntrackTables } from './conntrack-tables.ts';
import { synSchedule, type SynSchedule } from './syn-retransmit.ts';

/**
 * A pod netns's TCP timeouts (SYN_SENT, ESTABLISHED, TIME_WAIT, CLOSE): the kernel's defaults,
 * since kube-proxy writes only the host netns's (conntrack.md §1.2-1.3; 5 days established).
 */
export const POD_NETNS_TIMEOUTS_NS: CtTimeoutsNs = [120 * NS_PER_S, 432_000 * NS_PER_S, 120 * NS_PER_S, 10 * NS_PER_S];

/** The scenario's host-netns timeouts (cluster.conntrack.timeouts), in the tables' state order. */
export function hostTimeoutsNs(t: Scenario['cluster']['conntrack']['timeouts']): CtTimeoutsNs {
  return [t.synSent, t.established, t.timeWait, t.close];
}

/** Builds the cluster's conntrack tables and the nodes' SYN schedule from the scenario. */
export function buildNodeConntrack(scenario: Scenario, rng: Rng): { tables: ConntrackTables; schedule: SynSchedule } {
  const { node, conntrack: ct, nodes } = scenario.cluster;
  const sizing = nodeConntrackSizing(node.memoryGiB, node.cpus, ct.maxPerCore, ct.min, ct.maxPerCoreCap);
  const tables = new ConntrackTables({
    nodes,
    maxEntries: ct.nfConntrackMax ?? sizing.max,
    buckets: ct.nfConntrackBuckets ?? sizing.buckets,
    hostTimeoutsNs: hostTimeoutsNs(ct.timeouts),
    podTimeoutsNs: POD_NETNS_TIMEOUTS_NS,
    wheelSlotNs: ct.wheelSlot,
    earlyDrop: ct.earlyDrop,
    gc: ct.gc,
    earlyDropRandom: (n) => rng.stream(`node/${n}/conntrack`),
  });
  return { tables, schedule: synSchedule(node.tcpSynRetries, node.tcpSynLinearTimeouts) };
}
