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

/** Per variant, per interval (by its start in whole seconds), from conntrack.csv's node rows. */
export interface CsvNodeFigures {
  /** The highest peak of any node. */
  busiestPeak: number[];
  /** Drops, summed over nodes. */
  drops: number[];
  /** Entries by state at the interval's end, summed over nodes, keyed as the conntrack tool names states. */
  byState: Record<'SYN_SENT' | 'ESTABLISHED' | 'TIME_WAIT' | 'CLOSE', number[]>;
}

/** What the conntrack charts should show, read from a `conntrack.csv` by its column names. */
export function busiestNodeFromCsv(csv: string): Record<string, CsvNodeFigures> {
  const [header, ...lines] = csv.trim().split('\n');
  const column = (name: string) => header!.split(',').indexOf(name);
  const states = { SYN_SENT: column('syn_sent'), ESTABLISHED: column('established'), TIME_WAIT: column('time_wait'), CLOSE: column('close') };
  const out: Record<string, CsvNodeFigures> = {};
  for (const line of lines) {
    const cells = line.split(',');
    if (cells[column('kind')] !== 'node') continue;
    const v = (out[cells[column('variant')]!] ??= { busiestPeak: [], drops: [], byState: { SYN_SENT: [], ESTABLISHED: [], TIME_WAIT: [], CLOSE: [] } });
    const i = Number(cells[column('interval_start_s')]);
    v.busiestPeak[i] = Math.max(v.busiestPeak[i] ?? 0, Number(cells[column('peak_entries')]));
    v.drops[i] = (v.drops[i] ?? 0) + Number(cells[column('drops')]);
    for (const [state, k] of Object.entries(states) as [keyof CsvNodeFigures['byState'], number][]) v.byState[state][i] = (v.byState[state][i] ?? 0) + Number(cells[k]);
  }
  return out;
}
