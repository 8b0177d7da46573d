import type { RunResult } from '../run/index.ts';
import { connectionPairsText, connectLatencyText, formatCount, table } from './format.ts';

/**
 * One row per variant: nf_conntrack_max, SYN drops, the worst node, connections opened, closed and
 * open, pools drained; then each variant's connect latency histogram and its pooled connections
 * per caller -> upstream pair (summary.conntrack).
 */
export function conntrackLines(runs: RunResult[]): string[] {
  const withCt = runs.filter((r) => r.summary.conntrack !== null);
  if (withCt.length === 0) return [];
  const rows: string[][] = [['variant', 'nf_conntrack_max', 'SYNs dropped', 'worst node', 'its peak', 'its drops', 'connections opened', 'closed', 'open at end', 'connect failures', 'pools drained']];
  for (const r of withCt) {
    const c = r.summary.conntrack!;
    const failures = c.services.reduce((a, s) => a + s.connectFailures, 0);
    // upstream_cx_destroy over the upstream services.
    const destroyed = c.services.reduce((a, s) => a + s.destroyed, 0);
    rows.push([r.summary.variant, formatCount(c.nfConntrackMax), formatCount(c.drops), c.worstNode.node, formatCount(c.worstNode.peakEntries), formatCount(c.worstNode.drops), formatCount(c.connectionsOpened), formatCount(destroyed), formatCount(c.connectionsOpenAtEnd), formatCount(failures), formatCount(c.poolsDrained)]);
  }
  const latency = withCt.map((r) => `  ${r.summary.variant}: ${connectLatencyText(r.summary.conntrack!)}`);
  const pairs = withCt.map((r) => `  ${r.summary.variant}: ${connectionPairsText(r.summary.conntrack!)}`);
  return [
    'conntrack (host-netns tables per node; drops = "nf_conntrack: table full, dropping packet")',
    table(rows, new Set([1, 2, 4, 5, 6, 7, 8, 9, 10])),
    'connects by when a SYN got through (s after the first SYN), or how they ended',
    ...latency,
    'pooled connections by caller -> upstream, open at the end (the most open at once)',
    ...pairs,
  ];
}
