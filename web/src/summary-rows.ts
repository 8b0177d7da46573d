/**
 * The summary table's rows: per series, one row per variant, the same figures and the same
 * formatting as the CLI's table (`meshsim run`), deltas against the base included. The columns
 * are data: a figure a later result adds is one more entry here.
 */
import { connectLatencyText, formatCount, formatMs, formatPct, formatRate, pointsDelta, relativeDelta, type DurationStats, type RunSummary, type SeriesSummary } from 'meshsim/browser';

export interface Cell {
  text: string;
  /** The difference from the base variant, as the CLI prints it ("+28.33pp", "-27%"). */
  delta?: string;
  /** Machine-readable value for hover and tests. */
  exact?: number | null;
}

export interface SummaryColumn {
  key: string;
  header: string;
  numeric: boolean;
  cell: (s: SeriesSummary, base: SeriesSummary | undefined) => Cell;
}

const latency = (key: string, header: string, get: (s: SeriesSummary) => number | null): SummaryColumn => ({
  key,
  header,
  numeric: true,
  cell: (s, base) => ({ text: formatMs(get(s)), exact: get(s), ...(base && { delta: relativeDelta(get(base), get(s)) }) }),
});

export const SUMMARY_COLUMNS: SummaryColumn[] = [
  { key: 'rate', header: 'req/s', numeric: true, cell: (s) => ({ text: formatRate(s.ratePerS), exact: s.ratePerS }) },
  {
    key: 'success',
    header: 'success',
    numeric: true,
    cell: (s, base) => ({ text: formatPct(s.successRate), exact: s.successRate, ...(base && { delta: pointsDelta(base.successRate, s.successRate) }) }),
  },
  latency('p50', 'p50', (s) => s.latency.p50Ms),
  latency('p90', 'p90', (s) => s.latency.p90Ms),
  latency('p99', 'p99', (s) => s.latency.p99Ms),
  latency('p999', 'p99.9', (s) => s.latency.p999Ms),
  { key: 'errors', header: 'errors (code=count | flag=count)', numeric: false, cell: (s) => ({ text: errorsText(s.codes, s.flags) }) },
];

/** "500=28,181 | UT=28,181", exactly as the CLI prints it. */
export function errorsText(codes: Record<string, number>, flags: Record<string, number>): string {
  const parts = Object.entries(codes)
    .filter(([c]) => !(Number(c) >= 200 && Number(c) < 300))
    .map(([c, n]) => `${c}=${formatCount(n)}`);
  const fl = Object.entries(flags).map(([f, n]) => `${f}=${formatCount(n)}`);
  if (parts.length === 0 && fl.length === 0) return '-';
  return fl.length ? `${parts.join(' ')} | ${fl.join(' ')}` : parts.join(' ');
}

export interface SummaryRow {
  series: string;
  kind: 'services' | 'workloads';
  variant: string;
  first: boolean;
  cells: Cell[];
}

/** Rows for one kind of series, over runs of one seed (base first). */
export function summaryRows(runs: readonly RunSummary[], kind: 'services' | 'workloads'): SummaryRow[] {
  const base = runs[0];
  if (!base) return [];
  return base[kind].flatMap((series, i) =>
    runs.map((run, v) => {
      const s = run[kind][i]!;
      return { series: series.name, kind, variant: run.variant, first: v === 0, cells: SUMMARY_COLUMNS.map((c) => c.cell(s, v > 0 ? series : undefined)) };
    }),
  );
}

/** A cell as the CLI's table shows it: "100.00% (+28.33pp)". */
export function cellText(c: Cell): string {
  return c.delta ? `${c.text} (${c.delta})` : c.text;
}

export interface RunFact {
  label: string;
  value: string;
}

const stats = (d: DurationStats) => (d.count === 0 ? '-' : `p50 ${formatMs(d.p50Ms)} · p99 ${formatMs(d.p99Ms)} · max ${formatMs(d.maxMs)} (${formatCount(d.count)})`);

/**
 * How each run-level field of a summary is shown, in order. A field listed with `undefined`
 * is shown elsewhere (the table, the charts); a field not listed at all, which a later result
 * may add, is shown as JSON, so nothing is hidden.
 */
const FACTS: Record<string, ((run: RunSummary) => RunFact[]) | undefined> = {
  events: (r) => [{ label: 'events', value: formatCount(r.events) }],
  podsCreated: (r) => [{ label: 'pods created', value: formatCount(r.podsCreated) }],
  memoryEstimateMb: (r) => [{ label: 'memory estimate', value: `${r.memoryEstimateMb} MB` }],
  readyAtEnd: (r) => [{ label: 'ready at end', value: Object.entries(r.readyAtEnd).map(([k, v]) => `${k} ${v}`).join(', ') }],
  controlPlane: (r) =>
    r.controlPlane
      ? [
          { label: 'istiod pushes', value: formatCount(r.controlPlane.pushes) },
          { label: 'proxy convergence', value: stats(r.controlPlane.convergence) },
          { label: "push's last proxy", value: stats(r.controlPlane.lastProxy) },
          { label: 'first config', value: stats(r.controlPlane.initialConfig) },
        ]
      : [],
  rollouts: (r) => {
    const done = Object.entries(r.rollouts ?? {}).filter(([, t]) => t.length > 0);
    return done.length ? [{ label: 'rollouts took', value: done.map(([k, t]) => `${k} ${t.map((x) => `${x}s`).join(', ')}`).join('; ') }] : [];
  },
  health: (r) =>
    Object.entries(r.health ?? {}).map(([name, h]) => ({
      label: `${name} host health`,
      value: `panic picks ${h.panicShare === null ? '-' : `${(h.panicShare * 100).toFixed(2)}%`} · healthy hosts min ${h.healthyHostsMin ?? '-'} · undead max ${formatCount(h.undeadHostsMax)} · HC checks ${formatCount(h.hcChecks)} (${formatCount(h.hcFailures)} failed) · ejections ${formatCount(h.ejections)}`,
    })),
  proxyConfigs: (r) => (r.proxyConfigs?.length ? [{ label: 'proxy-config at', value: r.proxyConfigs.map((p) => `${p.service}/${p.pod}@${p.atNs / 1e9}s`).join(', ') }] : []),
  amplificationByDepth: (r) => {
    const depths = (r.amplificationByDepth ?? []).filter((d) => d.amplification !== null);
    return depths.some((d) => d.amplification !== 1)
      ? [{ label: 'retry amplification by depth', value: depths.map((d) => `${d.depth}: ${d.amplification!.toFixed(2)}x`).join(' · ') }]
      : [];
  },
  conntrack: (r) =>
    r.conntrack
      ? [
          { label: 'nf_conntrack_max', value: formatCount(r.conntrack.nfConntrackMax) },
          { label: 'SYNs dropped (table full)', value: formatCount(r.conntrack.drops) },
          { label: 'worst node', value: `${r.conntrack.worstNode.node}: peak ${formatCount(r.conntrack.worstNode.peakEntries)}, ${formatCount(r.conntrack.worstNode.drops)} drops` },
          { label: 'connections opened', value: formatCount(r.conntrack.connectionsOpened) },
          { label: 'connects by SYN that got through', value: connectLatencyText(r.conntrack) },
        ]
      : [],
  proxyStatus: (r) => (r.proxyStatus?.length ? [{ label: 'proxy-status at', value: r.proxyStatus.map((p) => `${p.atS}s`).join(', ') }] : []),
  digest: (r) => [{ label: 'result digest', value: r.digest }],
  eventDigest: (r) => [{ label: 'event digest', value: r.eventDigest }],
  scenario: undefined,
  variant: undefined,
  seed: undefined,
  durationS: undefined,
  warmupS: undefined,
  services: undefined,
  workloads: undefined,
  timeline: undefined,
};

/** Top-level fields of a summary that FACTS does not know (shown as JSON). */
export function unformattedFields(run: RunSummary): string[] {
  return Object.keys(run).filter((k) => !(k in FACTS));
}

/** Run-level figures under the table, from FACTS; unknown fields as JSON. */
export function runFacts(run: RunSummary): RunFact[] {
  const known = Object.values(FACTS).flatMap((f) => (f ? f(run) : []));
  const extra = unformattedFields(run).map((k) => {
    const v = (run as unknown as Record<string, unknown>)[k];
    return { label: k, value: typeof v === 'string' || typeof v === 'number' ? String(v) : JSON.stringify(v) };
  });
  return [...known, ...extra];
}
