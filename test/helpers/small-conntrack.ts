/**
 * A small mesh whose conntrack tables fill within 10 s: 2 nodes, nf_conntrack_max 150, and a
 * 200 ms idle timeout that churns connections into TIME_WAIT. Its variant raises the limit to
 * 100,000, far above the peaks, so charts must name it rather than draw it. Shared by the
 * report's and the playground's conntrack chart tests, which compare with `conntrack.csv`.
 */
export const SMALL_CONNTRACK_YAML = `name: small-conntrack
seed: 4
duration: 10s
metrics: { interval: 1s }
cluster: { nodes: 2, conntrack: { enabled: true, nfConntrackMax: 150 } }
services:
  front: { replicas: 4, calls: [{ service: back }] }
  back:
    replicas: 8
    app: { serviceTime: 5ms }
    trafficPolicy: { connectionPool: { http: { idleTimeout: 200ms } } }
workload: [{ to: front, rate: 200/s }]
variants:
  bigger-tables: { set: { cluster.conntrack.nfConntrackMax: 100000 } }
`;

/**
 * What the conntrack charts should show, read from a `conntrack.csv`: per variant, per interval
 * (by its start in whole seconds), the highest peak of any node and the drops summed over nodes.
 */
export function busiestNodeFromCsv(csv: string): Record<string, { busiestPeak: number[]; drops: number[] }> {
  const out: Record<string, { busiestPeak: number[]; drops: number[] }> = {};
  for (const line of csv.trim().split('\n').slice(1)) {
    const [variant, , kind, , startS, , peak, drops] = line.split(',');
    if (kind !== 'node') continue;
    const v = (out[variant!] ??= { busiestPeak: [], drops: [] });
    const i = Number(startS);
    v.busiestPeak[i] = Math.max(v.busiestPeak[i] ?? 0, Number(peak));
    v.drops[i] = (v.drops[i] ?? 0) + Number(drops);
  }
  return out;
}
