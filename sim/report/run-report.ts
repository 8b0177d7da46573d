/**
 * The HTML report of `meshsim run --report`: one self-contained page with the summary table
 * (the exact numbers of summary.json, each cell carrying its value), the timeline, and d3 charts
 * per service and workload: success rate, request rate, p50/p99, codes and flags over time with
 * the timeline marked and variants overlaid, and the latency histogram. Pure: results in, HTML out.
 */
import type { MergedFigure, MergedSeries, MergedVariant, RunResult, SeriesSummary } from '../run/index.ts';
import { count, ms, pct, withCi } from './format.ts';
import { escapeHtml, page, valueCell, type ReportAssets } from './html.ts';
import { runChartData } from './run-data.ts';
import { REPORT_CSS } from './styles.ts';

export interface RunReportInput {
  scenario: { name: string; file: string; description?: string | undefined };
  /** Every run, in spec order (seed-major, base first within a seed). */
  runs: RunResult[];
  /** With several seeds: per variant, means and 95% CIs. */
  merged?: MergedVariant[] | undefined;
  version: string;
}

const METRICS: { key: string; label: string; of: (s: SeriesSummary) => number | null; m: (s: MergedSeries) => MergedFigure; fmt: (x: number | null) => string }[] = [
  { key: 'ratePerS', label: 'req/s', of: (s) => s.ratePerS, m: (s) => s.ratePerS, fmt: count },
  { key: 'successRate', label: 'success', of: (s) => s.successRate, m: (s) => s.successRate, fmt: pct },
  { key: 'p50Ms', label: 'p50', of: (s) => s.latency.p50Ms, m: (s) => s.p50Ms, fmt: ms },
  { key: 'p90Ms', label: 'p90', of: (s) => s.latency.p90Ms, m: (s) => s.p90Ms, fmt: ms },
  { key: 'p99Ms', label: 'p99', of: (s) => s.latency.p99Ms, m: (s) => s.p99Ms, fmt: ms },
  { key: 'p999Ms', label: 'p99.9', of: (s) => s.latency.p999Ms, m: (s) => s.p999Ms, fmt: ms },
];

export function renderRunReport(input: RunReportInput, assets: ReportAssets): string {
  const { runs, scenario } = input;
  const seeds = [...new Set(runs.map((r) => r.summary.seed))];
  const first = runs.filter((r) => r.summary.seed === seeds[0]);
  const s0 = first[0]!.summary;
  const seedText = seeds.length === 1 ? `seed ${seeds[0]}` : `${seeds.length} seeds (${seeds[0]}–${seeds[seeds.length - 1]}): table shows mean ± 95% CI, charts show seed ${seeds[0]}`;
  const body = [
    '<header>',
    `<h1>${escapeHtml(scenario.name)}</h1>`,
    `<p class="meta">${escapeHtml(scenario.file)} · ${s0.durationS}s simulated · ${escapeHtml(seedText)}${s0.warmupS > 0 ? ` · first ${s0.warmupS}s are warm-up` : ''}</p>`,
    scenario.description ? `<p class="description">${escapeHtml(scenario.description.trim())}</p>` : '',
    '</header>',
    '<h2>Summary</h2>',
    ...(['services', 'workloads'] as const).map((kind) => summaryTable(kind, first, input.merged)),
    sharesTable(runs),
    connectsTable(first),
    '<h2>Timeline</h2>',
    timelineList(first),
    '<h2>Over time</h2>',
    '<p class="note">Per service (requests to it) and per workload (requests it sent). Dashed vertical lines are the timeline\'s actions; hover a chart for values.</p>',
    '<div id="legend" class="legend"></div>',
    '<div id="charts"></div>',
    `<footer>meshsim ${escapeHtml(input.version)} · digests: ${first.map((r) => `${escapeHtml(r.summary.variant)} ${r.summary.digest}`).join(', ')}</footer>`,
  ].join('\n');
  return page(`meshsim · ${scenario.name}`, REPORT_CSS, body, runChartData(runs), assets);
}

function summaryTable(kind: 'services' | 'workloads', runs: RunResult[], merged: MergedVariant[] | undefined): string {
  const head = [`<th>${kind === 'services' ? 'service' : 'workload'}</th>`, '<th>variant</th>', ...METRICS.map((m) => `<th class="num">${m.label}</th>`), '<th>non-2xx codes · flags</th>'];
  const rows: string[] = [];
  runs[0]!.summary[kind].forEach((series, i) => {
    runs.forEach((run, v) => {
      const variant = run.summary.variant;
      const s = run.summary[kind][i]!;
      const m = merged?.find((x) => x.variant === variant)?.[kind][i];
      const attrs = { series: series.name, kind: s.kind, variant };
      const cells = METRICS.map((metric) => {
        if (m) {
          const f = metric.m(m);
          return valueCell(withCi(f.mean, f.ci95, metric.fmt), { ...attrs, metric: metric.key, value: f.mean, ci: f.ci95 ? f.ci95.join(',') : null });
        }
        return valueCell(metric.fmt(metric.of(s)), { ...attrs, metric: metric.key, value: metric.of(s) });
      });
      const errors = errorText(m ? m.codes : s.codes, m ? m.flags : s.flags);
      rows.push(`<tr${v === 0 ? ' class="first"' : ''}><td>${v === 0 ? escapeHtml(series.name) : ''}</td><td>${escapeHtml(variant)}</td>${cells.join('')}<td${errors === '–' ? '' : ' class="bad"'}>${escapeHtml(errors)}</td></tr>`);
    });
  });
  return `<h3>${kind === 'services' ? 'Services' : 'Workloads'}</h3><div class="table-wrap"><table class="summary" data-kind="${kind}"><thead><tr>${head.join('')}</tr></thead><tbody>${rows.join('\n')}</tbody></table></div>`;
}

/**
 * With routes: each routed service's and destination's share of the requests addressed to the
 * routed service (summary `share`), per variant, the mean over seeds as the summary table's
 * figures are; the split the weights and kube-proxy made.
 */
function sharesTable(runs: RunResult[]): string {
  const variants = [...new Set(runs.map((r) => r.summary.variant))];
  const shareOf = (r: RunResult, name: string) => r.summary.services.find((s) => s.name === name)?.share ?? null;
  const names = runs[0]!.summary.services.map((s) => s.name).filter((name) => runs.some((r) => shareOf(r, name) !== null));
  if (names.length === 0) return '';
  const head = ['<th>service</th>', ...variants.map((v) => `<th class="num">${escapeHtml(v)}</th>`)];
  const rows = names.map((name) => {
    const cells = variants.map((variant) => {
      const shares = runs.filter((r) => r.summary.variant === variant).map((r) => shareOf(r, name)).filter((x): x is number => x !== null);
      const mean = shares.length === 0 ? null : shares.reduce((a, b) => a + b, 0) / shares.length;
      return valueCell(pct(mean), { series: name, kind: 'service', variant, metric: 'share', value: mean });
    });
    return `<tr><td>${escapeHtml(name)}</td>${cells.join('')}</tr>`;
  });
  const seeds = new Set(runs.map((r) => r.summary.seed)).size;
  return [
    '<h3>Route shares</h3>',
    `<p class="note">Each routed service's and destination's share of the requests addressed to the routed service${seeds > 1 ? `, the mean over ${seeds} seeds` : ''}: its route's weights for clients with a sidecar, kube-proxy's pick among all the Service's pods for clients without.</p>`,
    `<div class="table-wrap"><table class="summary shares"><thead><tr>${head.join('')}</tr></thead><tbody>${rows.join('\n')}</tbody></table></div>`,
  ].join('\n');
}

/**
 * With connection tracking: each variant's connect latency histogram (conntrack.md §6.3), connects
 * by the send time of the SYN that got through, then those Envoy's connect timeout closed and
 * those the kernel gave up on. Columns: every SYN time some variant's schedule has.
 */
function connectsTable(runs: RunResult[]): string {
  const tracked = runs.filter((r) => r.summary.conntrack !== null);
  if (tracked.length === 0) return '';
  const atS = [...new Set(tracked.flatMap((r) => r.summary.conntrack!.connectLatency.map((bin) => bin.atS)))].sort((a, b) => a - b);
  const head = ['<th>variant</th>', ...atS.map((t) => `<th class="num">${t} s</th>`), '<th class="num">connect timeout</th>', '<th class="num">ETIMEDOUT</th>'];
  const rows = tracked.map((r) => {
    const c = r.summary.conntrack!;
    const attrs = { variant: r.summary.variant };
    const bins = atS.map((t) => {
      const bin = c.connectLatency.find((b) => b.atS === t);
      return bin ? valueCell(count(bin.connects), { ...attrs, metric: `connects@${t}s`, value: bin.connects }) : '<td class="num">–</td>';
    });
    const ends = [valueCell(count(c.connectsAbandoned), { ...attrs, metric: 'connectsAbandoned', value: c.connectsAbandoned }), valueCell(count(c.connectsTimedOut), { ...attrs, metric: 'connectsTimedOut', value: c.connectsTimedOut })];
    return `<tr><td>${escapeHtml(r.summary.variant)}</td>${bins.join('')}${ends.join('')}</tr>`;
  });
  return [
    '<h3>Connects</h3>',
    '<p class="note">TCP connects by when the SYN that got through was sent (s after the first SYN: the kernel\'s retransmit schedule), or how they ended.</p>',
    `<div class="table-wrap"><table class="summary connects"><thead><tr>${head.join('')}</tr></thead><tbody>${rows.join('\n')}</tbody></table></div>`,
  ].join('\n');
}

function errorText(codes: Record<string, number>, flags: Record<string, number>): string {
  const bad = Object.entries(codes).filter(([c]) => !(Number(c) >= 200 && Number(c) < 300)).map(([c, n]) => `${c}: ${count(n)}`);
  const fl = Object.entries(flags).map(([f, n]) => `${f}: ${count(n)}`);
  if (bad.length === 0 && fl.length === 0) return '–';
  return [bad.join(', '), fl.join(', ')].filter(Boolean).join(' · ');
}

function timelineList(runs: RunResult[]): string {
  const lists = runs.map((r) => r.summary.timeline.map((e) => `<li>${escapeHtml(e.description)}</li>`).join(''));
  if (lists.every((l) => l === '')) return '<p class="note">No timeline actions.</p>';
  const same = lists.every((l) => l === lists[0]);
  if (same) return `<ul class="timeline">${lists[0]}</ul>`;
  return runs.map((r, i) => `<h3>${escapeHtml(r.summary.variant)}</h3><ul class="timeline">${lists[i] || '<li>(none)</li>'}</ul>`).join('\n');
}
