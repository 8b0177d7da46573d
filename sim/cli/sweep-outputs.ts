/** What a sweep writes and prints: sweep.json, sweep.csv (the tidy table) and the terminal table. */
import { formatSetting } from '../scenario/index.ts';
import type { SweepPartial, SweepResult, SweepRow } from '../run/index.ts';
import { formatMs, formatPct, formatRate, plural, plusMinus, table } from './format.ts';
import { MESHSIM_VERSION } from './outputs.ts';

/** The file a shard writes into its --out directory. */
export function partialFileName(shard: { index: number; count: number }): string {
  return `shard-${shard.index}-of-${shard.count}.json`;
}

export const PARTIAL_FILE = /^shard-\d+-of-\d+\.json$/;

/**
 * sweep.json: the same bytes from an unsharded sweep and from merged shards (no file paths, no
 * wall time, nothing that depends on where or how it ran).
 */
export function sweepDocument(result: SweepResult): string {
  return JSON.stringify({
      meshsim: MESHSIM_VERSION,
      kind: 'meshsim-sweep',
      scenario: result.header.scenario,
      digest: result.digest,
      header: result.header,
      table: result.table,
      runs: result.runs,
    }, null, 2) + '\n';
}

/** A shard's partial result; `node` lets merge warn about shards run on different Node.js versions. */
export function partialDocument(partial: SweepPartial): string {
  return JSON.stringify({ meshsim: MESHSIM_VERSION, node: process.version, ...partial }) + '\n';
}

/** The tidy table: one row per grid point x variant x series x metric, a column per swept path. */
export function sweepCsv(result: SweepResult): string {
  const paths = result.header.axes.map((a) => a.path);
  const header = ['point', ...paths, 'variant', 'series', 'kind', 'metric', 'n', 'mean', 'ci95_low', 'ci95_high'];
  const lines = [header.map(csvCell).join(',')];
  for (const r of result.table) {
    const cells = [r.point, ...paths.map((p) => formatSetting(r.settings[p])), r.variant, r.series, r.kind, r.metric, r.n, num(r.mean), num(r.ci95Low), num(r.ci95High)];
    lines.push(cells.map((c) => csvCell(String(c))).join(','));
  }
  return lines.join('\n') + '\n';
}

function num(x: number | null): string {
  return x === null ? '' : String(x);
}

function csvCell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const RIGHT_FROM = 3; // first numeric column after the point's values, variant and series

/** The terminal view of the tidy table: a row per grid point x variant x series, metrics as columns. */
export function renderSweepTable(result: SweepResult, footer: string): string {
  const h = result.header;
  const paths = h.axes.map((a) => a.path);
  const seeds = h.seeds.length === 1 ? `seed ${h.seeds[0]}` : `${h.seeds.length} seeds (${h.seeds[0]}..${h.seeds[h.seeds.length - 1]}), mean ±95% CI`;
  const out = [`meshsim sweep · ${h.scenario} · ${h.points.length} grid point${h.points.length === 1 ? '' : 's'} x ${h.variants.length} variant${h.variants.length === 1 ? '' : 's'} · ${seeds}`];
  for (const kind of ['workload', 'service'] as const) {
    const rows: string[][] = [[...paths, 'variant', kind, 'req/s', 'success', 'p50', 'p99', 'p99.9']];
    const right = new Set(Array.from({ length: 5 }, (_, i) => paths.length + RIGHT_FROM - 1 + i));
    const groups = groupRows(result.table.filter((r) => r.kind === kind));
    for (const g of groups) {
      const m = (metric: SweepRow['metric']) => g.rows.find((r) => r.metric === metric)!;
      rows.push([
        ...paths.map((p) => formatSetting(g.first.settings[p])),
        g.first.variant,
        g.first.series,
        withCi(m('ratePerS'), formatRate),
        withCi(m('successRate'), (x) => formatPct(x)),
        withCi(m('p50Ms'), formatMs),
        withCi(m('p99Ms'), formatMs),
        withCi(m('p999Ms'), formatMs),
      ]);
    }
    out.push('', table(rows, right));
  }
  out.push('', footer);
  return out.join('\n');
}

function groupRows(rows: SweepRow[]): { first: SweepRow; rows: SweepRow[] }[] {
  const groups = new Map<string, { first: SweepRow; rows: SweepRow[] }>();
  for (const r of rows) {
    const key = `${r.point}\u0000${r.variant}\u0000${r.series}`;
    const g = groups.get(key);
    if (g) g.rows.push(r);
    else groups.set(key, { first: r, rows: [r] });
  }
  return [...groups.values()];
}

function withCi(r: SweepRow, fmt: (x: number) => string): string {
  if (r.mean === null) return '-';
  if (r.ci95Low === null || r.ci95High === null) return fmt(r.mean);
  return `${fmt(r.mean)} ${plusMinus(r.mean, (r.ci95High - r.ci95Low) / 2, fmt)}`;
}

export function runsLine(result: SweepResult, wallMs: number | undefined, workers: number | undefined): string {
  const h = result.header;
  const events = result.runs.reduce((a, r) => a + r.summary.events, 0);
  const where = workers === undefined ? '' : workers > 0 ? `, ${workers} worker thread${workers === 1 ? '' : 's'}` : ', in process';
  const wall = wallMs === undefined ? '' : ` · ${(wallMs / 1000).toFixed(2)}s wall${where}`;
  return `${plural(h.runs, 'run')} (${plural(h.points.length, 'point')} x ${plural(h.variants.length, 'variant')} x ${plural(h.seeds.length, 'seed')}) · ${plural(events, 'event')} · digest ${result.digest}${wall}`;
}
