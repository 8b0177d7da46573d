/**
 * The HTML report of a sweep: what was swept, the table (grid point x variant x series, mean and
 * 95% CI, each cell carrying its exact value), and per series a chart of each metric against the
 * first swept path, one line per variant (and per combination of the other paths) with CI bands.
 */
import { formatSetting } from '../scenario/index.ts';
import type { SweepResult, SweepRow } from '../run/index.ts';
import { count, ms, pct, withCi } from './format.ts';
import { escapeHtml, page, valueCell, type ReportAssets } from './html.ts';
import { REPORT_CSS } from './styles.ts';

const COLUMNS: { metric: SweepRow['metric']; label: string; fmt: (x: number | null) => string }[] = [
  { metric: 'ratePerS', label: 'req/s', fmt: count },
  { metric: 'successRate', label: 'success', fmt: pct },
  { metric: 'p50Ms', label: 'p50', fmt: ms },
  { metric: 'p99Ms', label: 'p99', fmt: ms },
  { metric: 'p999Ms', label: 'p99.9', fmt: ms },
];

export function renderSweepReport(result: SweepResult, version: string, assets: ReportAssets): string {
  const h = result.header;
  const seeds = h.seeds.length === 1 ? `seed ${h.seeds[0]}` : `${h.seeds.length} seeds (${h.seeds[0]}–${h.seeds[h.seeds.length - 1]}), mean ± 95% CI`;
  const grid = h.axes.length
    ? `<ul>${h.axes.map((a) => `<li><code>${escapeHtml(a.path)}</code>: ${a.values.map((v) => escapeHtml(formatSetting(v))).join(', ')}</li>`).join('')}</ul>`
    : '<p class="note">No swept paths: one grid point.</p>';
  const body = [
    '<header>',
    `<h1>${escapeHtml(h.scenario)} · sweep</h1>`,
    `<p class="meta">${h.points.length} grid point${h.points.length === 1 ? '' : 's'} × ${h.variants.length} variant${h.variants.length === 1 ? '' : 's'} (${h.variants.map(escapeHtml).join(', ')}) × ${escapeHtml(seeds)} = ${h.runs} runs</p>`,
    '</header>',
    '<h2>Grid</h2>',
    grid,
    '<h2>Against the swept parameter</h2>',
    `<p class="note">x: ${h.axes[0] ? `<code>${escapeHtml(h.axes[0].path)}</code>` : 'the one point'}; lines: variants${h.axes.length > 1 ? ' × the other swept paths' : ''}; shaded: 95% confidence interval of the mean over the seeds. Hover a chart for values.</p>`,
    '<div id="legend" class="legend"></div>',
    '<div id="charts"></div>',
    '<h2>Table</h2>',
    ...(['workload', 'service'] as const).map((kind) => sweepTable(result, kind)),
    `<footer>meshsim ${escapeHtml(version)} · sweep digest ${result.digest} · fingerprint ${h.fingerprint}</footer>`,
  ].join('\n');
  return page(`meshsim · ${h.scenario} · sweep`, REPORT_CSS, body, sweepChartData(result), assets);
}

function sweepChartData(result: SweepResult): object {
  const h = result.header;
  const series: { name: string; kind: string }[] = [];
  for (const r of result.table) if (!series.some((s) => s.name === r.series && s.kind === r.kind)) series.push({ name: r.series, kind: r.kind });
  return {
    kind: 'sweep',
    axes: h.axes.map((a) => ({ path: a.path, labels: a.values.map(formatSetting) })),
    points: h.points.map((p) => ({ index: p.index, labels: Object.fromEntries(Object.entries(p.settings).map(([k, v]) => [k, formatSetting(v)])) })),
    variants: h.variants,
    series,
    rows: result.table.filter((r) => r.metric !== 'requests' && r.metric !== 'meanMs' && r.metric !== 'p90Ms' && r.metric !== 'p999Ms'),
  };
}

function sweepTable(result: SweepResult, kind: 'workload' | 'service'): string {
  const paths = result.header.axes.map((a) => a.path);
  const head = [...paths.map((p) => `<th>${escapeHtml(p)}</th>`), '<th>variant</th>', `<th>${kind}</th>`, ...COLUMNS.map((c) => `<th class="num">${c.label}</th>`)];
  const groups = new Map<string, SweepRow[]>();
  for (const r of result.table) {
    if (r.kind !== kind) continue;
    const key = `${r.point}\u0000${r.variant}\u0000${r.series}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  let lastPoint = -1;
  const rows = [...groups.values()].map((g) => {
    const r0 = g[0]!;
    const attrs = { point: r0.point, variant: r0.variant, series: r0.series };
    const cells = COLUMNS.map((c) => {
      const r = g.find((x) => x.metric === c.metric)!;
      const ci: [number, number] | null = r.ci95Low !== null && r.ci95High !== null ? [r.ci95Low, r.ci95High] : null;
      return valueCell(withCi(r.mean, ci, c.fmt), { ...attrs, metric: c.metric, value: r.mean, ci: ci ? ci.join(',') : null });
    });
    const first = r0.point !== lastPoint;
    lastPoint = r0.point;
    const settings = paths.map((p) => `<td>${first ? escapeHtml(formatSetting(r0.settings[p])) : ''}</td>`);
    return `<tr${first ? ' class="first"' : ''}>${settings.join('')}<td>${escapeHtml(r0.variant)}</td><td>${escapeHtml(r0.series)}</td>${cells.join('')}</tr>`;
  });
  return `<h3>${kind === 'workload' ? 'Workloads' : 'Services'}</h3><div class="table-wrap"><table class="summary" data-kind="${kind}"><thead><tr>${head.join('')}</tr></thead><tbody>${rows.join('\n')}</tbody></table></div>`;
}
